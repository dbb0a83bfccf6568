//! Ending an account's ways in after its password changed.

use crate::error::AppResult;
use carespace_store::Tx;
use carespace_store::sessions as store;

/// Ends every session of the account but `keep` (the one that made the change, if any);
/// returns how many ended.
pub(super) async fn end_access(
    tx: &mut Tx,
    account_id: &str,
    keep: Option<&str>,
) -> AppResult<u64> {
    Ok(store::delete_all(tx, account_id, keep).await?)
}
