//! "My account": whether an email comes when a message waits unread.

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_store::accounts as store;

/// Whether the account gets email notices of unread messages.
pub async fn message_notices(ctx: &AppContext, account_id: &AccountId) -> AppResult<bool> {
    store::message_notices(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Turns the email notices of unread messages on or off. Turned off, nothing pending is sent
/// any more (the notice loop checks the setting when it sends). Only a change is audit-logged.
pub async fn set_message_notices(
    ctx: &AppContext,
    account_id: &AccountId,
    on: bool,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::message_notices(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::set_message_notices(&mut tx, account_id, on, now).await? {
        let event = Event::own(
            account_id,
            AuditAction::MessageNoticesChanged,
            "account",
            Some(account_id.as_str()),
        );
        audit::record(&mut tx, origin, event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
