//! The audit log's storage: appending to the keyed hash chain, and reading it back in order.

use crate::error::{StoreError, StoreResult};
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::audit::{AuditRecord, Outcome, chain_hash};
use carespace_core::time::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub mod viewer;

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Appends `records`, in order, to the chain inside the caller's transaction: one step of the
/// head for all of them. Returns the sequence number of the last.
pub async fn append(tx: &mut Tx, records: &[AuditRecord]) -> StoreResult<i64> {
    let chain = tx.chain().ok_or(StoreError::AuditChainUnkeyed)?;
    let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
    let mut c = conn(&mut *tx).await?;
    // Taking the head row first makes other appenders wait until this transaction ends.
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1
         RETURNING last_seq, last_hash, keyed_from",
    )
    .bind(count)
    .fetch_one(&mut *c)
    .await?;
    let last_seq: i64 = head.try_get("last_seq")?;
    let mut hash: String = head.try_get("last_hash")?;
    // Sealing sets where the keyed part begins; nothing is appended before that.
    let keyed_from: Option<i64> = head.try_get("keyed_from")?;
    if keyed_from.is_none() {
        return Err(StoreError::AuditChainUnkeyed);
    }
    let mut seq = last_seq - count;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        seq += 1;
        let prev_hash = std::mem::take(&mut hash);
        hash = chain_hash(&chain.key, &prev_hash, record);
        rows.push((seq, record, prev_hash, hash.clone()));
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert(&mut c, chunk).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *c)
        .await?;
    drop(c);
    tx.set_audit_head(last_seq, hash);
    Ok(last_seq)
}

/// Entries per INSERT statement: a batch of reads is a few statements, not one per entry.
const ROWS_PER_INSERT: usize = 32;
const FIELDS: usize = 18;

async fn insert(
    c: &mut AnyConnection,
    rows: &[(i64, &AuditRecord, String, String)],
) -> StoreResult<()> {
    let values: Vec<String> = (0..rows.len())
        .map(|row| {
            let marks: Vec<String> = (1..=FIELDS)
                .map(|field| format!("${}", row * FIELDS + field))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO audit_log (seq, id, at, actor_account_id, actor_role, on_behalf_of, action,
                                object_type, object_id, client_account_id, healthspace_id, ip,
                                session_id, outcome, user_agent, api_token_id, prev_hash, hash)
         VALUES {}",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (seq, record, prev_hash, hash) in rows {
        query = query
            .bind(*seq)
            .bind(&record.id)
            .bind(record.at.millis())
            .bind(&record.actor_account_id)
            .bind(&record.actor_role)
            .bind(&record.on_behalf_of)
            .bind(&record.action)
            .bind(&record.object_type)
            .bind(&record.object_id)
            .bind(&record.client_account_id)
            .bind(&record.healthspace_id)
            .bind(&record.ip)
            .bind(&record.session_id)
            .bind(record.outcome.code())
            .bind(&record.user_agent)
            .bind(&record.api_token_id)
            .bind(prev_hash)
            .bind(hash);
    }
    query.execute(c).await?;
    Ok(())
}

/// The chain's end and where its keyed part begins, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainState {
    pub last_seq: i64,
    pub last_hash: String,
    /// The first keyed entry's sequence number; `None` until the chain is sealed.
    pub keyed_from: Option<i64>,
    pub seal: Option<String>,
    pub key_check: Option<String>,
}

pub async fn chain_state(ex: impl Into<Exec<'_>>) -> StoreResult<ChainState> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT last_seq, last_hash, keyed_from, seal, key_check FROM audit_head WHERE id = 1",
    )
    .fetch_one(&mut *c)
    .await?;
    Ok(ChainState {
        last_seq: row.try_get("last_seq")?,
        last_hash: row.try_get("last_hash")?,
        keyed_from: row.try_get("keyed_from")?,
        seal: row.try_get("seal")?,
        key_check: row.try_get("key_check")?,
    })
}

/// Seals the chain as it stands at `state`: what follows is keyed. False when it was sealed
/// or extended meanwhile.
pub async fn set_seal(
    ex: impl Into<Exec<'_>>,
    state: &ChainState,
    seal: &str,
    key_check: &str,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE audit_head SET keyed_from = $1, seal = $2, key_check = $3
         WHERE id = 1 AND keyed_from IS NULL AND last_seq = $4",
    )
    .bind(state.last_seq + 1)
    .bind(seal)
    .bind(key_check)
    .bind(state.last_seq)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn from_row(row: &AnyRow) -> StoreResult<StoredEntry> {
    let outcome: String = row.try_get("outcome")?;
    Ok(StoredEntry {
        seq: row.try_get("seq")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
        record: AuditRecord {
            id: row.try_get("id")?,
            at: Timestamp::from_millis(row.try_get("at")?),
            actor_account_id: row.try_get("actor_account_id")?,
            actor_role: row.try_get("actor_role")?,
            on_behalf_of: row.try_get("on_behalf_of")?,
            action: row.try_get("action")?,
            object_type: row.try_get("object_type")?,
            object_id: row.try_get("object_id")?,
            client_account_id: row.try_get("client_account_id")?,
            healthspace_id: row.try_get("healthspace_id")?,
            ip: row.try_get("ip")?,
            session_id: row.try_get("session_id")?,
            user_agent: row.try_get("user_agent")?,
            api_token_id: row.try_get("api_token_id")?,
            outcome: Outcome::parse(&outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("audit outcome {outcome}")))?,
        },
    })
}

const COLUMNS: &str =
    "seq, id, at, actor_account_id, actor_role, on_behalf_of, action, object_type,
                       object_id, client_account_id, healthspace_id, ip, session_id, outcome,
                       user_agent, api_token_id, prev_hash, hash";

/// Up to `limit` entries after sequence number `after`, in order: the chain read page by page.
pub async fn entries_after(
    ex: impl Into<Exec<'_>>,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<StoredEntry>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}
