//! Counters for slowing down password guessing and request floods, and the trusted devices
//! that let a real user past them (see `carespace_core::throttle`).

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use sqlx::Row;

/// The counter under `key` (zero failures long ago when there is none yet), locked until the
/// transaction ends: parallel logins against one counter take turns, so none reads a count
/// another is about to raise.
pub async fn lock_failures(ex: impl Into<Exec<'_>>, key: &str) -> StoreResult<(i64, Timestamp)> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "INSERT INTO login_failures (counter_key, failures, last_failure_at) VALUES ($1, 0, 0)
         ON CONFLICT (counter_key) DO UPDATE SET failures = login_failures.failures
         RETURNING failures, last_failure_at",
    )
    .bind(key)
    .fetch_one(&mut *c)
    .await?;
    Ok((
        row.try_get("failures")?,
        Timestamp::from_millis(row.try_get("last_failure_at")?),
    ))
}

/// Takes back one failure counted in advance, for a try that turned out right.
pub async fn give_back_failure(ex: impl Into<Exec<'_>>, key: &str) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE login_failures SET failures = failures - 1 WHERE counter_key = $1 AND failures > 0",
    )
    .bind(key)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Counts one failure; a counter that was forgotten starts again at one.
pub async fn add_failure(
    ex: impl Into<Exec<'_>>,
    key: &str,
    forget_before: Timestamp,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO login_failures (counter_key, failures, last_failure_at) VALUES ($1, 1, $2)
         ON CONFLICT (counter_key) DO UPDATE SET
             failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1
                             ELSE login_failures.failures + 1 END,
             last_failure_at = $2",
    )
    .bind(key)
    .bind(now.millis())
    .bind(forget_before.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn clear_failures(ex: impl Into<Exec<'_>>, key: &str) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM login_failures WHERE counter_key = $1")
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Counts one request under `key` in fixed windows of `window_ms`; returns the count in the
/// current window, this request included.
pub async fn hit(
    ex: impl Into<Exec<'_>>,
    key: &str,
    window_ms: i64,
    now: Timestamp,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "INSERT INTO rate_limits (counter_key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (counter_key) DO UPDATE SET
             hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
             window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2
                                 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(key)
    .bind(now.millis())
    .bind(now.millis() - window_ms)
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("hits")?)
}

pub async fn trust_device(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    expires_at: Timestamp,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO trusted_devices (token_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id.as_str())
    .bind(now.millis())
    .bind(expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Forgets every trusted device of the account: each must log in again as a stranger would.
pub async fn forget_devices(ex: impl Into<Exec<'_>>, account_id: &AccountId) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM trusted_devices WHERE account_id = $1")
        .bind(account_id.as_str())
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected())
}

/// Whether `token_hash` is a live trusted device of the account.
pub async fn is_trusted_device(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account_id: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM trusted_devices
         WHERE token_hash = $1 AND account_id = $2 AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(account_id.as_str())
    .bind(now.millis())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}
