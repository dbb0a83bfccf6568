//! Browsers remembered at a login's second step: a trusted device of the account (see
//! `throttle`) with a time until which its logins skip that step.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use sqlx::Row;

/// A remembered browser, as "Active sessions" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedBrowserRow {
    /// The hash of the browser's device cookie: no secret, and the browser's only name.
    pub token_hash: String,
    pub browser: String,
    pub os: String,
    pub until: Timestamp,
}

/// Remembers the trusted device `token_hash` of the account until `until`; false when it is
/// no trusted device of the account.
pub async fn remember(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    until: Timestamp,
    (browser, os): (&str, &str),
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE trusted_devices
         SET second_factor_until = $3, remembered_browser = $4, remembered_os = $5
         WHERE token_hash = $1 AND account_id = $2",
    )
    .bind(token_hash)
    .bind(account_id.as_str())
    .bind(until.millis())
    .bind(browser)
    .bind(os)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether the trusted device `token_hash` of the account skips the second step at `now`.
pub async fn is_remembered(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM trusted_devices
         WHERE token_hash = $1 AND account_id = $2 AND expires_at > $3
           AND second_factor_until > $3",
    )
    .bind(token_hash)
    .bind(account_id.as_str())
    .bind(now.millis())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The account's browsers remembered at `now`, the one remembered longest last.
pub async fn of_account(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    now: Timestamp,
) -> StoreResult<Vec<RememberedBrowserRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT token_hash, remembered_browser, remembered_os, second_factor_until
         FROM trusted_devices
         WHERE account_id = $1 AND expires_at > $2 AND second_factor_until > $2
         ORDER BY second_factor_until DESC, token_hash",
    )
    .bind(account_id.as_str())
    .bind(now.millis())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RememberedBrowserRow {
                token_hash: row.try_get("token_hash")?,
                browser: row
                    .try_get::<Option<String>, _>("remembered_browser")?
                    .unwrap_or_default(),
                os: row
                    .try_get::<Option<String>, _>("remembered_os")?
                    .unwrap_or_default(),
                until: Timestamp::from_millis(row.try_get("second_factor_until")?),
            })
        })
        .collect()
}

/// Forgets that a browser of the account skips the second step (it stays a trusted device for
/// the login throttle); false when there was no such browser.
pub async fn forget(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account_id: &AccountId,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE trusted_devices SET second_factor_until = NULL
         WHERE token_hash = $1 AND account_id = $2 AND second_factor_until IS NOT NULL",
    )
    .bind(token_hash)
    .bind(account_id.as_str())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}
