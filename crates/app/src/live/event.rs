use carespace_core::ids::{AccountId, ConversationId, MessageId};
use serde::{Deserialize, Serialize};

/// What a stream is told. Ids and counts only, never content: the page fetches what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A new message arrived; the counts are the recipient's own.
    Message {
        conversation: ConversationId,
        message: MessageId,
        unread_here: i64,
        unread_total: i64,
    },
    /// A message was removed by its sender.
    MessageRemoved {
        conversation: ConversationId,
        message: MessageId,
    },
    /// A participant read the conversation (read receipt).
    Read {
        conversation: ConversationId,
        reader: AccountId,
    },
    /// The recipient's own unread total changed (they read a conversation elsewhere).
    Unread { unread_total: i64 },
}

impl LiveEvent {
    /// The event's name on the wire (`event:`).
    pub fn kind(&self) -> &'static str {
        match self {
            LiveEvent::Message { .. } => "message",
            LiveEvent::MessageRemoved { .. } => "message_removed",
            LiveEvent::Read { .. } => "read",
            LiveEvent::Unread { .. } => "unread",
        }
    }

    /// The event's fields as JSON (`data:`), without its name.
    fn data(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            fields.remove("kind");
        }
        value.to_string()
    }
}

/// One event for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub to: AccountId,
    pub event: LiveEvent,
}

/// An event as a stream sends it, made once and shared by every stream of its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `<instance id>.<sequence>`: what the browser sends back as `Last-Event-ID`.
    pub id: String,
    /// `message`, `message_removed`, `read`, `unread` or `reload`.
    pub kind: &'static str,
    /// JSON of the event's ids and counts.
    pub data: String,
}

impl Sent {
    pub(super) fn event(id: String, event: &LiveEvent) -> Sent {
        Sent {
            id,
            kind: event.kind(),
            data: event.data(),
        }
    }

    /// Tells the page to fetch itself again: what happened meanwhile is not known here.
    pub(super) fn reload(id: String) -> Sent {
        Sent {
            id,
            kind: "reload",
            data: "{}".into(),
        }
    }
}

/// What a subscription yields.
#[derive(Debug, Clone)]
pub enum Item {
    Event(std::sync::Arc<Sent>),
    /// A session of the account ended here: the stream checks its own at once.
    Recheck,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_the_kind_and_the_ids_and_counts() {
        let conversation = ConversationId::generate();
        let event = LiveEvent::Unread { unread_total: 3 };
        assert_eq!(event.kind(), "unread");
        assert_eq!(event.data(), r#"{"unread_total":3}"#);
        let removed = LiveEvent::MessageRemoved {
            conversation: conversation.clone(),
            message: MessageId::generate(),
        };
        let sent = Sent::event("a.1".into(), &removed);
        assert_eq!(sent.kind, "message_removed");
        assert!(sent.data.contains(conversation.as_str()));
        assert!(!sent.data.contains("kind"));
    }
}
