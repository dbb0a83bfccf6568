//! Removing a message: only by its sender, within five minutes of sending; "message removed"
//! stays in its place, and its files are deleted.

use super::MESSAGE;
pub use super::publishing::Removed;
use super::standing;
use crate::access::{self, Actor, Subject};
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::files;
use carespace_core::audit::AuditAction;
use carespace_core::ids::MessageId;
use carespace_core::messages;
use carespace_core::policy::{Action, ConversationAccess};
use carespace_store::messages::{attachments, thread};

/// Removes the actor's message `message` from the conversation `id`. Someone else's message is
/// "not found"; one older than five minutes is a problem told as such.
pub async fn remove(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    message: &str,
) -> AppResult<Removed> {
    let me = &actor.account;
    let now = ctx.now();
    let refused = || access::refused(actor, Action::SendMessages, Subject::Item(message));
    let message_id = MessageId::parse(message).ok_or_else(refused)?;
    let mut tx = ctx.db.begin().await?;
    let reader = standing::read(ctx, &mut tx, actor, id).await?;
    let conversation = &reader.conversation;
    let row = thread::find(&mut tx, &conversation.id, &message_id).await?;
    let Some(row) = row.filter(|row| row.sender_account_id == *me) else {
        return Err(refused());
    };
    if row.removed_at.is_none() {
        if reader.access != ConversationAccess::ReadAndWrite {
            return Err(AppError::field("message", "conversation_read_only"));
        }
        if !messages::removable(row.sent_at, now) {
            return Err(AppError::field("message", "message_removal_too_late"));
        }
    }
    let changed = thread::remove(&mut tx, &message_id, now).await?;
    let files = attachments::delete_of(&mut tx, &message_id).await?;
    if changed {
        let removed = event(
            me,
            reader.role_of(me),
            AuditAction::MessageRemoved,
            MESSAGE,
            message,
        );
        let hs = conversation.healthspace_id.as_str();
        audit::record_in(&mut tx, &actor.origin, removed, hs, reader.client(), now).await?;
    }
    tx.commit().await?;
    for file in &files {
        if let Err(error) = files::remove(ctx, file).await {
            tracing::warn!(file = %file, %error, "a removed message's file is left in the store");
        }
    }
    let removed = Removed {
        conversation_id: reader.conversation.id.clone(),
        message_id,
        others: reader
            .recipients(me)
            .into_iter()
            .map(|p| p.account_id.clone())
            .collect(),
    };
    if changed {
        super::publishing::removed(ctx, &removed).await;
    }
    Ok(removed)
}
