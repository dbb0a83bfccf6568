//! Conversations: who started one where, and the inbox that lists them.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::messages::PARTICIPANT_MAY_OPEN;
use crate::record::Before;
use crate::tx::Tx;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, ConversationId, HealthspaceId};
use carespace_core::messages::ConversationKind;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A conversation as one participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub healthspace_alias: String,
    pub healthspace_state: HealthspaceState,
    pub kind: ConversationKind,
    pub client_account_id: Option<AccountId>,
    pub created_at: Timestamp,
    pub last_message_at: Timestamp,
    /// The participant's own unread count.
    pub unread: i64,
}

/// A new conversation with its participants (the one who starts it among them).
#[derive(Debug, Clone)]
pub struct NewConversation<'a> {
    pub id: &'a ConversationId,
    pub healthspace_id: &'a HealthspaceId,
    pub kind: ConversationKind,
    pub client_account_id: Option<&'a AccountId>,
    pub started_by: &'a AccountId,
    pub participants: &'a [AccountId],
    pub now: Timestamp,
}

pub async fn insert(tx: &mut Tx, new: &NewConversation<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO conversations
             (id, healthspace_id, kind, client_account_id, started_by, created_at,
              last_message_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(new.id.as_str())
    .bind(new.healthspace_id.as_str())
    .bind(new.kind.code())
    .bind(new.client_account_id.map(AccountId::as_str))
    .bind(new.started_by.as_str())
    .bind(new.now.millis())
    .execute(tx.conn())
    .await?;
    for account in new.participants {
        sqlx::query(
            "INSERT INTO conversation_participants
                 (conversation_id, account_id, last_message_at, read_at)
             VALUES ($1, $2, $3, $3)",
        )
        .bind(new.id.as_str())
        .bind(account.as_str())
        .bind(new.now.millis())
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

const COLUMNS: &str = "c.id, c.healthspace_id, h.name AS healthspace_name,
     h.alias AS healthspace_alias, h.state AS healthspace_state, c.kind, c.client_account_id,
     c.created_at, c.last_message_at, p.unread
     FROM conversation_participants p
     JOIN conversations c ON c.id = p.conversation_id
     JOIN healthspaces h ON h.id = c.healthspace_id";

/// The conversation `id` when `account` takes part in it (whether they may still open it is
/// the policy's to say, from the participants' facts).
pub async fn find_for(
    ex: impl Into<Exec<'_>>,
    id: &ConversationId,
    account: &AccountId,
) -> StoreResult<Option<ConversationRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} WHERE p.conversation_id = $1 AND p.account_id = $2");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(account.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Where the conversation `id` is and whose it is, whoever asks: for auditing a refused try
/// about the client it concerns.
pub async fn whereabouts(
    ex: impl Into<Exec<'_>>,
    id: &ConversationId,
) -> StoreResult<Option<(HealthspaceId, Option<AccountId>)>> {
    let mut c = conn(ex).await?;
    let row =
        sqlx::query("SELECT healthspace_id, client_account_id FROM conversations WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *c)
            .await?;
    row.map(|row| {
        Ok((
            decode::id(&row, "healthspace_id")?,
            decode::optional_id(&row, "client_account_id")?,
        ))
    })
    .transpose()
}

/// One page of `account`'s inbox: the conversations they may open now (of one Healthspace, when
/// given), newest message first, older than `before`; with `name`, only those with another
/// participant of that name (a part of it, in any case).
pub async fn inbox(
    ex: impl Into<Exec<'_>>,
    (account, healthspace): (&AccountId, Option<&HealthspaceId>),
    name: Option<&str>,
    before: Before<'_>,
    limit: i64,
) -> StoreResult<Vec<ConversationRow>> {
    let mut c = conn(ex).await?;
    let (at, id) = before.unzip();
    let pattern = name.map(|name| format!("%{}%", like_escaped(&name.to_lowercase())));
    let sql = format!(
        "SELECT {COLUMNS}
         WHERE p.account_id = $1 AND {PARTICIPANT_MAY_OPEN}
           AND ($2 IS NULL OR p.last_message_at < $2
                OR (p.last_message_at = $2 AND p.conversation_id < $3))
           AND ($4 IS NULL OR EXISTS (
               SELECT 1 FROM conversation_participants o JOIN accounts oa ON oa.id = o.account_id
               WHERE o.conversation_id = p.conversation_id AND o.account_id <> p.account_id
                 AND LOWER(oa.full_name) LIKE $4 ESCAPE '\\'))
           AND ($6 IS NULL OR c.healthspace_id = $6)
         ORDER BY p.last_message_at DESC, p.conversation_id DESC LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(account.as_str())
        .bind(at)
        .bind(id)
        .bind(pattern)
        .bind(limit)
        .bind(healthspace.map(HealthspaceId::as_str))
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// `text` with LIKE's wildcards and escape character taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The conversation's newest message time, for everyone in it.
pub async fn touch(tx: &mut Tx, id: &ConversationId, now: Timestamp) -> StoreResult<()> {
    sqlx::query("UPDATE conversations SET last_message_at = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "UPDATE conversation_participants SET last_message_at = $2 WHERE conversation_id = $1",
    )
    .bind(id.as_str())
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> StoreResult<ConversationRow> {
    Ok(ConversationRow {
        id: decode::id(row, "id")?,
        healthspace_id: decode::id(row, "healthspace_id")?,
        healthspace_name: row.try_get("healthspace_name")?,
        healthspace_alias: row.try_get("healthspace_alias")?,
        healthspace_state: decode::code(row, "healthspace_state", HealthspaceState::parse)?,
        kind: decode::code(row, "kind", ConversationKind::parse)?,
        client_account_id: decode::optional_id(row, "client_account_id")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_message_at: Timestamp::from_millis(row.try_get("last_message_at")?),
        unread: row.try_get("unread")?,
    })
}
