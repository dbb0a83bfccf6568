//! Deleting what has served its purpose: stale counters, ended sessions, expired trusted
//! devices and email links, and accounts whose address was never verified. Each function
//! deletes at most `limit` rows, so one run never holds the write lock for long.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;

/// Runs one `DELETE … WHERE key IN (SELECT key … LIMIT)`; returns how many rows went.
async fn delete_batch(
    ex: impl Into<Exec<'_>>,
    sql: &str,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(sql)
        .bind(before.millis())
        .bind(limit)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected())
}

/// Failed-login counters whose last failure was before `before`.
pub async fn purge_login_failures(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM login_failures WHERE counter_key IN (
        SELECT counter_key FROM login_failures WHERE last_failure_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Request counters whose window started before `before`.
pub async fn purge_rate_limits(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM rate_limits WHERE counter_key IN (
        SELECT counter_key FROM rate_limits WHERE window_start < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Sessions that ended (their lifetime over, or idle too long) before `before`.
pub async fn purge_sessions(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    idle_ms: i64,
    limit: i64,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "DELETE FROM sessions WHERE id IN (
            SELECT id FROM sessions WHERE expires_at < $1 OR last_seen_at < $2 LIMIT $3)",
    )
    .bind(before.millis())
    .bind(before.millis() - idle_ms)
    .bind(limit)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}

/// Trusted devices that expired before `before`.
pub async fn purge_trusted_devices(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM trusted_devices WHERE token_hash IN (
        SELECT token_hash FROM trusted_devices WHERE expires_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Email links that expired, or were used, before `before`.
pub async fn purge_account_tokens(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM account_tokens WHERE token_hash IN (
        SELECT token_hash FROM account_tokens WHERE expires_at < $1 OR used_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Logins that waited for their second step and expired before `before`.
pub async fn purge_login_challenges(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM login_challenges WHERE token_hash IN (
        SELECT token_hash FROM login_challenges WHERE expires_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Text-message codes sent before `before`: expired, and no longer counted against the hour.
pub async fn purge_sms_codes(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM sms_codes WHERE id IN (
        SELECT id FROM sms_codes WHERE sent_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}

/// Accounts registered before `before` whose address is still not verified.
pub async fn unverified_accounts(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<Vec<AccountId>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT id FROM accounts WHERE email_verified_at IS NULL AND created_at < $1
         ORDER BY created_at LIMIT $2",
    )
    .bind(before.millis())
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|row| decode::id(row, "id")).collect()
}

/// Deletes the account if its address is still not verified; its sessions, links, devices
/// and tokens go with it. Returns whether it was deleted.
pub async fn delete_unverified_account(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM accounts WHERE id = $1 AND email_verified_at IS NULL")
        .bind(account_id.as_str())
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Passkey ceremonies whose browser never answered in time.
pub async fn purge_passkey_ceremonies(
    ex: impl Into<Exec<'_>>,
    before: Timestamp,
    limit: i64,
) -> StoreResult<u64> {
    let sql = "DELETE FROM passkey_ceremonies WHERE token_hash IN (
        SELECT token_hash FROM passkey_ceremonies WHERE expires_at < $1 LIMIT $2)";
    delete_batch(ex, sql, before, limit).await
}
