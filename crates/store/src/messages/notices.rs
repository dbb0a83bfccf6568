//! Email notices of unread messages: the participants whose notice is due, and the claim that
//! marks one sent. Every instance runs the same loop, so the claim is a conditional update on
//! the due time that was read: of two instances that read the same row, one changes it and the
//! other changes nothing, and only the one that changed it queues the email.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::messages::PARTICIPANT_MAY_OPEN;
use crate::tx::Tx;
use carespace_core::ids::{AccountId, ConversationId};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A participant whose notice about one conversation is due, with what the email needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueNotice {
    pub conversation_id: ConversationId,
    pub account_id: AccountId,
    /// The due time as read: the claim holds only while it is unchanged.
    pub due_at: Timestamp,
    pub email: String,
    pub full_name: String,
    pub language: String,
    pub healthspace_name: String,
}

/// At most `limit` notices due at `now`, the longest waiting first (on the index of due
/// notices). Whether each may still be sent is decided by [`claim`], in its transaction.
pub async fn due(
    ex: impl Into<Exec<'_>>,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<DueNotice>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT p.conversation_id, p.account_id, p.notice_due_at, a.email, a.full_name,
                a.language, h.name AS healthspace_name
         FROM conversation_participants p
         JOIN conversations c ON c.id = p.conversation_id
         JOIN healthspaces h ON h.id = c.healthspace_id
         JOIN accounts a ON a.id = p.account_id
         WHERE p.notice_due_at IS NOT NULL AND p.notice_due_at <= $1
         ORDER BY p.notice_due_at, p.conversation_id, p.account_id
         LIMIT $2",
    )
    .bind(now.millis())
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Marks `notice` sent at `now` (no notice pending, the period counted from now) if it is
/// still due as read and may still go: something unread, the preference on, and the
/// participant still reaching the conversation. True only for the one caller that changed it.
pub async fn claim(tx: &mut Tx, notice: &DueNotice, now: Timestamp) -> StoreResult<bool> {
    let sql = format!(
        "UPDATE conversation_participants AS p SET noticed_at = $4, notice_due_at = NULL
         WHERE p.conversation_id = $1 AND p.account_id = $2 AND p.notice_due_at = $3
           AND p.unread > 0
           AND EXISTS (
               SELECT 1 FROM conversations c, accounts a
               WHERE c.id = p.conversation_id AND a.id = p.account_id
                 AND a.message_notices = 1 AND {PARTICIPANT_MAY_OPEN})"
    );
    let done = sqlx::query(&sql)
        .bind(notice.conversation_id.as_str())
        .bind(notice.account_id.as_str())
        .bind(notice.due_at.millis())
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Drops a notice that may no longer go (read, the preference off, the conversation out of
/// reach), so it is not read again each round. Only while it is still due as read.
pub async fn drop_due(tx: &mut Tx, notice: &DueNotice) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversation_participants SET notice_due_at = NULL
         WHERE conversation_id = $1 AND account_id = $2 AND notice_due_at = $3",
    )
    .bind(notice.conversation_id.as_str())
    .bind(notice.account_id.as_str())
    .bind(notice.due_at.millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> StoreResult<DueNotice> {
    Ok(DueNotice {
        conversation_id: decode::id(row, "conversation_id")?,
        account_id: decode::id(row, "account_id")?,
        due_at: Timestamp::from_millis(row.try_get("notice_due_at")?),
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        language: row.try_get("language")?,
        healthspace_name: row.try_get("healthspace_name")?,
    })
}
