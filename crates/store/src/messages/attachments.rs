//! A message's files: stored files of the file pipeline, with their sealed names.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::ids::{FileId, MessageId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// An attachment with its stored file's type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub message_id: MessageId,
    pub position: i64,
    pub file_id: FileId,
    pub name: Vec<u8>,
    pub content_type: String,
    pub size: i64,
}

/// Attaches a stored file (recorded in the same transaction first) to a message.
pub async fn insert(
    tx: &mut Tx,
    message: &MessageId,
    position: i64,
    file: &FileId,
    name: &[u8],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO message_attachments (message_id, position, file_id, file_name)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(message.as_str())
    .bind(position)
    .bind(file.as_str())
    .bind(name)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The attachments of the messages `ids`, in order.
pub async fn of(ex: impl Into<Exec<'_>>, ids: &[&MessageId]) -> StoreResult<Vec<AttachmentRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = conn(ex).await?;
    let placeholders = super::placeholders(ids.len());
    let sql = format!(
        "SELECT t.message_id, t.position, t.file_id, t.file_name, f.content_type, f.size
         FROM message_attachments t JOIN stored_files f ON f.id = t.file_id
         WHERE t.message_id IN ({placeholders}) ORDER BY t.message_id, t.position"
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.as_str());
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// Removes a message's attachments and their stored files' rows, returning the files to remove
/// from the file store once the transaction commits.
pub async fn delete_of(tx: &mut Tx, message: &MessageId) -> StoreResult<Vec<FileId>> {
    let rows = sqlx::query("SELECT file_id FROM message_attachments WHERE message_id = $1")
        .bind(message.as_str())
        .fetch_all(tx.conn())
        .await?;
    let files: Vec<FileId> = rows
        .iter()
        .map(|row| decode::id(row, "file_id"))
        .collect::<StoreResult<_>>()?;
    sqlx::query("DELETE FROM message_attachments WHERE message_id = $1")
        .bind(message.as_str())
        .execute(tx.conn())
        .await?;
    for file in &files {
        sqlx::query("DELETE FROM stored_files WHERE id = $1")
            .bind(file.as_str())
            .execute(tx.conn())
            .await?;
    }
    Ok(files)
}

fn from_row(row: &AnyRow) -> StoreResult<AttachmentRow> {
    Ok(AttachmentRow {
        message_id: decode::id(row, "message_id")?,
        position: row.try_get("position")?,
        file_id: decode::id(row, "file_id")?,
        name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
    })
}
