//! The events of a client's care: typed entries written by the use cases that cause them.

use super::Before;
use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::ids::{AccountId, HealthspaceId, RecordEventId, RecordItemId};
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub client: &'a AccountId,
    pub healthspace: &'a HealthspaceId,
    pub kind: EventKind,
    pub at: Timestamp,
    pub duration_ms: Option<i64>,
    pub by: Option<&'a AccountId>,
    pub staff: Option<&'a AccountId>,
    pub item: Option<&'a RecordItemId>,
}

/// An event with the names it mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: RecordEventId,
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub kind: EventKind,
    pub at: Timestamp,
    pub duration_ms: Option<i64>,
    pub by_name: Option<String>,
    pub staff_name: Option<String>,
    pub item_id: Option<RecordItemId>,
}

pub async fn insert(tx: &mut Tx, event: &NewEvent<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO record_events (id, account_id, healthspace_id, kind, at, duration_ms,
                                    by_account_id, staff_account_id, item_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(RecordEventId::generate().as_str())
    .bind(event.client.as_str())
    .bind(event.healthspace.as_str())
    .bind(event.kind.code())
    .bind(event.at.millis())
    .bind(event.duration_ms)
    .bind(event.by.map(AccountId::as_str))
    .bind(event.staff.map(AccountId::as_str))
    .bind(event.item.map(RecordItemId::as_str))
    .execute(tx.conn())
    .await?;
    Ok(())
}

const COLUMNS: &str = "e.id, e.healthspace_id, h.name AS healthspace_name, e.kind, e.at,
     e.duration_ms, b.full_name AS by_name, s.full_name AS staff_name, e.item_id
     FROM record_events e
     JOIN healthspaces h ON h.id = e.healthspace_id
     LEFT JOIN accounts b ON b.id = e.by_account_id
     LEFT JOIN accounts s ON s.id = e.staff_account_id";

/// One page of the client's events in every Healthspace (or in `healthspace` only), newest
/// first, older than `before`.
pub async fn page_of(
    ex: impl Into<Exec<'_>>,
    client: &AccountId,
    healthspace: Option<&HealthspaceId>,
    before: Before<'_>,
    limit: i64,
) -> StoreResult<Vec<EventRow>> {
    let mut c = conn(ex).await?;
    let (at, id) = before.unzip();
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.account_id = $1 AND ($2 IS NULL OR e.healthspace_id = $2)
           AND ($3 IS NULL OR e.at < $3 OR (e.at = $3 AND e.id < $4))
         ORDER BY e.at DESC, e.id DESC LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(client.as_str())
        .bind(healthspace.map(HealthspaceId::as_str))
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(row: &AnyRow) -> StoreResult<EventRow> {
    Ok(EventRow {
        id: decode::id(row, "id")?,
        healthspace_id: decode::id(row, "healthspace_id")?,
        healthspace_name: row.try_get("healthspace_name")?,
        kind: decode::code(row, "kind", EventKind::parse)?,
        at: Timestamp::from_millis(row.try_get("at")?),
        duration_ms: row.try_get("duration_ms")?,
        by_name: row.try_get("by_name")?,
        staff_name: row.try_get("staff_name")?,
        item_id: decode::optional_id(row, "item_id")?,
    })
}
