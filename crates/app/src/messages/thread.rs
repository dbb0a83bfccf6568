//! A conversation opened: its messages newest first in pages backwards, read up to now. A staff
//! member's read of a client's conversation is in the client's "Who viewed my record".

use super::standing::{self, Reader};
use super::views::{self, ConversationView, MessageView};
use super::{CONVERSATION, PAGE_SIZE};
use crate::access::Actor;
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::paging::cursor;
use carespace_core::audit::AuditAction;
use carespace_core::policy::ConversationAccess;
use carespace_store::messages::{attachments, participants, thread};

/// A page of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    pub conversation: ConversationView,
    /// Newest first.
    pub messages: Vec<MessageView>,
    /// The cursor of the page of older messages, when there is one.
    pub older: Option<String>,
    /// Whether the viewer may write here now (else it is theirs to read only).
    pub may_write: bool,
}

/// One page of the conversation `id`, older than `before`; marks it read when it is the newest
/// page. "Not found" for anyone who is not in it or no longer reaches it.
pub async fn open(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    before: Option<&str>,
) -> AppResult<ConversationPage> {
    let me = &actor.account;
    let reader = standing::read(ctx, &ctx.db, actor, id).await?;
    let conversation_id = reader.conversation.id.clone();
    let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let mut rows = thread::page(&ctx.db, &conversation_id, before.and_then(cursor), limit).await?;
    let older = (rows.len() > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE);
        rows.last()
            .map(|row| format!("{}:{}", row.sent_at.millis(), row.id))
            .unwrap_or_default()
    });
    let ids: Vec<_> = rows.iter().map(|row| &row.id).collect();
    let files = attachments::of(&ctx.db, &ids).await?;
    let key = standing::key(ctx, &reader.conversation).await?;
    let now = ctx.now();
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        messages.push(views::message_view(&key, row, &files, (&reader, me, now))?);
    }
    if before.is_none() {
        clear_unread(ctx, actor, &reader).await?;
    }
    log_read(ctx, actor, &reader).await?;
    let may_write = reader.access == ConversationAccess::ReadAndWrite;
    let unread_before = reader.conversation.unread;
    let mut conversation = views::conversation_view(reader.conversation, &reader.participants, me);
    conversation.unread = if before.is_none() { 0 } else { unread_before };
    Ok(ConversationPage {
        conversation,
        messages,
        older,
        may_write,
    })
}

/// Marks the conversation `id` read up to now without reading its messages (a program that
/// shows them itself, or a notice dismissed). "Not found" like [`open`]; nothing is in the
/// client's access log, as nothing of the conversation is read.
pub async fn mark_read(ctx: &AppContext, actor: &Actor, id: &str) -> AppResult<()> {
    let reader = standing::read(ctx, &ctx.db, actor, id).await?;
    clear_unread(ctx, actor, &reader).await
}

/// Nothing unread any more, and no email notice pending; a write only when something was unread.
async fn clear_unread(ctx: &AppContext, actor: &Actor, reader: &Reader) -> AppResult<()> {
    if reader.conversation.unread == 0 {
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    participants::mark_read(&mut tx, &reader.conversation.id, &actor.account, ctx.now()).await?;
    tx.commit().await?;
    super::publishing::read(ctx, reader, &actor.account).await;
    Ok(())
}

/// A staff member opening a client's conversation: in the client's access log.
async fn log_read(ctx: &AppContext, actor: &Actor, reader: &Reader) -> AppResult<()> {
    let me = &actor.account;
    let Some(client) = reader.about_another_client(me) else {
        return Ok(());
    };
    let id = reader.conversation.id.as_str();
    let opened = event(
        me,
        reader.role_of(me),
        AuditAction::ConversationOpened,
        CONVERSATION,
        id,
    );
    let hs = reader.conversation.healthspace_id.as_str();
    audit::read_in(
        (&ctx.audit, ctx.now()),
        &actor.origin,
        opened,
        hs,
        Some(client),
    )
    .await
}
