//! Who takes part in a conversation, with the facts the policy decides their access by, and
//! what each has not read.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::messages::PARTICIPANT_MAY_OPEN;
use crate::tx::Tx;
use carespace_core::ids::{AccountId, ConversationId};
use carespace_core::memberships::Role;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A participant of a conversation, with their standing in its Healthspace now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRow {
    pub conversation_id: ConversationId,
    pub account_id: AccountId,
    pub full_name: String,
    pub email: String,
    pub language: String,
    /// Whether they want an email when a message waits unread.
    pub message_notices: bool,
    /// Their active role in the conversation's Healthspace, if any.
    pub role: Option<Role>,
    /// For staff of a care conversation: connected to its client now.
    pub connected: bool,
    pub unread: i64,
    pub read_at: Option<Timestamp>,
    pub noticed_at: Option<Timestamp>,
}

const COLUMNS: &str = "p.conversation_id, p.account_id, a.full_name, a.email, a.language,
     a.message_notices, m.role, p.unread, p.read_at, p.noticed_at,
     CASE WHEN EXISTS (
         SELECT 1 FROM connections k
         WHERE k.healthspace_id = c.healthspace_id AND k.staff_account_id = p.account_id
           AND k.client_account_id = c.client_account_id AND k.ended_at IS NULL)
     THEN 1 ELSE 0 END AS connected
     FROM conversation_participants p
     JOIN conversations c ON c.id = p.conversation_id
     JOIN accounts a ON a.id = p.account_id
     LEFT JOIN memberships m ON m.account_id = p.account_id
         AND m.healthspace_id = c.healthspace_id AND m.state = 'active'";

/// Everyone in the conversations `ids`, by conversation and name.
pub async fn of(
    ex: impl Into<Exec<'_>>,
    ids: &[&ConversationId],
) -> StoreResult<Vec<ParticipantRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = conn(ex).await?;
    let placeholders = super::placeholders(ids.len());
    let sql = format!(
        "SELECT {COLUMNS} WHERE p.conversation_id IN ({placeholders})
         ORDER BY p.conversation_id, a.full_name, p.account_id"
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.as_str());
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// A new message for `recipient`: one more unread, and an email notice due at `notice_due`
/// unless one is already pending.
pub async fn add_unread(
    tx: &mut Tx,
    conversation: &ConversationId,
    recipient: &AccountId,
    notice_due: Option<Timestamp>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversation_participants
         SET unread = unread + 1, notice_due_at = COALESCE(notice_due_at, $3)
         WHERE conversation_id = $1 AND account_id = $2",
    )
    .bind(conversation.as_str())
    .bind(recipient.as_str())
    .bind(notice_due.map(Timestamp::millis))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// `account` has read the conversation at `now`: nothing unread, no notice pending. True when
/// something was unread (only then does the read time, the receipt others see, move).
pub async fn mark_read(
    tx: &mut Tx,
    conversation: &ConversationId,
    account: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE conversation_participants
         SET unread = 0, read_at = $3, notice_due_at = NULL
         WHERE conversation_id = $1 AND account_id = $2 AND unread > 0",
    )
    .bind(conversation.as_str())
    .bind(account.as_str())
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The unread totals of `accounts`, over the conversations each may open now.
pub async fn unread_totals(
    ex: impl Into<Exec<'_>>,
    accounts: &[&AccountId],
) -> StoreResult<Vec<(AccountId, i64)>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = conn(ex).await?;
    let placeholders = super::placeholders(accounts.len());
    let sql = format!(
        "SELECT p.account_id, CAST(SUM(p.unread) AS BIGINT) AS total
         FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
         WHERE p.account_id IN ({placeholders}) AND p.unread > 0 AND {PARTICIPANT_MAY_OPEN}
         GROUP BY p.account_id"
    );
    let mut query = sqlx::query(&sql);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter()
        .map(|row| Ok((decode::id(row, "account_id")?, row.try_get("total")?)))
        .collect()
}

fn from_row(row: &AnyRow) -> StoreResult<ParticipantRow> {
    let role = match row.try_get::<Option<String>, _>("role")? {
        Some(_) => Some(decode::role(row, "role")?),
        None => None,
    };
    let millis = |column: &str| -> StoreResult<Option<Timestamp>> {
        Ok(row
            .try_get::<Option<i64>, _>(column)?
            .map(Timestamp::from_millis))
    };
    Ok(ParticipantRow {
        conversation_id: decode::id(row, "conversation_id")?,
        account_id: decode::id(row, "account_id")?,
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        language: row.try_get("language")?,
        message_notices: row.try_get::<i64, _>("message_notices")? != 0,
        role,
        connected: row.try_get::<i64, _>("connected")? != 0,
        unread: row.try_get("unread")?,
        read_at: millis("read_at")?,
        noticed_at: millis("noticed_at")?,
    })
}
