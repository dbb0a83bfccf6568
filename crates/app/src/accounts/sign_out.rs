//! Ending an account's ways in after its password or its second factor changed.

use crate::error::AppResult;
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use carespace_store::accounts as links;
use carespace_store::{Tx, api_tokens, passkeys, second_factors, sessions, throttle};

/// Ends every way into the account that an attacker who knew the old password could hold:
/// its sessions but `keep` (the one that made the change, if any), its API tokens, its
/// trusted devices, its logins waiting for a second step, and its open password-reset and
/// email-change links. A reset or change of the password or of the second factor is how
/// someone takes their account back, so nothing made before it may outlive it.
pub(crate) async fn end_access(
    tx: &mut Tx,
    account_id: &AccountId,
    keep: Option<&str>,
    now: Timestamp,
) -> AppResult<()> {
    // A login of the account waits for this change, or this change for it (`login`).
    carespace_store::accounts::lock(&mut *tx, account_id).await?;
    sessions::delete_all(&mut *tx, account_id, keep).await?;
    api_tokens::revoke_all(&mut *tx, account_id, now).await?;
    throttle::forget_devices(&mut *tx, account_id).await?;
    second_factors::end_challenges_of(&mut *tx, account_id).await?;
    passkeys::end_ceremonies_of(&mut *tx, account_id).await?;
    for purpose in [links::RESET_PASSWORD, links::CHANGE_EMAIL] {
        links::expire_tokens(&mut *tx, account_id, purpose, now).await?;
    }
    Ok(())
}
