//! A Healthspace's entries as its audit-log viewer reads them: a keyset page, newest first,
//! with the names of the people each entry mentions.

use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::exec::{Exec, conn};
use crate::json_rows;
use carespace_core::audit::{LogLine, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use serde::Deserialize;
use sqlx::Row;
use std::sync::LazyLock;

/// Which entries of one Healthspace to read; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct HealthspaceFilter<'a> {
    pub actor_account_id: Option<&'a AccountId>,
    pub client_account_id: Option<&'a AccountId>,
    /// From this moment (inclusive) …
    pub from: Option<Timestamp>,
    /// … to this one (exclusive).
    pub to: Option<Timestamp>,
    /// Keyset: only entries older than this `(at, seq)`.
    pub before: Option<(i64, i64)>,
}

/// The columns of a line, as the page's subquery names them.
const FIELDS: [&str; 11] = [
    "seq",
    "at",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "ip",
    "outcome",
    "actor_name",
    "actor_email",
    "client_name",
];

/// A line as the aggregated page holds it.
#[derive(Deserialize)]
struct LineRow {
    seq: i64,
    at: i64,
    actor_role: Option<String>,
    action: String,
    object_type: String,
    object_id: Option<String>,
    ip: Option<String>,
    outcome: String,
    actor_name: Option<String>,
    actor_email: Option<String>,
    client_name: Option<String>,
}

fn page_sql(backend: Backend) -> String {
    // Each optional filter is "$n IS NULL OR …", so one statement serves every combination.
    format!(
        "SELECT {} AS page FROM (
             SELECT l.seq AS seq, l.at AS at, l.actor_role AS actor_role, l.action AS action,
                    l.object_type AS object_type, l.object_id AS object_id, l.ip AS ip,
                    l.outcome AS outcome, a.full_name AS actor_name, a.email AS actor_email,
                    c.full_name AS client_name
             FROM audit_log l
             LEFT JOIN accounts a ON a.id = l.actor_account_id
             LEFT JOIN accounts c ON c.id = l.client_account_id
             WHERE l.healthspace_id = $1
               AND ($2 IS NULL OR l.actor_account_id = $2)
               AND ($3 IS NULL OR l.client_account_id = $3)
               AND ($4 IS NULL OR l.at >= $4)
               AND ($5 IS NULL OR l.at < $5)
               AND ($6 IS NULL OR l.at < $6 OR (l.at = $6 AND l.seq < $7))
             ORDER BY l.at DESC, l.seq DESC LIMIT $8
         ) lines",
        json_rows::array_of(backend, &FIELDS, "at DESC, seq DESC")
    )
}

static SQLITE_SQL: LazyLock<String> = LazyLock::new(|| page_sql(Backend::Sqlite));
static POSTGRES_SQL: LazyLock<String> = LazyLock::new(|| page_sql(Backend::Postgres));

/// A page of a Healthspace's entries, newest first, at most `limit`.
pub async fn of_healthspace(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    filter: &HealthspaceFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<LogLine>> {
    let ex = ex.into();
    let sql: &str = match ex.backend() {
        Backend::Sqlite => &SQLITE_SQL,
        Backend::Postgres => &POSTGRES_SQL,
    };
    let mut c = conn(ex).await?;
    let row = sqlx::query(sql)
        .bind(healthspace_id)
        .bind(filter.actor_account_id.map(AccountId::as_str))
        .bind(filter.client_account_id.map(AccountId::as_str))
        .bind(filter.from.map(Timestamp::millis))
        .bind(filter.to.map(Timestamp::millis))
        .bind(filter.before.map(|(at, _)| at))
        .bind(filter.before.map_or(0, |(_, seq)| seq))
        .bind(limit)
        .fetch_one(&mut *c)
        .await?;
    let page: String = row.try_get("page")?;
    json_rows::decode::<LineRow>(&page)?
        .into_iter()
        .map(|line| {
            let outcome = Outcome::parse(&line.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("audit outcome {}", line.outcome)))?;
            Ok(LogLine {
                seq: line.seq,
                at: Timestamp::from_millis(line.at),
                actor_name: line.actor_name,
                actor_email: line.actor_email,
                actor_role: line.actor_role,
                action: line.action,
                object_type: line.object_type,
                object_id: line.object_id,
                client_name: line.client_name,
                ip: line.ip,
                outcome,
            })
        })
        .collect()
}
