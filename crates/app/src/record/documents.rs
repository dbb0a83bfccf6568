//! Documents: files a client keeps in their record, kept byte for byte as uploaded (an X-ray
//! stays the original) and sealed under the client's data key. An upload streams to staging
//! first; only then does a short transaction record it, so a transfer never holds the
//! database's write lock.

use super::OBJECT;
use super::sealing::{self, Field};
use super::staff;
use super::views;
use crate::access::Actor;
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::files::{self, ByteRange, Download, Staged, Unsatisfiable, UploadRules, problems};
use bytes::Bytes;
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::file_types::sanitised_file_name;
use carespace_core::ids::RecordItemId;
use carespace_core::record::{self, Described, ItemKind};
use carespace_store::record::items::{self, NewItem};
use carespace_store::stored_files::{self, StoredFileRow};
use futures_util::Stream;

/// The form field an upload's problems are told on.
pub const FILE_FIELD: &str = "file";

/// What the client typed beside the file.
#[derive(Debug, Clone, Default)]
pub struct NewDocument<'a> {
    pub title: &'a str,
    pub note: &'a str,
    /// The name the file was uploaded under: only a label.
    pub file_name: &'a str,
}

/// Streams an upload of the actor's into staging, sealed under their data key, checked by
/// content, size and (when configured) ClamAV. An infected file is audit-logged as refused.
pub async fn stage<S>(ctx: &AppContext, actor: &Actor, body: S) -> AppResult<Staged>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin,
{
    let key = ctx.keys.data_key(&actor.account).await?;
    let rules = UploadRules {
        field: FILE_FIELD,
        max_bytes: ctx.document_max_bytes,
        allowed: files::DOCUMENT_KINDS,
    };
    let staged = files::stage(ctx, &key, body, &rules).await;
    if problems::infected(&staged) {
        let refused = Event {
            actor: Some(&actor.account),
            role: ActorRole::OwnAccount,
            action: AuditAction::RecordUploadRefused,
            object_type: "file",
            object_id: None,
            outcome: Outcome::Denied,
        };
        let mut tx = ctx.db.begin().await?;
        audit::record(&mut tx, &actor.origin, refused, ctx.now()).await?;
        tx.commit().await?;
    }
    staged
}

/// Records a staged upload as a private document of the actor's. On bad input, or should the
/// recording fail, the staged file is removed again.
pub async fn add(
    ctx: &AppContext,
    actor: &Actor,
    staged: Staged,
    input: NewDocument<'_>,
) -> AppResult<RecordItemId> {
    let recorded = record(ctx, actor, &staged, input).await;
    match recorded {
        Ok(id) => {
            // Should this fail, the row exists and the sweep promotes the file later; until
            // then it is read from staging.
            if let Err(error) = files::promote(ctx, &staged.id).await {
                tracing::warn!(file = %staged.id, %error, "a recorded file stays in staging for now");
            }
            Ok(id)
        }
        Err(error) => {
            if let Err(discarding) = files::remove(ctx, &staged.id).await {
                tracing::warn!(file = %staged.id, %discarding, "an unrecorded upload is left to the sweep");
            }
            Err(error)
        }
    }
}

async fn record(
    ctx: &AppContext,
    actor: &Actor,
    staged: &Staged,
    input: NewDocument<'_>,
) -> AppResult<RecordItemId> {
    let Described { title, note } =
        record::described(input.title, input.note).map_err(AppError::Invalid)?;
    let me = &actor.account;
    let key = ctx.keys.data_key(me).await?;
    let id = RecordItemId::generate();
    let title = sealing::seal(&key, &id, Field::Title, &title)?;
    let note = note
        .map(|note| sealing::seal(&key, &id, Field::Note, &note))
        .transpose()?;
    let name = sanitised_file_name(input.file_name);
    let name = sealing::seal(&key, &id, Field::FileName, &name)?;
    let now = ctx.now();
    let file = StoredFileRow {
        id: staged.id.clone(),
        owner_account_id: me.clone(),
        content_type: staged.kind.media_type().to_owned(),
        size: staged.size,
        created_at: now,
    };
    let mut tx = ctx.db.begin().await?;
    stored_files::insert(&mut tx, &file).await?;
    let item = NewItem {
        id: &id,
        account_id: me,
        kind: ItemKind::Document,
        title: &title,
        note: note.as_deref(),
        url: None,
        file: Some((&staged.id, &name)),
        now,
    };
    items::insert(&mut tx, &item).await?;
    let event = Event::own(me, AuditAction::RecordItemAdded, OBJECT, Some(id.as_str()));
    audit::record(&mut tx, &actor.origin, event, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The actor's own document's file, all of it or the part `range_of` asks for.
pub async fn open_own(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    range_of: impl FnOnce(u64) -> Result<Option<ByteRange>, Unsatisfiable>,
) -> AppResult<Download> {
    let row = super::editing::own_item(&ctx.db, actor, id).await?;
    let key = ctx.keys.data_key(&actor.account).await?;
    let Some(file) = row.file.clone() else {
        return Err(AppError::NotFound);
    };
    let view = views::item_view(&key, row, &[])?;
    let size = u64::try_from(file.size).unwrap_or_default();
    let opened = match range_of(size) {
        Ok(range) => files::open(ctx, &key, &file.id, size, range).await?,
        Err(Unsatisfiable) => None,
    };
    Ok(Download {
        file: view.file.ok_or(AppError::NotFound)?,
        opened,
    })
}

/// A client's document shared with the Healthspace at `alias`, for a staff member connected to
/// them (see [`staff::open`]: refusals and the opening are audit-logged about the client).
pub async fn open_shared(
    ctx: &AppContext,
    actor: &Actor,
    (alias, client_id): (&str, &str),
    id: &str,
    range_of: impl FnOnce(u64) -> Result<Option<ByteRange>, Unsatisfiable>,
) -> AppResult<Download> {
    let opened = staff::open(ctx, actor, alias, client_id, id).await?;
    let (Some((file_id, size)), Some(file)) = (opened.file, opened.item.file) else {
        return Err(AppError::NotFound);
    };
    let opened_file = match range_of(size) {
        Ok(range) => files::open(ctx, &opened.key, &file_id, size, range).await?,
        Err(Unsatisfiable) => None,
    };
    Ok(Download {
        file,
        opened: opened_file,
    })
}
