//! Personal access tokens: an account's keys for the JSON API, named, shown once, stored as a
//! hash, expiring, revocable, listed with their last use, and scoped (read-only or read-write;
//! every Healthspace or one). Making one asks for the password and tells the owner by email.

use crate::access::{self, Actor, TokenAccess, TokenScope};
use crate::accounts::{self, Account};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::{self, MailMessage};
use carespace_core::audit::AuditAction;
use carespace_core::healthspaces::HealthspaceLink;
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::policy::{self, Action, TwoStepFacts};
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_core::{ids, tokens};
use carespace_store::accounts as account_store;
use carespace_store::api_tokens::{self as store, ApiTokenRow, ListedToken};
use carespace_store::second_factors;

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
    pub access: TokenAccess,
    /// The one Healthspace it reaches; `None` for all of them.
    pub healthspace: Option<HealthspaceLink>,
}

impl ApiToken {
    fn new(row: ApiTokenRow, healthspace: Option<HealthspaceLink>) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            access: row.scope.access,
            healthspace,
        }
    }
}

impl From<ListedToken> for ApiToken {
    fn from(listed: ListedToken) -> Self {
        ApiToken::new(listed.token, listed.healthspace)
    }
}

/// What the owner fills in to make a token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub days: u32,
    /// `read_only` or `read_write`.
    pub access: String,
    /// The alias of the one Healthspace it reaches; empty for all of them.
    pub healthspace: String,
    /// The account's current password, asked again before a key to the account is made.
    pub password: Secret,
}

/// Creates a token; the secret is returned this once and never again. Only from a browser
/// session: the door of every token request already refuses a token making tokens.
pub async fn create(
    ctx: &AppContext,
    actor: &Actor,
    input: NewToken,
) -> AppResult<(ApiToken, String)> {
    let mut problems = Problems::default();
    let name = problems.check("name", check_name(&input.name));
    let days = problems.check(
        "days",
        (1..=MAX_DAYS)
            .contains(&input.days)
            .then_some(input.days)
            .ok_or("token_days_invalid"),
    );
    let access = problems.check("access", TokenAccess::parse(&input.access));
    problems.finish()?;
    let (Some(name), Some(days), Some(access)) = (name, days, access) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let account_id = &actor.account;
    let account = account_store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let origin = &actor.origin;
    accounts::confirm_current_password(ctx, &account, input.password, "password", origin).await?;

    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !policy::may_make_tokens(second_factors::standing(&mut tx, account_id).await?) {
        return Err(AppError::SecondFactorRequired);
    }
    let alias = input.healthspace.trim();
    let healthspace = if alias.is_empty() {
        None
    } else {
        // Only a Healthspace the account can enter; any other is "not one of yours".
        match access::healthspace(&mut tx, actor, alias, Action::EnterHealthspace).await {
            Ok((row, _)) => Some(row),
            Err(AppError::NotFound) => {
                return Err(AppError::field("healthspace", "token_healthspace_invalid"));
            }
            Err(error) => return Err(error),
        }
    };
    let secret = format!("{PREFIX}{}", tokens::generate()?);
    let row = ApiTokenRow {
        id: ids::new_id(),
        account_id: account_id.clone(),
        name: name.clone(),
        created_at: now,
        expires_at: now.plus_millis(i64::from(days) * DAY_MS),
        last_used_at: None,
        scope: TokenScope {
            access,
            healthspace: healthspace.as_ref().map(|h| h.id.clone()),
        },
    };
    store::insert(&mut tx, &row, &tokens::hash(&secret)).await?;
    // The owner hears of every new key to their account, so one made by someone else is noticed.
    let language = account.language.parse().unwrap_or(Language::Nl);
    let message = MailMessage::ApiTokenCreated { name };
    mail::enqueue(
        &mut tx,
        &account.email,
        &account.full_name,
        language,
        message,
        now,
    )
    .await?;
    let event = Event::own(
        account_id,
        AuditAction::ApiTokenCreated,
        "api_token",
        Some(&row.id),
    );
    audit::record(&mut tx, &actor.origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, token = %row.id, "API token created");
    let link = healthspace.map(|h| HealthspaceLink {
        name: h.name,
        alias: h.alias,
    });
    Ok((ApiToken::new(row, link), secret))
}

fn check_name(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err("token_name_invalid");
    }
    Ok(name.to_owned())
}

pub async fn list(ctx: &AppContext, account_id: &AccountId) -> AppResult<Vec<ApiToken>> {
    Ok(store::list_for_account(&ctx.db, account_id)
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

pub async fn revoke(
    ctx: &AppContext,
    account_id: &AccountId,
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
    ctx.live.sessions_ended(account_id);
    tracing::info!(target: "security", account = %account_id, token = %token_id, "API token revoked");
    Ok(())
}

/// Who a live bearer token acts for.
#[derive(Debug, Clone)]
pub struct TokenUser {
    pub account: Account,
    /// What the token may reach.
    pub scope: TokenScope,
    /// The token's id, which the audit log names.
    pub token_id: String,
    /// Whether the account must, and does, use two-step verification.
    pub two_step: TwoStepFacts,
}

/// Whether this bearer token still works, read only: a live stream asks at each keep-alive
/// and ends once its token was revoked or expired.
pub async fn still_live(ctx: &AppContext, bearer: &str) -> AppResult<bool> {
    if !bearer
        .strip_prefix(PREFIX)
        .is_some_and(tokens::is_well_formed)
    {
        return Ok(false);
    }
    let found = store::find_live(&ctx.db, &tokens::hash(bearer), ctx.now()).await?;
    Ok(found.is_some())
}

/// Who a bearer token acts for, when it is live; records its use.
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
    let two_step = second_factors::standing(&ctx.db, &token.account_id).await?;
    match accounts::find(ctx, &token.account_id).await {
        Ok(account) => Ok(Some(TokenUser {
            account,
            scope: token.scope,
            token_id: token.id,
            two_step,
        })),
        Err(AppError::NotFound) => Ok(None),
        Err(error) => Err(error),
    }
}
