//! What the record's pages and API show of items and events, opened from their rows.

use super::sealing::{self, Field};
use crate::error::AppResult;
pub use crate::files::FileView;
use carespace_core::crypto::DataKey;
use carespace_core::ids::{HealthspaceId, RecordEventId, RecordItemId};
use carespace_core::record::{EventKind, ItemKind};
use carespace_core::time::Timestamp;
use carespace_store::record::events::EventRow;
use carespace_store::record::items::ItemRow;
use carespace_store::record::shares::ShareRow;

/// A document or link, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView {
    pub id: RecordItemId,
    pub kind: ItemKind,
    pub title: String,
    pub note: Option<String>,
    pub url: Option<String>,
    pub file: Option<FileView>,
    /// The Healthspaces whose connected staff see it; empty when private. (Staff, who see
    /// only their own Healthspace's share, get it empty.)
    pub shared_with: Vec<SharedWith>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A Healthspace an item is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedWith {
    pub healthspace_id: HealthspaceId,
    pub name: String,
    pub since: Timestamp,
}

/// An event of the client's care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    pub id: RecordEventId,
    pub kind: EventKind,
    pub healthspace: String,
    pub at: Timestamp,
    pub duration_ms: Option<i64>,
    /// Who did it, when someone did.
    pub by: Option<String>,
    /// The staff member a connection event is about.
    pub staff: Option<String>,
    /// The item a "document shared" event is about.
    pub item: Option<RecordItemId>,
}

pub(super) fn item_view(key: &DataKey, row: ItemRow, shares: &[ShareRow]) -> AppResult<ItemView> {
    let id = row.id;
    let open = |field, sealed: &[u8]| sealing::open(key, &id, field, sealed);
    let note = row
        .note
        .as_deref()
        .map(|n| open(Field::Note, n))
        .transpose()?;
    let url = row
        .url
        .as_deref()
        .map(|u| open(Field::Url, u))
        .transpose()?;
    let file = match &row.file {
        Some(file) => Some(FileView {
            name: open(Field::FileName, &file.name)?,
            media_type: file.content_type.clone(),
            size: u64::try_from(file.size).unwrap_or_default(),
        }),
        None => None,
    };
    let shared_with = shares
        .iter()
        .filter(|share| share.item_id == id)
        .map(|share| SharedWith {
            healthspace_id: share.healthspace_id.clone(),
            name: share.healthspace_name.clone(),
            since: share.shared_at,
        })
        .collect();
    Ok(ItemView {
        title: open(Field::Title, &row.title)?,
        note,
        url,
        file,
        shared_with,
        id,
        kind: row.kind,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub(super) fn event_view(row: EventRow) -> EventView {
    EventView {
        id: row.id,
        kind: row.kind,
        healthspace: row.healthspace_name,
        at: row.at,
        duration_ms: row.duration_ms,
        by: row.by_name,
        staff: row.staff_name,
        item: row.item_id,
    }
}
