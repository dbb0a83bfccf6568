//! Whom an account may write to, per Healthspace where it is a member of an active Healthspace:
//! a client the staff connected to them; staff and admins their connected clients and their
//! colleagues. The policy decides on the kind of each (`policy::Counterpart`).

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, HealthspaceId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What someone is to the account, as the query finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    ConnectedStaff,
    ConnectedClient,
    Colleague,
}

impl Relation {
    fn parse(code: &str) -> Option<Relation> {
        match code {
            "connected_staff" => Some(Relation::ConnectedStaff),
            "connected_client" => Some(Relation::ConnectedClient),
            "colleague" => Some(Relation::Colleague),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterpartRow {
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub healthspace_alias: String,
    pub account_id: AccountId,
    pub full_name: String,
    pub relation: Relation,
}

/// Everyone `account` may write to (at most `limit`), or with `only`, those of one Healthspace
/// and account ids; by Healthspace and name.
pub async fn of(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    only: Option<(&HealthspaceId, &AccountId)>,
    limit: i64,
) -> StoreResult<Vec<CounterpartRow>> {
    let mut c = conn(ex).await?;
    let (hs, other) = only.unzip();
    let rows = sqlx::query(
        "SELECT x.healthspace_id, h.name AS healthspace_name, h.alias AS healthspace_alias,
                x.account_id, a.full_name, x.relation
         FROM (
             SELECT k.healthspace_id, k.staff_account_id AS account_id,
                    'connected_staff' AS relation
             FROM connections k
             JOIN memberships mine ON mine.account_id = k.client_account_id
                 AND mine.healthspace_id = k.healthspace_id AND mine.state = 'active'
                 AND mine.role = 'client'
             JOIN memberships theirs ON theirs.account_id = k.staff_account_id
                 AND theirs.healthspace_id = k.healthspace_id AND theirs.state = 'active'
                 AND theirs.role IN ('staff', 'admin')
             WHERE k.client_account_id = $1 AND k.ended_at IS NULL
             UNION ALL
             SELECT k.healthspace_id, k.client_account_id, 'connected_client'
             FROM connections k
             JOIN memberships mine ON mine.account_id = k.staff_account_id
                 AND mine.healthspace_id = k.healthspace_id AND mine.state = 'active'
                 AND mine.role IN ('staff', 'admin')
             JOIN memberships theirs ON theirs.account_id = k.client_account_id
                 AND theirs.healthspace_id = k.healthspace_id AND theirs.state = 'active'
                 AND theirs.role = 'client'
             WHERE k.staff_account_id = $1 AND k.ended_at IS NULL
             UNION ALL
             SELECT theirs.healthspace_id, theirs.account_id, 'colleague'
             FROM memberships mine
             JOIN memberships theirs ON theirs.healthspace_id = mine.healthspace_id
                 AND theirs.state = 'active' AND theirs.role IN ('staff', 'admin')
                 AND theirs.account_id <> mine.account_id
             WHERE mine.account_id = $1 AND mine.state = 'active'
               AND mine.role IN ('staff', 'admin')
         ) x
         JOIN healthspaces h ON h.id = x.healthspace_id AND h.state = 'active'
         JOIN accounts a ON a.id = x.account_id
         WHERE ($2 IS NULL OR (x.healthspace_id = $2 AND x.account_id = $3))
         ORDER BY h.name, x.healthspace_id, a.full_name, x.account_id
         LIMIT $4",
    )
    .bind(account.as_str())
    .bind(hs.map(HealthspaceId::as_str))
    .bind(other.map(AccountId::as_str))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> StoreResult<CounterpartRow> {
    Ok(CounterpartRow {
        healthspace_id: decode::id(row, "healthspace_id")?,
        healthspace_name: row.try_get("healthspace_name")?,
        healthspace_alias: row.try_get("healthspace_alias")?,
        account_id: decode::id(row, "account_id")?,
        full_name: row.try_get("full_name")?,
        relation: decode::code(row, "relation", Relation::parse)?,
    })
}
