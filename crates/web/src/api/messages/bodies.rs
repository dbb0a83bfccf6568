//! What the messages' endpoints answer: conversations and messages as JSON, times in
//! milliseconds like the rest of the API.

use carespace_app::messages::inbox::InboxPage;
use carespace_app::messages::sending::Sent;
use carespace_app::messages::thread::ConversationPage;
use carespace_app::messages::{AttachmentView, ConversationView, MessageView, PersonView};
use serde::Serialize;

#[derive(Serialize)]
pub struct PersonBody {
    account_id: String,
    name: String,
    /// The conversation's client (else staff or an admin).
    is_client: bool,
}

impl From<PersonView> for PersonBody {
    fn from(person: PersonView) -> Self {
        PersonBody {
            account_id: person.account_id.to_string(),
            name: person.name,
            is_client: person.is_client,
        }
    }
}

#[derive(Serialize)]
pub struct ConversationBody {
    id: String,
    healthspace_id: String,
    healthspace_alias: String,
    healthspace_name: String,
    /// `care` (with a client) or `staff`.
    kind: &'static str,
    /// Everyone but the one who asks.
    others: Vec<PersonBody>,
    last_message_at: i64,
    /// The asker's own unread messages here.
    unread: i64,
}

impl From<ConversationView> for ConversationBody {
    fn from(view: ConversationView) -> Self {
        ConversationBody {
            id: view.id.to_string(),
            healthspace_id: view.healthspace_id.to_string(),
            healthspace_alias: view.healthspace_alias,
            healthspace_name: view.healthspace_name,
            kind: view.kind.code(),
            others: view.others.into_iter().map(PersonBody::from).collect(),
            last_message_at: view.last_message_at.millis(),
            unread: view.unread,
        }
    }
}

#[derive(Serialize)]
pub struct InboxBody {
    conversations: Vec<ConversationBody>,
    /// Pass as `before` for the next (older) page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

impl From<InboxPage> for InboxBody {
    fn from(inbox: InboxPage) -> Self {
        InboxBody {
            conversations: inbox
                .conversations
                .into_iter()
                .map(ConversationBody::from)
                .collect(),
            next: inbox.next,
        }
    }
}

#[derive(Serialize)]
pub struct AttachmentBody {
    /// Its place on the message: the `{position}` of its download path.
    position: i64,
    name: String,
    media_type: String,
    size: i64,
}

impl From<AttachmentView> for AttachmentBody {
    fn from(file: AttachmentView) -> Self {
        AttachmentBody {
            position: file.position,
            name: file.name,
            media_type: file.content_type,
            size: file.size,
        }
    }
}

#[derive(Serialize)]
pub struct MessageBody {
    id: String,
    sender_id: String,
    sender_name: String,
    mine: bool,
    /// `null` once its sender removed it.
    text: Option<String>,
    sent_at: i64,
    removable: bool,
    attachments: Vec<AttachmentBody>,
    /// For one's own messages: the others who have read it, by name.
    read_by: Vec<String>,
}

impl From<MessageView> for MessageBody {
    fn from(message: MessageView) -> Self {
        MessageBody {
            id: message.id.to_string(),
            sender_id: message.sender_id.to_string(),
            sender_name: message.sender_name,
            mine: message.mine,
            text: message.text,
            sent_at: message.sent_at.millis(),
            removable: message.removable,
            attachments: message
                .attachments
                .into_iter()
                .map(AttachmentBody::from)
                .collect(),
            read_by: message.read_by,
        }
    }
}

#[derive(Serialize)]
pub struct ConversationPageBody {
    conversation: ConversationBody,
    /// Newest first.
    messages: Vec<MessageBody>,
    /// Pass as `before` for the page of older messages; absent on the oldest.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    may_write: bool,
}

impl From<ConversationPage> for ConversationPageBody {
    fn from(page: ConversationPage) -> Self {
        ConversationPageBody {
            conversation: ConversationBody::from(page.conversation),
            messages: page.messages.into_iter().map(MessageBody::from).collect(),
            next: page.older,
            may_write: page.may_write,
        }
    }
}

/// A message just sent (the first of a new conversation, or an answer).
#[derive(Serialize)]
pub struct SentBody {
    conversation_id: String,
    message_id: String,
}

impl From<&Sent> for SentBody {
    fn from(sent: &Sent) -> Self {
        SentBody {
            conversation_id: sent.conversation_id.to_string(),
            message_id: sent.id.to_string(),
        }
    }
}
