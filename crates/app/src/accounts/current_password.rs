//! The current password, asked again before a sensitive change (ASVS 7.5.1).

use crate::error::{AppError, AppResult};
use crate::passwords;
use carespace_core::secret::Secret;
use carespace_store::accounts::AccountRow;

/// Checks the current password of an account before a sensitive change (ASVS 7.5.1).
pub(super) async fn confirm_password(
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
