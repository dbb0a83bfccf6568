//! Personal access tokens: an account's keys for the JSON API, named, shown once, stored as a
//! hash, expiring, revocable, listed with their last use.

use crate::accounts::{self, Account};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::time::Timestamp;
use carespace_core::{ids, tokens};
use carespace_store::api_tokens::{self as store, ApiTokenRow};

/// Tokens carry this prefix, so a leaked one is recognisable in logs and by secret scanners.
pub const PREFIX: &str = "csp_";
const DAY_MS: i64 = 86_400_000;
pub const MAX_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(row: ApiTokenRow) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// Creates a token; the secret is returned this once and never again.
pub async fn create(
    ctx: &AppContext,
    account_id: &str,
    name: &str,
    days: u32,
    origin: &Origin,
) -> AppResult<(ApiToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::field("name", "token_name_invalid"));
    }
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::field("days", "token_days_invalid"));
    }
    let now = ctx.now();
    let secret = format!("{PREFIX}{}", tokens::generate()?);
    let row = ApiTokenRow {
        id: ids::new_id(),
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        created_at: now,
        expires_at: now.plus_millis(i64::from(days) * DAY_MS),
        last_used_at: None,
    };
    let mut tx = ctx.db.begin().await?;
    store::insert(&mut tx, &row, &tokens::hash(&secret)).await?;
    let event = Event::own(
        account_id,
        AuditAction::ApiTokenCreated,
        "api_token",
        Some(&row.id),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, token = %row.id, "API token created");
    Ok((ApiToken::from(row), secret))
}

pub async fn list(ctx: &AppContext, account_id: &str) -> AppResult<Vec<ApiToken>> {
    Ok(store::list_for_account(&ctx.db, account_id)
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

pub async fn revoke(
    ctx: &AppContext,
    account_id: &str,
    token_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    if !store::revoke(&mut tx, account_id, token_id, ctx.now()).await? {
        return Err(AppError::NotFound);
    }
    let event = Event::own(
        account_id,
        AuditAction::ApiTokenRevoked,
        "api_token",
        Some(token_id),
    );
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, token = %token_id, "API token revoked");
    Ok(())
}

/// An account acting through one of its tokens.
#[derive(Debug, Clone)]
pub struct TokenUser {
    pub account: Account,
    /// Which token: the audit log names it.
    pub token_id: String,
}

/// The account a bearer token belongs to, when the token is live; records its use.
pub async fn authenticate(ctx: &AppContext, bearer: &str) -> AppResult<Option<TokenUser>> {
    let Some(secret) = bearer.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if !tokens::is_well_formed(secret) {
        return Ok(None);
    }
    let now = ctx.now();
    let Some(token) = store::find_live(&ctx.db, &tokens::hash(bearer), now).await? else {
        return Ok(None);
    };
    if token
        .last_used_at
        .is_none_or(|at| now.millis() - at.millis() >= 60_000)
    {
        store::mark_used(&ctx.db, &token.id, now).await?;
    }
    match accounts::find(ctx, &token.account_id).await {
        Ok(account) => Ok(Some(TokenUser {
            account,
            token_id: token.id,
        })),
        Err(AppError::NotFound) => Ok(None),
        Err(error) => Err(error),
    }
}
