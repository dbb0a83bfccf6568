//! The current password, asked again before a sensitive change (ASVS 7.5.1).

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords::{self, HashUse};
use carespace_core::secret::Secret;
use carespace_store::accounts::AccountRow;

/// Checks the current password of an account before a sensitive change (ASVS 7.5.1).
pub(super) async fn confirm_password(
    ctx: &AppContext,
    account: &AccountRow,
    password: Secret,
    field: &'static str,
) -> AppResult<()> {
    let hash = Some(account.password_hash.clone());
    if passwords::verify(&ctx.hashing, HashUse::Other, password, hash).await? {
        Ok(())
    } else {
        tracing::warn!(target: "security", account = %account.id, "wrong current password");
        Err(AppError::field(field, "current_password_wrong"))
    }
}
