//! Record items: a client's documents and links.

use super::Before;
use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::ids::{AccountId, FileId, HealthspaceId, RecordItemId};
use carespace_core::record::ItemKind;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An item as stored: sealed fields stay sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: RecordItemId,
    pub account_id: AccountId,
    pub kind: ItemKind,
    pub title: Vec<u8>,
    pub note: Option<Vec<u8>>,
    pub url: Option<Vec<u8>>,
    pub file: Option<FileRow>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A document's file: which stored file, its sealed name, its type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: FileId,
    pub name: Vec<u8>,
    pub content_type: String,
    pub size: i64,
}

/// A new item; its stored file (for a document) is recorded in the same transaction first.
#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub id: &'a RecordItemId,
    pub account_id: &'a AccountId,
    pub kind: ItemKind,
    pub title: &'a [u8],
    pub note: Option<&'a [u8]>,
    pub url: Option<&'a [u8]>,
    pub file: Option<(&'a FileId, &'a [u8])>,
    pub now: Timestamp,
}

const COLUMNS: &str = "i.id, i.account_id, i.kind, i.title, i.note, i.url, i.file_id,
     i.file_name, f.content_type, f.size, i.created_at, i.updated_at
     FROM record_items i LEFT JOIN stored_files f ON f.id = i.file_id";

pub async fn insert(tx: &mut Tx, item: &NewItem<'_>) -> StoreResult<()> {
    let (file_id, file_name) = item.file.unzip();
    sqlx::query(
        "INSERT INTO record_items
             (id, account_id, kind, title, note, url, file_id, file_name, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(item.id.as_str())
    .bind(item.account_id.as_str())
    .bind(item.kind.code())
    .bind(item.title)
    .bind(item.note)
    .bind(item.url)
    .bind(file_id.map(FileId::as_str))
    .bind(file_name)
    .bind(item.now.millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The item `id` when it is `account`'s.
pub async fn find_own(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    id: &RecordItemId,
) -> StoreResult<Option<ItemRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} WHERE i.id = $1 AND i.account_id = $2");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(account.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(item_from_row).transpose()
}

/// One page of `account`'s items, newest first, older than `before`.
pub async fn page_of(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    before: Before<'_>,
    limit: i64,
) -> StoreResult<Vec<ItemRow>> {
    let mut c = conn(ex).await?;
    let (at, id) = before.unzip();
    let sql = format!(
        "SELECT {COLUMNS} WHERE i.account_id = $1
           AND ($2 IS NULL OR i.created_at < $2 OR (i.created_at = $2 AND i.id < $3))
         ORDER BY i.created_at DESC, i.id DESC LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(account.as_str())
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(item_from_row).collect()
}

/// One page of the items `client` shares with the Healthspace, newest first.
pub async fn shared_page(
    ex: impl Into<Exec<'_>>,
    healthspace: &HealthspaceId,
    client: &AccountId,
    before: Before<'_>,
    limit: i64,
) -> StoreResult<Vec<ItemRow>> {
    let mut c = conn(ex).await?;
    let (at, id) = before.unzip();
    let sql = format!(
        "SELECT {COLUMNS} JOIN record_shares s ON s.item_id = i.id AND s.healthspace_id = $1
         WHERE i.account_id = $2
           AND ($3 IS NULL OR i.created_at < $3 OR (i.created_at = $3 AND i.id < $4))
         ORDER BY i.created_at DESC, i.id DESC LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(healthspace.as_str())
        .bind(client.as_str())
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(item_from_row).collect()
}

/// The item `id` of `client` when it is shared with the Healthspace.
pub async fn find_shared(
    ex: impl Into<Exec<'_>>,
    healthspace: &HealthspaceId,
    client: &AccountId,
    id: &RecordItemId,
) -> StoreResult<Option<ItemRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} JOIN record_shares s ON s.item_id = i.id AND s.healthspace_id = $1
         WHERE i.account_id = $2 AND i.id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(healthspace.as_str())
        .bind(client.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(item_from_row).transpose()
}

/// New sealed title and note for an item.
pub async fn change(
    tx: &mut Tx,
    id: &RecordItemId,
    title: &[u8],
    note: Option<&[u8]>,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query("UPDATE record_items SET title = $1, note = $2, updated_at = $3 WHERE id = $4")
        .bind(title)
        .bind(note)
        .bind(now.millis())
        .bind(id.as_str())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Removes the item, its shares and its stored file's row; the file itself is removed from the
/// file store after the transaction commits.
pub async fn delete(tx: &mut Tx, item: &ItemRow) -> StoreResult<()> {
    sqlx::query("DELETE FROM record_shares WHERE item_id = $1")
        .bind(item.id.as_str())
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM record_items WHERE id = $1")
        .bind(item.id.as_str())
        .execute(tx.conn())
        .await?;
    if let Some(file) = &item.file {
        sqlx::query("DELETE FROM stored_files WHERE id = $1")
            .bind(file.id.as_str())
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

fn item_from_row(row: &AnyRow) -> StoreResult<ItemRow> {
    let file = match decode::optional_id::<FileId>(row, "file_id")? {
        Some(id) => Some(FileRow {
            id,
            name: row
                .try_get::<Option<Vec<u8>>, _>("file_name")?
                .unwrap_or_default(),
            content_type: row.try_get("content_type")?,
            size: row.try_get("size")?,
        }),
        None => None,
    };
    Ok(ItemRow {
        id: decode::id(row, "id")?,
        account_id: decode::id(row, "account_id")?,
        kind: decode::code(row, "kind", ItemKind::parse)?,
        title: row.try_get("title")?,
        note: row.try_get("note")?,
        url: row.try_get("url")?,
        file,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        updated_at: Timestamp::from_millis(row.try_get("updated_at")?),
    })
}
