//! Sending a message: its attachments stream to staging first (checked, scanned and sealed like
//! a record's documents); then one short transaction reads where the sender stands, records the
//! message, its files, everyone's unread count and email notice, and the audit entry. Staged
//! files are promoted after the commit, or removed when the message is not recorded.

use super::MESSAGE;
pub use super::publishing::{Recipient, Sent};
use super::sealing::{self, Part};
use super::standing::{self, Reader};
use crate::access::Actor;
use crate::audit::{self, Event, event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::files::{self, Staged, UploadRules, problems};
use bytes::Bytes;
use carespace_core::audit::{AuditAction, Outcome};
use carespace_core::file_types::sanitised_file_name;
use carespace_core::ids::{AccountId, MessageId};
use carespace_core::messages;
use carespace_core::policy::ConversationAccess;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::messages::{attachments, conversations, participants, thread};
use carespace_store::stored_files::{self, StoredFileRow};
use futures_util::Stream;

/// The form field attachments come in, and their problems are told on.
pub const FILES_FIELD: &str = "files";

/// A file staged for a message, with the name it was uploaded under (only a label).
#[derive(Debug, Clone)]
pub struct StagedAttachment {
    pub staged: Staged,
    pub file_name: String,
}

/// Streams one attachment of a message to the conversation `id` into staging, sealed under the
/// conversation's key; only for someone who may write there now.
pub async fn stage<S>(ctx: &AppContext, actor: &Actor, id: &str, body: S) -> AppResult<Staged>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin,
{
    let reader = writer(ctx, actor, id).await?;
    let key = standing::key(ctx, &reader.conversation).await?;
    let rules = UploadRules {
        field: FILES_FIELD,
        max_bytes: ctx.document_max_bytes,
        allowed: files::DOCUMENT_KINDS,
    };
    let staged = files::stage(ctx, &key, body, &rules).await;
    if problems::infected(&staged) {
        let refused = Event {
            outcome: Outcome::Denied,
            ..Event::own(
                &actor.account,
                AuditAction::MessageUploadRefused,
                "file",
                None,
            )
        };
        let mut tx = ctx.db.begin().await?;
        let hs = reader.conversation.healthspace_id.as_str();
        audit::record_in(
            &mut tx,
            &actor.origin,
            refused,
            hs,
            reader.client(),
            ctx.now(),
        )
        .await?;
        tx.commit().await?;
    }
    staged
}

/// The conversation as someone who may write there now; read-only is told as a problem.
async fn writer(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<Reader> {
    let reader = standing::read(ctx, &ctx.db, actor, id).await?;
    read_only_refused(&reader)?;
    Ok(reader)
}

fn read_only_refused(reader: &Reader) -> AppResult<()> {
    if reader.access == ConversationAccess::ReadAndWrite {
        Ok(())
    } else {
        Err(AppError::field("text", "conversation_read_only"))
    }
}

/// Sends `text` with the staged attachments to the conversation `id`. On bad input, or should
/// recording fail, the staged files are removed again.
pub async fn send(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    text: &str,
    attached: Vec<StagedAttachment>,
) -> AppResult<Sent> {
    let recorded = record(ctx, actor, id, text, &attached).await;
    if let Ok(sent) = &recorded {
        super::publishing::sent(ctx, sent).await;
    }
    for attachment in &attached {
        let file = &attachment.staged.id;
        let done = match &recorded {
            Ok(_) => files::promote(ctx, file).await,
            Err(_) => files::remove(ctx, file).await,
        };
        if let Err(error) = done {
            tracing::warn!(file = %file, %error, "a message's file is left to the sweep");
        }
    }
    recorded
}

async fn record(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    text: &str,
    attached: &[StagedAttachment],
) -> AppResult<Sent> {
    let mut tx = ctx.db.begin().await?;
    let reader = standing::read(ctx, &mut tx, actor, id).await?;
    read_only_refused(&reader)?;
    let text = messages::text(text, attached.len()).map_err(|p| AppError::Invalid(vec![p]))?;
    let sent = write(ctx, &mut tx, actor, &reader, (&text, attached)).await?;
    tx.commit().await?;
    Ok(sent)
}

/// Writes a checked message into the conversation `reader` stands in, within `tx`: the message,
/// its files, one more unread and an email notice due for everyone else who reaches it, and the
/// audit entry (about the client, in a care conversation).
pub(crate) async fn write(
    ctx: &AppContext,
    tx: &mut Tx,
    actor: &Actor,
    reader: &Reader,
    (text, attached): (&str, &[StagedAttachment]),
) -> AppResult<Sent> {
    let me = &actor.account;
    let now = ctx.now();
    let message = MessageId::generate();
    let conversation = &reader.conversation;
    let key = standing::key(ctx, conversation).await?;
    let body = sealing::seal(&key, &message, Part::Text, text)?;
    let new = thread::NewMessage {
        id: &message,
        conversation_id: &conversation.id,
        sender: me,
        body: &body,
        now,
    };
    thread::insert(tx, &new).await?;
    let owner = reader.client().unwrap_or(me);
    for (position, attachment) in attached.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let name = sanitised_file_name(&attachment.file_name);
        let name = sealing::seal(&key, &message, Part::FileName(position), &name)?;
        attach(
            tx,
            (&message, position),
            owner,
            &attachment.staged,
            &name,
            now,
        )
        .await?;
    }
    conversations::touch(tx, &conversation.id, now).await?;
    let recipients = reader.recipients(me);
    let delay = ctx.messages.notice_delay_ms();
    for recipient in &recipients {
        let notice = recipient
            .message_notices
            .then(|| messages::notice_due(now, recipient.noticed_at, delay));
        participants::add_unread(tx, &conversation.id, &recipient.account_id, notice).await?;
    }
    let ids: Vec<&AccountId> = recipients.iter().map(|r| &r.account_id).collect();
    let totals = participants::unread_totals(&mut *tx, &ids).await?;
    let role = reader.role_of(me);
    let sent = event(
        me,
        role,
        AuditAction::MessageSent,
        MESSAGE,
        message.as_str(),
    );
    let hs = conversation.healthspace_id.as_str();
    audit::record_in(tx, &actor.origin, sent, hs, reader.client(), now).await?;
    let recipients = recipients
        .iter()
        .map(|r| Recipient {
            account_id: r.account_id.clone(),
            unread_here: r.unread + 1,
            unread_total: totals
                .iter()
                .find(|(account, _)| *account == r.account_id)
                .map_or(0, |(_, total)| *total),
        })
        .collect();
    Ok(Sent {
        id: message,
        conversation_id: conversation.id.clone(),
        recipients,
    })
}

async fn attach(
    tx: &mut Tx,
    (message, position): (&MessageId, i64),
    owner: &AccountId,
    staged: &Staged,
    name: &[u8],
    now: Timestamp,
) -> AppResult<()> {
    let file = StoredFileRow {
        id: staged.id.clone(),
        owner_account_id: owner.clone(),
        content_type: staged.kind.media_type().to_owned(),
        size: staged.size,
        created_at: now,
    };
    stored_files::insert(tx, &file).await?;
    attachments::insert(tx, message, position, &staged.id, name).await?;
    Ok(())
}
