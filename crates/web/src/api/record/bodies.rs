//! What the record's endpoints answer: items, events and the timeline's entries as JSON, times
//! in milliseconds like the rest of the API.

use carespace_app::record::mine::{Entry, Target};
use carespace_app::record::staff::SharedRecord;
use carespace_app::record::{EventView, FileView, ItemView, SharedWith};
use serde::Serialize;

#[derive(Serialize)]
pub struct FileBody {
    name: String,
    media_type: String,
    size: u64,
}

impl From<FileView> for FileBody {
    fn from(file: FileView) -> Self {
        FileBody {
            name: file.name,
            media_type: file.media_type,
            size: file.size,
        }
    }
}

#[derive(Serialize)]
pub struct SharedWithBody {
    healthspace_id: String,
    name: String,
    since: i64,
}

impl From<SharedWith> for SharedWithBody {
    fn from(share: SharedWith) -> Self {
        SharedWithBody {
            healthspace_id: share.healthspace_id.to_string(),
            name: share.name,
            since: share.since.millis(),
        }
    }
}

#[derive(Serialize)]
pub struct ItemBody {
    id: String,
    /// `document` or `link`.
    kind: &'static str,
    title: String,
    note: Option<String>,
    url: Option<String>,
    file: Option<FileBody>,
    /// Left out for staff: they see the share with their own Healthspace only.
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_with: Option<Vec<SharedWithBody>>,
    created_at: i64,
    updated_at: i64,
}

impl ItemBody {
    /// The item as its client sees it, with every Healthspace it is shared with.
    pub fn own(mut item: ItemView) -> Self {
        let shared_with = std::mem::take(&mut item.shared_with);
        ItemBody {
            shared_with: Some(shared_with.into_iter().map(SharedWithBody::from).collect()),
            ..ItemBody::shared(item)
        }
    }

    /// The item as the connected staff of a Healthspace it is shared with see it.
    pub fn shared(item: ItemView) -> Self {
        ItemBody {
            id: item.id.to_string(),
            kind: item.kind.code(),
            title: item.title,
            note: item.note,
            url: item.url,
            file: item.file.map(FileBody::from),
            shared_with: None,
            created_at: item.created_at.millis(),
            updated_at: item.updated_at.millis(),
        }
    }
}

#[derive(Serialize)]
pub struct EventBody {
    id: String,
    kind: &'static str,
    /// The name of the Healthspace it happened in.
    healthspace: String,
    at: i64,
    duration_ms: Option<i64>,
    by: Option<String>,
    staff: Option<String>,
    item: Option<String>,
}

impl From<EventView> for EventBody {
    fn from(event: EventView) -> Self {
        EventBody {
            id: event.id.to_string(),
            kind: event.kind.code(),
            healthspace: event.healthspace,
            at: event.at.millis(),
            duration_ms: event.duration_ms,
            by: event.by,
            staff: event.staff,
            item: event.item.map(|id| id.to_string()),
        }
    }
}

/// One entry of the timeline, told apart by its `type`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryBody {
    Item(ItemBody),
    Event(EventBody),
}

impl From<Entry> for EntryBody {
    fn from(entry: Entry) -> Self {
        match entry {
            Entry::Item(item) => EntryBody::Item(ItemBody::own(item)),
            Entry::Event(event) => EntryBody::Event(EventBody::from(event)),
        }
    }
}

#[derive(Serialize)]
pub struct TargetBody {
    healthspace_id: String,
    name: String,
}

impl From<Target> for TargetBody {
    fn from(target: Target) -> Self {
        TargetBody {
            healthspace_id: target.healthspace_id.to_string(),
            name: target.name,
        }
    }
}

/// What a connected staff member reads of a client's record in their Healthspace.
#[derive(Serialize)]
pub struct SharedRecordBody {
    items: Vec<ItemBody>,
    events: Vec<EventBody>,
}

impl From<SharedRecord> for SharedRecordBody {
    fn from(record: SharedRecord) -> Self {
        SharedRecordBody {
            items: record.items.into_iter().map(ItemBody::shared).collect(),
            events: record.events.into_iter().map(EventBody::from).collect(),
        }
    }
}
