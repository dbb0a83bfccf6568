//! Opening a message's attachment: for whoever reaches the conversation, all of it or the part
//! asked for. A staff member's opening of a client's file is in the client's access log.

use super::MESSAGE;
use super::sealing::{self, Part};
use super::standing;
use crate::access::{self, Actor, Subject};
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::files::{self, ByteRange, Download, FileView, Unsatisfiable};
use carespace_core::audit::AuditAction;
use carespace_core::ids::MessageId;
use carespace_core::policy::Action;
use carespace_store::messages::{attachments, thread};

/// The attachment at `position` of message `message` in the conversation `id`.
pub async fn open(
    ctx: &AppContext,
    actor: &Actor,
    (id, message, position): (&str, &str, i64),
    range_of: impl FnOnce(u64) -> Result<Option<ByteRange>, Unsatisfiable>,
) -> AppResult<Download> {
    let me = &actor.account;
    let reader = standing::read(ctx, &ctx.db, actor, id).await?;
    let refused = || access::refused(actor, Action::SendMessages, Subject::Item(message));
    let message_id = MessageId::parse(message).ok_or_else(refused)?;
    let conversation = &reader.conversation;
    let found = thread::find(&ctx.db, &conversation.id, &message_id).await?;
    if found.is_none_or(|row| row.removed_at.is_some()) {
        return Err(refused());
    }
    let rows = attachments::of(&ctx.db, &[&message_id]).await?;
    let row = rows
        .into_iter()
        .find(|row| row.position == position)
        .ok_or_else(refused)?;
    let key = standing::key(ctx, conversation).await?;
    let name = sealing::open(&key, &message_id, Part::FileName(position), &row.name)?;
    let size = u64::try_from(row.size).unwrap_or_default();
    if let Some(client) = reader.about_another_client(me) {
        let opened = event(
            me,
            reader.role_of(me),
            AuditAction::MessageFileOpened,
            MESSAGE,
            message,
        );
        let hs = conversation.healthspace_id.as_str();
        audit::read_in(
            (&ctx.audit, ctx.now()),
            &actor.origin,
            opened,
            hs,
            Some(client),
        )
        .await?;
    }
    let opened = match range_of(size) {
        Ok(range) => files::open(ctx, &key, &row.file_id, size, range).await?,
        Err(Unsatisfiable) => None,
    };
    Ok(Download {
        file: FileView {
            name,
            media_type: row.content_type,
            size,
        },
        opened,
    })
}
