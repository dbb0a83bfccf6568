//! Single-use links sent by email (verification, password reset, email change): their lifetimes
//! and how often a new one may be sent.

use crate::error::AppResult;
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::Tx;
use carespace_store::accounts::{self as store, NewToken};

/// A verification link lasts 24 hours.
pub const VERIFY_LINK_MS: i64 = 24 * 3_600_000;
/// A password reset link lasts one hour.
pub const RESET_LINK_MS: i64 = 3_600_000;
/// A new verification or reset email is sent at most once a minute per account.
pub const RESEND_INTERVAL_MS: i64 = 60_000;

/// Stores a new single-use link token for the account and returns the token itself.
pub(super) async fn issue_token(
    tx: &mut Tx,
    account_id: &AccountId,
    purpose: &str,
    new_email: Option<&str>,
    lifetime_ms: i64,
    now: Timestamp,
) -> AppResult<String> {
    let token = tokens::generate()?;
    store::insert_token(
        tx,
        &NewToken {
            token_hash: &tokens::hash(&token),
            account_id,
            purpose,
            new_email,
            expires_at: now.plus_millis(lifetime_ms),
        },
        now,
    )
    .await?;
    Ok(token)
}

/// Whether a link for `purpose` went out less than a minute ago.
pub(super) async fn sent_recently(
    tx: &mut Tx,
    account_id: &AccountId,
    purpose: &str,
    now: Timestamp,
) -> AppResult<bool> {
    let latest = store::latest_token_at(tx, account_id, purpose).await?;
    Ok(latest.is_some_and(|at| now.millis() - at.millis() < RESEND_INTERVAL_MS))
}
