//! "Who viewed my record": the audit entries about a client that someone else caused, as the
//! client reads them.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use sqlx::Row;

/// Which of the client's entries to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    /// From this moment (inclusive) …
    pub from: Option<Timestamp>,
    /// … to this one (exclusive).
    pub to: Option<Timestamp>,
    /// Keyset: only entries older than this `(at, seq)`.
    pub before: Option<(i64, i64)>,
}

/// One access by someone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRow {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub healthspace_name: Option<String>,
    pub organisation_name: Option<String>,
    pub action: String,
    pub object_type: String,
    pub outcome: String,
}

/// One page of the entries about `client` written by anyone but the client, newest first.
pub async fn page_of(
    ex: impl Into<Exec<'_>>,
    client: &AccountId,
    period: Period,
    limit: i64,
) -> StoreResult<Vec<AccessRow>> {
    let mut c = conn(ex).await?;
    let (before_at, before_seq) = period.before.unzip();
    let rows = sqlx::query(
        "SELECT l.seq, l.at, a.full_name AS actor_name, l.actor_role, l.on_behalf_of,
                h.name AS healthspace_name, o.name AS organisation_name, l.action,
                l.object_type, l.outcome
         FROM audit_log l
         LEFT JOIN accounts a ON a.id = l.actor_account_id
         LEFT JOIN healthspaces h ON h.id = l.healthspace_id
         LEFT JOIN organisations o ON o.id = h.organisation_id
         WHERE l.client_account_id = $1
           AND (l.actor_account_id IS NULL OR l.actor_account_id <> $1)
           AND ($2 IS NULL OR l.at >= $2)
           AND ($3 IS NULL OR l.at < $3)
           AND ($4 IS NULL OR l.at < $4 OR (l.at = $4 AND l.seq < $5))
         ORDER BY l.at DESC, l.seq DESC LIMIT $6",
    )
    .bind(client.as_str())
    .bind(period.from.map(Timestamp::millis))
    .bind(period.to.map(Timestamp::millis))
    .bind(before_at)
    .bind(before_seq)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AccessRow {
                seq: row.try_get("seq")?,
                at: Timestamp::from_millis(row.try_get("at")?),
                actor_name: row.try_get("actor_name")?,
                actor_role: row.try_get("actor_role")?,
                on_behalf_of: row.try_get("on_behalf_of")?,
                healthspace_name: row.try_get("healthspace_name")?,
                organisation_name: row.try_get("organisation_name")?,
                action: row.try_get("action")?,
                object_type: row.try_get("object_type")?,
                outcome: row.try_get("outcome")?,
            })
        })
        .collect()
}
