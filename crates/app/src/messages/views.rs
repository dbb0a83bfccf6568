//! What the pages and the API show of conversations and messages: opened texts, names, and what
//! the viewer may do; the app's own types, never store rows.

use super::sealing::{self, Part};
use super::standing::Reader;
use crate::error::AppResult;
use carespace_core::crypto::DataKey;
use carespace_core::ids::{AccountId, ConversationId, HealthspaceId, MessageId};
use carespace_core::messages::{self, ConversationKind};
use carespace_core::policy::ConversationAccess;
use carespace_core::time::Timestamp;
use carespace_store::messages::attachments::AttachmentRow;
use carespace_store::messages::conversations::ConversationRow;
use carespace_store::messages::participants::ParticipantRow;
use carespace_store::messages::thread::MessageRow;

/// Someone else in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonView {
    pub account_id: AccountId,
    pub name: String,
    /// The conversation's client.
    pub is_client: bool,
}

/// A conversation as one participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationView {
    pub id: ConversationId,
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub healthspace_alias: String,
    pub kind: ConversationKind,
    /// Everyone but the viewer, by name.
    pub others: Vec<PersonView>,
    pub last_message_at: Timestamp,
    /// The viewer's own unread count.
    pub unread: i64,
}

/// A message as a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    pub id: MessageId,
    pub sender_id: AccountId,
    pub sender_name: String,
    /// Sent by the viewer.
    pub mine: bool,
    /// The text; `None` once its sender removed the message.
    pub text: Option<String>,
    pub sent_at: Timestamp,
    /// The viewer may still remove it (their own, within five minutes).
    pub removable: bool,
    pub attachments: Vec<AttachmentView>,
    /// For the viewer's own messages: the others who have read it, by name.
    pub read_by: Vec<String>,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentView {
    pub position: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

pub(crate) fn conversation_view(
    row: ConversationRow,
    participants: &[ParticipantRow],
    me: &AccountId,
) -> ConversationView {
    let others = participants
        .iter()
        .filter(|p| p.conversation_id == row.id && p.account_id != *me)
        .map(|p| PersonView {
            account_id: p.account_id.clone(),
            name: p.full_name.clone(),
            is_client: row.client_account_id.as_ref() == Some(&p.account_id),
        })
        .collect();
    ConversationView {
        id: row.id,
        healthspace_id: row.healthspace_id,
        healthspace_name: row.healthspace_name,
        healthspace_alias: row.healthspace_alias,
        kind: row.kind,
        others,
        last_message_at: row.last_message_at,
        unread: row.unread,
    }
}

/// A message opened under `key`, as `reader`'s actor sees it at `now`.
pub(crate) fn message_view(
    key: &DataKey,
    row: MessageRow,
    attachments: &[AttachmentRow],
    (reader, me, now): (&Reader, &AccountId, Timestamp),
) -> AppResult<MessageView> {
    let text = row
        .body
        .as_deref()
        .map(|body| sealing::open(key, &row.id, Part::Text, body))
        .transpose()?;
    let mut files = Vec::new();
    if text.is_some() {
        for attachment in attachments.iter().filter(|a| a.message_id == row.id) {
            files.push(AttachmentView {
                position: attachment.position,
                name: sealing::open(
                    key,
                    &row.id,
                    Part::FileName(attachment.position),
                    &attachment.name,
                )?,
                content_type: attachment.content_type.clone(),
                size: attachment.size,
            });
        }
    }
    let mine = row.sender_account_id == *me;
    let read_by = if mine {
        reader
            .participants
            .iter()
            .filter(|p| p.account_id != *me && p.read_at.is_some_and(|at| at >= row.sent_at))
            .map(|p| p.full_name.clone())
            .collect()
    } else {
        Vec::new()
    };
    Ok(MessageView {
        removable: mine
            && text.is_some()
            && reader.access == ConversationAccess::ReadAndWrite
            && messages::removable(row.sent_at, now),
        id: row.id,
        sender_id: row.sender_account_id,
        sender_name: row.sender_name,
        mine,
        text,
        sent_at: row.sent_at,
        attachments: files,
        read_by,
    })
}
