//! Renaming (title and note) and deleting one's own items. A deleted document's file leaves the
//! file store after the deletion has committed.

use super::OBJECT;
use super::sealing::{self, Field};
use crate::access::{self, Actor, Subject};
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::RecordItemId;
use carespace_core::policy::Action;
use carespace_core::record::{self, Described};
use carespace_store::Exec;
use carespace_store::record::items;

/// The actor's own item `id`; anyone else's is "not found", and logged.
pub(super) async fn own_item(
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    id: &str,
) -> AppResult<items::ItemRow> {
    let refused = || access::refused(actor, Action::KeepOwnRecord, Subject::Item(id));
    let id = RecordItemId::parse(id).ok_or_else(refused)?;
    items::find_own(ex, &actor.account, &id)
        .await?
        .ok_or_else(refused)
}

/// Gives the item a new title and note.
pub async fn change(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    title: &str,
    note: &str,
) -> AppResult<()> {
    let Described { title, note } = record::described(title, note).map_err(AppError::Invalid)?;
    let key = ctx.keys.data_key(&actor.account).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let item = own_item(&mut tx, actor, id).await?;
    let title = sealing::seal(&key, &item.id, Field::Title, &title)?;
    let note = note
        .map(|note| sealing::seal(&key, &item.id, Field::Note, &note))
        .transpose()?;
    items::change(&mut tx, &item.id, &title, note.as_deref(), now).await?;
    let event = Event::own(
        &actor.account,
        AuditAction::RecordItemChanged,
        OBJECT,
        Some(item.id.as_str()),
    );
    audit::record(&mut tx, &actor.origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the item, its shares and its file.
pub async fn delete(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let item = own_item(&mut tx, actor, id).await?;
    items::delete(&mut tx, &item).await?;
    let event = Event::own(
        &actor.account,
        AuditAction::RecordItemDeleted,
        OBJECT,
        Some(item.id.as_str()),
    );
    audit::record(&mut tx, &actor.origin, event, now).await?;
    tx.commit().await?;
    if let Some(file) = &item.file {
        // Should this fail, the file is an orphan that no row names: unreadable to anyone
        // through the app, and the file sweep removes it.
        if let Err(error) = crate::files::remove(ctx, &file.id).await {
            tracing::warn!(file = %file.id, %error, "a deleted document's file stays for now");
        }
    }
    Ok(())
}
