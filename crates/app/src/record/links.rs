//! Adding a useful link to one's record: a title, the address and a note, sealed.

use super::OBJECT;
use super::sealing::{self, Field};
use crate::access::Actor;
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::RecordItemId;
use carespace_core::record::{self, Described, ItemKind};
use carespace_store::record::items::{self, NewItem};

/// What the client typed.
#[derive(Debug, Clone, Default)]
pub struct NewLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub note: &'a str,
}

/// Adds the link, private; its id.
pub async fn add(ctx: &AppContext, actor: &Actor, input: NewLink<'_>) -> AppResult<RecordItemId> {
    let (Described { title, note }, url) =
        record::link(input.title, input.url, input.note).map_err(AppError::Invalid)?;
    let me = &actor.account;
    let key = ctx.keys.data_key(me).await?;
    let id = RecordItemId::generate();
    let title = sealing::seal(&key, &id, Field::Title, &title)?;
    let url = sealing::seal(&key, &id, Field::Url, &url)?;
    let note = note
        .map(|note| sealing::seal(&key, &id, Field::Note, &note))
        .transpose()?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let item = NewItem {
        id: &id,
        account_id: me,
        kind: ItemKind::Link,
        title: &title,
        note: note.as_deref(),
        url: Some(&url),
        file: None,
        now,
    };
    items::insert(&mut tx, &item).await?;
    let event = Event::own(me, AuditAction::RecordItemAdded, OBJECT, Some(id.as_str()));
    audit::record(&mut tx, &actor.origin, event, now).await?;
    tx.commit().await?;
    Ok(id)
}
