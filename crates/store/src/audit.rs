//! The audit log's storage: appending to the hash chain, and reading it back in order.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::audit::{AuditRecord, Outcome, chain_hash};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub record: AuditRecord,
    pub prev_hash: String,
    pub hash: String,
}

/// Appends `record` to the chain inside the caller's transaction; returns its sequence number.
pub async fn append(ex: impl Into<Exec<'_>>, record: &AuditRecord) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    // Taking the head row first makes other appenders wait until this transaction ends.
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .fetch_one(&mut *c)
    .await?;
    let seq: i64 = head.try_get("last_seq")?;
    let prev_hash: String = head.try_get("last_hash")?;
    let hash = chain_hash(&prev_hash, record);
    sqlx::query(
        "INSERT INTO audit_log (seq, id, at, actor_account_id, actor_role, on_behalf_of, action,
                                object_type, object_id, client_account_id, healthspace_id, ip,
                                session_id, outcome, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(seq)
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
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *c)
        .await?;
    Ok(seq)
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
            outcome: if outcome == "success" {
                Outcome::Success
            } else {
                Outcome::Denied
            },
        },
    })
}

const COLUMNS: &str =
    "seq, id, at, actor_account_id, actor_role, on_behalf_of, action, object_type,
                       object_id, client_account_id, healthspace_id, ip, session_id, outcome,
                       prev_hash, hash";

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

/// Where the chain should end.
pub async fn head(ex: impl Into<Exec<'_>>) -> StoreResult<(i64, String)> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *c)
        .await?;
    Ok((row.try_get("last_seq")?, row.try_get("last_hash")?))
}

/// Which entries of one Healthspace to read; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct HealthspaceFilter<'a> {
    pub actor_account_id: Option<&'a str>,
    pub client_account_id: Option<&'a str>,
    /// From this moment (inclusive) …
    pub from: Option<Timestamp>,
    /// … to this one (exclusive).
    pub to: Option<Timestamp>,
    /// Keyset: only entries older than this `(at, seq)`.
    pub before: Option<(i64, i64)>,
}

/// An entry with the names of the people it mentions, for the audit-log viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEntry {
    pub seq: i64,
    pub record: AuditRecord,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub client_name: Option<String>,
}

/// A page of a Healthspace's entries, newest first, at most `limit`.
pub async fn of_healthspace(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    filter: &HealthspaceFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<NamedEntry>> {
    let mut c = conn(ex).await?;
    // Each optional filter is "$n IS NULL OR …", so one statement serves every combination.
    let sql = format!(
        "SELECT {}, a.full_name AS actor_name, a.email AS actor_email, c.full_name AS client_name
         FROM audit_log l
         LEFT JOIN accounts a ON a.id = l.actor_account_id
         LEFT JOIN accounts c ON c.id = l.client_account_id
         WHERE l.healthspace_id = $1
           AND ($2 IS NULL OR l.actor_account_id = $2)
           AND ($3 IS NULL OR l.client_account_id = $3)
           AND ($4 IS NULL OR l.at >= $4)
           AND ($5 IS NULL OR l.at < $5)
           AND ($6 IS NULL OR l.at < $6 OR (l.at = $6 AND l.seq < $7))
         ORDER BY l.at DESC, l.seq DESC LIMIT $8",
        COLUMNS
            .split(',')
            .map(|c| format!("l.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = sqlx::query(&sql)
        .bind(healthspace_id)
        .bind(filter.actor_account_id)
        .bind(filter.client_account_id)
        .bind(filter.from.map(Timestamp::millis))
        .bind(filter.to.map(Timestamp::millis))
        .bind(filter.before.map(|(at, _)| at))
        .bind(filter.before.map_or(0, |(_, seq)| seq))
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| {
            let entry = from_row(row)?;
            Ok(NamedEntry {
                seq: entry.seq,
                record: entry.record,
                actor_name: row.try_get("actor_name")?,
                actor_email: row.try_get("actor_email")?,
                client_name: row.try_get("client_name")?,
            })
        })
        .collect()
}
