//! Personal access tokens for the JSON API.

use crate::db::Db;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

fn from_row(row: &AnyRow) -> StoreResult<ApiTokenRow> {
    Ok(ApiTokenRow {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
        last_used_at: row
            .try_get::<Option<i64>, _>("last_used_at")?
            .map(Timestamp::from_millis),
    })
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    token: &ApiTokenRow,
    token_hash: &str,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, account_id, name, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&token.id)
    .bind(token_hash)
    .bind(&token.account_id)
    .bind(&token.name)
    .bind(token.created_at.millis())
    .bind(token.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The live (unrevoked, unexpired) token with this hash.
pub async fn find_live(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<ApiTokenRow>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT id, account_id, name, created_at, expires_at, last_used_at FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now.millis())
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn mark_used(db: &Db, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// The account's tokens that are not revoked, newest first.
pub async fn list_for_account(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
) -> StoreResult<Vec<ApiTokenRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT id, account_id, name, created_at, expires_at, last_used_at FROM api_tokens
         WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id",
    )
    .bind(account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Revokes one of the account's tokens; false when it has no such live token.
pub async fn revoke(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
    id: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3
         WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(id)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Revokes every live token of the account (its password was reset or changed); returns how
/// many.
pub async fn revoke_all(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
    now: Timestamp,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}
