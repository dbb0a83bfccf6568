//! Facts about this installation, kept as key/value rows.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::time::Timestamp;
use sqlx::Row;

/// The key under which the time demo data was loaded is kept.
pub const DEMO_LOADED_AT: &str = "demo_loaded_at";

pub async fn set(
    ex: impl Into<Exec<'_>>,
    key: &str,
    value: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO installation (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn get(ex: impl Into<Exec<'_>>, key: &str) -> StoreResult<Option<String>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT value FROM installation WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
    Ok(row.map(|row| row.try_get("value")).transpose()?)
}

/// Whether the database holds anything a person or the demo put there. The job queue does
/// not count: it only holds work derived from other data.
pub async fn is_empty(ex: impl Into<Exec<'_>>) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM installation")
        .fetch_one(&mut *c)
        .await?;
    let n: i64 = row.try_get("n")?;
    Ok(n == 0)
}
