//! The client's own record: one timeline of their items and events across every Healthspace,
//! newest first, and each item with where it is shared.

use super::PAGE_SIZE;
use super::editing::own_item;
use super::views::{self, EventView, ItemView};
use crate::access::Actor;
use crate::context::AppContext;
use crate::error::AppResult;
use crate::paging::cursor;
use carespace_core::ids::{AccountId, HealthspaceId, RecordItemId};
use carespace_core::time::Timestamp;
use carespace_store::record::{Before, events, items, shares};

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Item(ItemView),
    Event(EventView),
}

impl Entry {
    fn position(&self) -> (i64, String) {
        match self {
            Entry::Item(item) => (item.created_at.millis(), item.id.to_string()),
            Entry::Event(event) => (event.at.millis(), event.id.to_string()),
        }
    }
}

/// A page of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPage {
    pub entries: Vec<Entry>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// Where the client may share items: the Healthspaces where they are a client now.
    pub targets: Vec<Target>,
}

/// A Healthspace the client may share with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub healthspace_id: HealthspaceId,
    pub name: String,
}

/// One page of the actor's own record, older than `before`.
pub async fn page(ctx: &AppContext, actor: &Actor, before: Option<&str>) -> AppResult<RecordPage> {
    let me = &actor.account;
    let before: Before<'_> = before.and_then(cursor);
    let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let item_rows = items::page_of(&ctx.db, me, before, limit).await?;
    let event_rows = events::page_of(&ctx.db, me, None, before, limit).await?;
    let ids: Vec<&RecordItemId> = item_rows.iter().map(|row| &row.id).collect();
    let share_rows = shares::of_items(&ctx.db, &ids).await?;
    let mut entries = Vec::with_capacity(item_rows.len() + event_rows.len());
    if !item_rows.is_empty() {
        let key = ctx.keys.data_key(me).await?;
        for row in item_rows {
            entries.push(Entry::Item(views::item_view(&key, row, &share_rows)?));
        }
    }
    entries.extend(
        event_rows
            .into_iter()
            .map(|row| Entry::Event(views::event_view(row))),
    );
    let (entries, next) = newest_first(entries);
    Ok(RecordPage {
        entries,
        next,
        targets: targets(ctx, me).await?,
    })
}

/// The entries of two newest-first lists merged, cut to a page, with the next page's cursor
/// when something was cut off.
pub(crate) fn newest_first(mut entries: Vec<Entry>) -> (Vec<Entry>, Option<String>) {
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.position()));
    if entries.len() <= PAGE_SIZE {
        return (entries, None);
    }
    entries.truncate(PAGE_SIZE);
    let next = entries.last().map(|entry| {
        let (at, id) = entry.position();
        format!("{at}:{id}")
    });
    (entries, next)
}

/// One of the actor's own items, with where it is shared; "not found" for anyone else's.
pub async fn item(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<(ItemView, Vec<Target>)> {
    let me = &actor.account;
    let row = own_item(&ctx.db, actor, id).await?;
    let share_rows = shares::of_items(&ctx.db, &[&row.id]).await?;
    let key = ctx.keys.data_key(me).await?;
    let view = views::item_view(&key, row, &share_rows)?;
    Ok((view, targets(ctx, me).await?))
}

/// Where `account` may share: the Healthspaces where they are a client now.
async fn targets(ctx: &AppContext, account: &AccountId) -> AppResult<Vec<Target>> {
    let rows = shares::targets(&ctx.db, account).await?;
    Ok(rows
        .into_iter()
        .map(|row| Target {
            healthspace_id: row.healthspace_id,
            name: row.name,
        })
        .collect())
}

/// When an entry happened, for the templates.
pub fn at(entry: &Entry) -> Timestamp {
    match entry {
        Entry::Item(item) => item.created_at,
        Entry::Event(event) => event.at,
    }
}
