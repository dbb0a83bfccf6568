//! The messages of a conversation, newest first, with their sealed texts.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::record::Before;
use crate::tx::Tx;
use carespace_core::ids::{AccountId, ConversationId, MessageId};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A message as stored: its text sealed, none once removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub sender_account_id: AccountId,
    pub sender_name: String,
    pub body: Option<Vec<u8>>,
    pub sent_at: Timestamp,
    pub removed_at: Option<Timestamp>,
}

/// A new message with its sealed text.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub id: &'a MessageId,
    pub conversation_id: &'a ConversationId,
    pub sender: &'a AccountId,
    pub body: &'a [u8],
    pub now: Timestamp,
}

pub async fn insert(tx: &mut Tx, new: &NewMessage<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, sender_account_id, body, sent_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new.id.as_str())
    .bind(new.conversation_id.as_str())
    .bind(new.sender.as_str())
    .bind(new.body)
    .bind(new.now.millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

const COLUMNS: &str = "m.id, m.conversation_id, m.sender_account_id, a.full_name AS sender_name,
     m.body, m.sent_at, m.removed_at
     FROM messages m JOIN accounts a ON a.id = m.sender_account_id";

/// One page of the conversation's messages, newest first, older than `before`.
pub async fn page(
    ex: impl Into<Exec<'_>>,
    conversation: &ConversationId,
    before: Before<'_>,
    limit: i64,
) -> StoreResult<Vec<MessageRow>> {
    let mut c = conn(ex).await?;
    let (at, id) = before.unzip();
    let sql = format!(
        "SELECT {COLUMNS} WHERE m.conversation_id = $1
           AND ($2 IS NULL OR m.sent_at < $2 OR (m.sent_at = $2 AND m.id < $3))
         ORDER BY m.sent_at DESC, m.id DESC LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(conversation.as_str())
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The message `id` of the conversation.
pub async fn find(
    ex: impl Into<Exec<'_>>,
    conversation: &ConversationId,
    id: &MessageId,
) -> StoreResult<Option<MessageRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} WHERE m.conversation_id = $1 AND m.id = $2");
    let row = sqlx::query(&sql)
        .bind(conversation.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Removes the message's text; "message removed" stays in its place. False when it was already
/// removed (a second request changes nothing).
pub async fn remove(tx: &mut Tx, id: &MessageId, now: Timestamp) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE messages SET body = NULL, removed_at = $2 WHERE id = $1 AND removed_at IS NULL",
    )
    .bind(id.as_str())
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

fn from_row(row: &AnyRow) -> StoreResult<MessageRow> {
    Ok(MessageRow {
        id: decode::id(row, "id")?,
        conversation_id: decode::id(row, "conversation_id")?,
        sender_account_id: decode::id(row, "sender_account_id")?,
        sender_name: row.try_get("sender_name")?,
        body: row.try_get("body")?,
        sent_at: Timestamp::from_millis(row.try_get("sent_at")?),
        removed_at: row
            .try_get::<Option<i64>, _>("removed_at")?
            .map(Timestamp::from_millis),
    })
}
