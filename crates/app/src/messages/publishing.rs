//! What the message use cases tell the live channel once their transaction committed: ids and
//! counts for each person concerned, never content.

use super::standing::Reader;
use crate::context::AppContext;
use crate::live::{Delivery, LiveEvent};
use carespace_core::ids::{AccountId, ConversationId, MessageId};
use carespace_store::messages::participants;

/// What was sent, for the live channel and the caller.
#[derive(Debug, Clone)]
pub struct Sent {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub recipients: Vec<Recipient>,
}

/// Someone a message went to, with what they have unread now.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub account_id: AccountId,
    /// In this conversation.
    pub unread_here: i64,
    /// In every conversation they reach.
    pub unread_total: i64,
}

/// What was removed, for the live channel.
#[derive(Debug, Clone)]
pub struct Removed {
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    /// Everyone else who reaches the conversation.
    pub others: Vec<carespace_core::ids::AccountId>,
}

/// A new message: each recipient with their own counts.
pub(super) async fn sent(ctx: &AppContext, sent: &Sent) {
    let deliveries = sent
        .recipients
        .iter()
        .map(|recipient| Delivery {
            to: recipient.account_id.clone(),
            event: LiveEvent::Message {
                conversation: sent.conversation_id.clone(),
                message: sent.id.clone(),
                unread_here: recipient.unread_here,
                unread_total: recipient.unread_total,
            },
        })
        .collect();
    ctx.live.publish(deliveries).await;
}

/// A removed message: everyone else in the conversation.
pub(super) async fn removed(ctx: &AppContext, removed: &Removed) {
    let deliveries = removed
        .others
        .iter()
        .map(|other| Delivery {
            to: other.clone(),
            event: LiveEvent::MessageRemoved {
                conversation: removed.conversation_id.clone(),
                message: removed.message_id.clone(),
            },
        })
        .collect();
    ctx.live.publish(deliveries).await;
}

/// `me` read the conversation: a read receipt for the others, and `me`'s new unread total for
/// their other pages. Without the total (the database did not answer) only the receipts go.
pub(super) async fn read(ctx: &AppContext, reader: &Reader, me: &AccountId) {
    let conversation = &reader.conversation.id;
    let mut deliveries: Vec<Delivery> = reader
        .recipients(me)
        .into_iter()
        .map(|other| Delivery {
            to: other.account_id.clone(),
            event: LiveEvent::Read {
                conversation: conversation.clone(),
                reader: me.clone(),
            },
        })
        .collect();
    match participants::unread_totals(&ctx.db, &[me]).await {
        Ok(totals) => deliveries.push(Delivery {
            to: me.clone(),
            event: LiveEvent::Unread {
                unread_total: totals.first().map_or(0, |(_, total)| *total),
            },
        }),
        Err(error) => tracing::warn!(target: "live", %error, "cannot count what is unread"),
    }
    ctx.live.publish(deliveries).await;
}
