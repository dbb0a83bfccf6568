//! Server-side sessions.

use crate::db::Db;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub account_id: String,
    pub csrf_token: String,
    pub ip: String,
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device_type: String,
    pub browser_language: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

const COLUMNS: &str = "id, account_id, csrf_token, ip, browser, browser_version, os, device_type,
                       browser_language, created_at, last_seen_at, expires_at";

fn from_row(row: &AnyRow) -> StoreResult<SessionRow> {
    Ok(SessionRow {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        csrf_token: row.try_get("csrf_token")?,
        ip: row.try_get("ip")?,
        browser: row.try_get("browser")?,
        browser_version: row.try_get("browser_version")?,
        os: row.try_get("os")?,
        device_type: row.try_get("device_type")?,
        browser_language: row.try_get("browser_language")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_seen_at: Timestamp::from_millis(row.try_get("last_seen_at")?),
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
    })
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    session: &SessionRow,
    token_hash: &str,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, account_id, csrf_token, ip, browser, browser_version,
                               os, device_type, browser_language, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&session.id)
    .bind(token_hash)
    .bind(&session.account_id)
    .bind(&session.csrf_token)
    .bind(&session.ip)
    .bind(&session.browser)
    .bind(&session.browser_version)
    .bind(&session.os)
    .bind(&session.device_type)
    .bind(&session.browser_language)
    .bind(session.created_at.millis())
    .bind(session.last_seen_at.millis())
    .bind(session.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn find_by_token_hash(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
) -> StoreResult<Option<SessionRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = $1");
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records activity. Plain pool write: losing a "last seen" to a crash is harmless.
pub async fn touch(db: &Db, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// The account's sessions, newest activity first.
pub async fn list_for_account(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
) -> StoreResult<Vec<SessionRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE account_id = $1 ORDER BY last_seen_at DESC, id"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Ends one session of the account; false when it has no such session.
pub async fn delete(ex: impl Into<Exec<'_>>, account_id: &str, id: &str) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends every session of the account except `keep` (when given); returns how many ended.
pub async fn delete_all(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
    keep: Option<&str>,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
        .bind(account_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected())
}

/// Removes one session by its token (logging out).
pub async fn delete_by_token_hash(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
) -> StoreResult<Option<String>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING account_id")
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?;
    Ok(row.map(|row| row.try_get("account_id")).transpose()?)
}
