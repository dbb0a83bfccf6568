//! The current password, asked again before a sensitive change (ASVS 7.5.1).

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords::{self, HashUse};
use crate::throttle;
use carespace_core::audit::{AuditAction, Outcome};
use carespace_core::secret::Secret;
use carespace_store::accounts::AccountRow;

/// Checks of the current password one account may have in an hour: a stolen session cannot
/// be used to guess the password behind it.
pub const CHECKS_PER_HOUR: i64 = 10;

/// Checks the current password of an account before a sensitive change (ASVS 7.5.1), counted
/// before the hash.
pub(crate) async fn confirm_password(
    ctx: &AppContext,
    account: &AccountRow,
    password: Secret,
    field: &'static str,
) -> AppResult<()> {
    let key = format!("current_password:{}", account.id);
    throttle::limit_per_hour_now(ctx, &key, CHECKS_PER_HOUR).await?;
    let hash = Some(account.password_hash.clone());
    if passwords::verify(&ctx.hashing, HashUse::Other, password, hash).await? {
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
    let result = confirm_password(ctx, account, password, field).await;
    if !matches!(result, Err(AppError::Invalid(_))) {
        return result;
    }
    let event = Event {
        outcome: Outcome::Denied,
        ..Event::own(
            &account.id,
            AuditAction::CurrentPasswordWrong,
            "account",
            Some(account.id.as_str()),
        )
    };
    let mut tx = ctx.db.begin().await?;
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    result
}
