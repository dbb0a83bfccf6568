//! With which Healthspaces an item is shared; no row means private.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::ids::{HealthspaceId, RecordItemId};
use carespace_core::time::Timestamp;
use sqlx::Row;

/// A Healthspace an item is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub item_id: RecordItemId,
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub shared_at: Timestamp,
}

/// Shares the item with the Healthspace; `false` when it already was.
pub async fn share(
    tx: &mut Tx,
    item: &RecordItemId,
    healthspace: &HealthspaceId,
    now: Timestamp,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO record_shares (item_id, healthspace_id, shared_at) VALUES ($1, $2, $3)
         ON CONFLICT (item_id, healthspace_id) DO NOTHING",
    )
    .bind(item.as_str())
    .bind(healthspace.as_str())
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes the item private to the Healthspace again; `false` when it was not shared there.
pub async fn unshare(
    tx: &mut Tx,
    item: &RecordItemId,
    healthspace: &HealthspaceId,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM record_shares WHERE item_id = $1 AND healthspace_id = $2")
        .bind(item.as_str())
        .bind(healthspace.as_str())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes every item of `client` private to the Healthspace again; the items it was shared
/// from.
pub async fn end_all_in(
    tx: &mut Tx,
    client: &carespace_core::ids::AccountId,
    healthspace: &HealthspaceId,
) -> StoreResult<Vec<RecordItemId>> {
    let rows = sqlx::query(
        "DELETE FROM record_shares WHERE healthspace_id = $1
           AND item_id IN (SELECT id FROM record_items WHERE account_id = $2)
         RETURNING item_id",
    )
    .bind(healthspace.as_str())
    .bind(client.as_str())
    .fetch_all(tx.conn())
    .await?;
    rows.iter().map(|row| decode::id(row, "item_id")).collect()
}

/// The shares of the items, by Healthspace name.
pub async fn of_items(
    ex: impl Into<Exec<'_>>,
    items: &[&RecordItemId],
) -> StoreResult<Vec<ShareRow>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = conn(ex).await?;
    let placeholders: Vec<String> = (1..=items.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT s.item_id, s.healthspace_id, h.name, s.shared_at FROM record_shares s
         JOIN healthspaces h ON h.id = s.healthspace_id
         WHERE s.item_id IN ({}) ORDER BY h.name, h.id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for item in items {
        query = query.bind(item.as_str());
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter()
        .map(|row| {
            Ok(ShareRow {
                item_id: decode::id(row, "item_id")?,
                healthspace_id: decode::id(row, "healthspace_id")?,
                healthspace_name: row.try_get("name")?,
                shared_at: Timestamp::from_millis(row.try_get("shared_at")?),
            })
        })
        .collect()
}

/// A Healthspace a client may share with: one where they are an active client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub healthspace_id: HealthspaceId,
    pub name: String,
}

/// The Healthspaces where `account` is an active client, by name.
pub async fn targets(
    ex: impl Into<Exec<'_>>,
    account: &carespace_core::ids::AccountId,
) -> StoreResult<Vec<TargetRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT h.id, h.name FROM memberships m JOIN healthspaces h ON h.id = m.healthspace_id
         WHERE m.account_id = $1 AND m.state = 'active' AND m.role = 'client'
         ORDER BY h.name, h.id LIMIT 100",
    )
    .bind(account.as_str())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TargetRow {
                healthspace_id: decode::id(row, "id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}
