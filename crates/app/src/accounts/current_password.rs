//! The current password, asked again before a sensitive change (ASVS 7.5.1).

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords;
use carespace_core::audit::{AuditAction, Outcome};
use carespace_core::secret::Secret;
use carespace_store::accounts::AccountRow;

/// Checks the current password of an account before a sensitive change (ASVS 7.5.1).
pub(crate) async fn confirm_password(
    account: &AccountRow,
    password: Secret,
    field: &'static str,
) -> AppResult<()> {
    if passwords::verify(password, Some(account.password_hash.clone())).await? {
        Ok(())
    } else {
        tracing::warn!(target: "security", account = %account.id, "wrong current password");
        Err(AppError::field(field, "current_password_wrong"))
    }
}

/// [`confirm_password`] for the signed-in owner of the account: a wrong one is audit-logged as
/// refused, in a transaction of its own, as the change itself is not made.
pub(crate) async fn confirm_current_password(
    ctx: &AppContext,
    account: &AccountRow,
    password: Secret,
    field: &'static str,
    origin: &Origin,
) -> AppResult<()> {
    let result = confirm_password(account, password, field).await;
    if !matches!(result, Err(AppError::Invalid(_))) {
        return result;
    }
    let event = Event {
        outcome: Outcome::Denied,
        ..Event::own(
            &account.id,
            AuditAction::CurrentPasswordWrong,
            "account",
            Some(&account.id),
        )
    };
    let mut tx = ctx.db.begin().await?;
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    result
}
