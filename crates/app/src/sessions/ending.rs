//! Logging out, "Active sessions", and ending sessions.

use super::current::CurrentSession;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_core::sessions::DeviceType;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::Tx;
use carespace_store::sessions as store;

/// Ends the session of this cookie.
pub async fn logout(ctx: &AppContext, token: &str, origin: &Origin) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    let ended = store::delete_by_token_hash(&mut tx, &tokens::hash(token)).await?;
    if let Some(account) = &ended {
        let session = origin.session_id.as_deref();
        audit::record(
            &mut tx,
            origin,
            Event::own(account, AuditAction::Logout, "session", session),
            ctx.now(),
        )
        .await?;
        tracing::info!(target: "security", %account, "logout");
    }
    tx.commit().await?;
    if let Some(account) = &ended {
        ctx.live.sessions_ended(account);
    }
    Ok(())
}

/// A session as its owner sees it on "Active sessions".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device_type: DeviceType,
    pub browser_language: String,
    pub ip: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub is_current: bool,
}

/// The account's live sessions, the current one marked.
pub async fn list(ctx: &AppContext, current: &CurrentSession) -> AppResult<Vec<SessionInfo>> {
    let now = ctx.now();
    let limits = ctx.accounts.session_limits();
    let rows = store::list_for_account(&ctx.db, &current.account.id).await?;
    Ok(rows
        .into_iter()
        .filter(|row| limits.is_alive(row.last_seen_at, row.expires_at, now))
        .map(|row| SessionInfo {
            is_current: row.id == current.session_id,
            device_type: DeviceType::from_code(&row.device_type),
            id: row.id,
            browser: row.browser,
            browser_version: row.browser_version,
            os: row.os,
            browser_language: row.browser_language,
            ip: row.ip,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
        })
        .collect())
}

/// Ends one of the user's own sessions. Someone else's session is "not found".
pub async fn end(
    ctx: &AppContext,
    account_id: &AccountId,
    session_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    if !store::delete(&mut tx, account_id, session_id).await? {
        return Err(AppError::NotFound);
    }
    let event = Event::own(
        account_id,
        AuditAction::SessionEnded,
        "session",
        Some(session_id),
    );
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    ctx.live.sessions_ended(account_id);
    tracing::info!(target: "security", account = %account_id, "session ended by its owner");
    Ok(())
}

/// Ends all the user's sessions but the current one; returns how many ended.
pub async fn end_others(
    ctx: &AppContext,
    current: &CurrentSession,
    origin: &Origin,
) -> AppResult<u64> {
    let mut tx = ctx.db.begin().await?;
    let ended = end_all_in(&mut tx, &current.account.id, Some(&current.session_id)).await?;
    let event = Event::own(
        &current.account.id,
        AuditAction::OtherSessionsEnded,
        "account",
        Some(current.account.id.as_str()),
    );
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    ctx.live.sessions_ended(&current.account.id);
    Ok(ended)
}

/// Ends every session of an account (a deactivation, say); returns how many. `event` says who
/// did it and why, for the audit log.
pub async fn end_all(
    ctx: &AppContext,
    account_id: &AccountId,
    origin: &Origin,
    event: Event<'_>,
) -> AppResult<u64> {
    let mut tx = ctx.db.begin().await?;
    let ended = end_all_in(&mut tx, account_id, None).await?;
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    ctx.live.sessions_ended(account_id);
    Ok(ended)
}

/// [`end_all`] inside a caller's transaction, optionally keeping one session.
async fn end_all_in(tx: &mut Tx, account_id: &AccountId, keep: Option<&str>) -> AppResult<u64> {
    Ok(store::delete_all(tx, account_id, keep).await?)
}
