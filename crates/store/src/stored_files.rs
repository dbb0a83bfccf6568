//! The stored files of the record: which objects of the file store are recorded, whose data key
//! seals each and what it was found to be. An object without a row is an upload that did not
//! finish, which the sweep removes.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::ids::{AccountId, FileId, Id};
use carespace_core::time::Timestamp;
use sqlx::Row;

/// Ids asked about in one statement.
const IDS_PER_QUERY: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFileRow {
    pub id: FileId,
    pub owner_account_id: AccountId,
    /// The media type its content was found to be.
    pub content_type: String,
    /// Bytes as uploaded, before sealing.
    pub size: u64,
    pub created_at: Timestamp,
}

pub async fn insert(tx: &mut Tx, row: &StoredFileRow) -> StoreResult<()> {
    let mut c = conn(tx).await?;
    sqlx::query(
        "INSERT INTO stored_files (id, owner_account_id, content_type, size, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(row.id.as_str())
    .bind(row.owner_account_id.as_str())
    .bind(&row.content_type)
    .bind(i64::try_from(row.size).unwrap_or(i64::MAX))
    .bind(row.created_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn find(ex: impl Into<Exec<'_>>, id: &FileId) -> StoreResult<Option<StoredFileRow>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT id, owner_account_id, content_type, size, created_at
         FROM stored_files WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| {
        Ok(StoredFileRow {
            id: FileId::from_stored(row.try_get("id")?),
            owner_account_id: AccountId::from_stored(row.try_get("owner_account_id")?),
            content_type: row.try_get("content_type")?,
            size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or_default(),
            created_at: Timestamp::from_millis(row.try_get("created_at")?),
        })
    })
    .transpose()
}

/// Those of `ids` that have a row.
pub async fn referenced(ex: impl Into<Exec<'_>>, ids: &[FileId]) -> StoreResult<Vec<FileId>> {
    let mut c = conn(ex).await?;
    let mut found = Vec::new();
    for batch in ids.chunks(IDS_PER_QUERY) {
        let placeholders: Vec<String> = (1..=batch.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT id FROM stored_files WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in batch {
            query = query.bind(id.as_str());
        }
        for row in query.fetch_all(&mut *c).await? {
            found.push(FileId::from_stored(row.try_get("id")?));
        }
    }
    Ok(found)
}

/// Deletes the row; false when there was none.
pub async fn delete(tx: &mut Tx, id: &FileId) -> StoreResult<bool> {
    let mut c = conn(tx).await?;
    let done = sqlx::query("DELETE FROM stored_files WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}
