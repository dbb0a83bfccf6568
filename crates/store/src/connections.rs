//! Connections: a staff member and a client inside one Healthspace. At most one is open per
//! pair (a partial unique index holds it).

use crate::accounts::{self, AccountRow};
use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, ConnectionId, HealthspaceId};
use carespace_core::time::Timestamp;
use sqlx::Row;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub id: ConnectionId,
    pub healthspace_id: HealthspaceId,
    pub staff_account_id: AccountId,
    pub client_account_id: AccountId,
    pub created_at: Timestamp,
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    connection: &ConnectionRow,
    created_by: &AccountId,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO connections (id, healthspace_id, staff_account_id, client_account_id,
                                  created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(connection.id.as_str())
    .bind(connection.healthspace_id.as_str())
    .bind(connection.staff_account_id.as_str())
    .bind(connection.client_account_id.as_str())
    .bind(connection.created_at.millis())
    .bind(created_by.as_str())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A client's connections that have not ended, with the staff member's name and the
/// Healthspace's, oldest first.
pub async fn of_client(
    ex: impl Into<Exec<'_>>,
    client_account_id: &AccountId,
) -> StoreResult<Vec<(ConnectionRow, String, String)>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.healthspace_id, c.staff_account_id, c.client_account_id, c.created_at,
                a.full_name, h.name AS healthspace_name
         FROM connections c JOIN accounts a ON a.id = c.staff_account_id
         JOIN healthspaces h ON h.id = c.healthspace_id
         WHERE c.client_account_id = $1 AND c.ended_at IS NULL ORDER BY c.created_at, c.id",
    )
    .bind(client_account_id.as_str())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                ConnectionRow {
                    id: decode::id(row, "id")?,
                    healthspace_id: decode::id(row, "healthspace_id")?,
                    staff_account_id: decode::id(row, "staff_account_id")?,
                    client_account_id: decode::id(row, "client_account_id")?,
                    created_at: Timestamp::from_millis(row.try_get("created_at")?),
                },
                row.try_get("full_name")?,
                row.try_get("healthspace_name")?,
            ))
        })
        .collect()
}

/// Whether staff and client are connected in the Healthspace now.
pub async fn is_connected(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    staff: &AccountId,
    client: &AccountId,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM connections
         WHERE healthspace_id = $1 AND staff_account_id = $2 AND client_account_id = $3
           AND ended_at IS NULL",
    )
    .bind(healthspace_id.as_str())
    .bind(staff.as_str())
    .bind(client.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Ends the connections of a member in a Healthspace, on either side (their membership ended,
/// or their role moved to the other side); each ended connection's id and client.
pub async fn end_all_of(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    member: &AccountId,
    by: &AccountId,
    now: Timestamp,
) -> StoreResult<Vec<EndedConnection>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "UPDATE connections SET ended_at = $4, ended_by = $3
         WHERE healthspace_id = $1 AND (client_account_id = $2 OR staff_account_id = $2)
           AND ended_at IS NULL
         RETURNING id, staff_account_id, client_account_id",
    )
    .bind(healthspace_id.as_str())
    .bind(member.as_str())
    .bind(by.as_str())
    .bind(now.millis())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EndedConnection {
                id: decode::id(row, "id")?,
                staff: decode::id(row, "staff_account_id")?,
                client: decode::id(row, "client_account_id")?,
            })
        })
        .collect()
}

/// A connection that was just ended, and its two people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedConnection {
    pub id: ConnectionId,
    pub staff: AccountId,
    pub client: AccountId,
}

/// The accounts of the clients a staff member is connected to in the Healthspace now.
pub async fn clients_of_staff(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    staff: &AccountId,
) -> StoreResult<Vec<AccountRow>> {
    other_side(ex, &CLIENTS_OF_STAFF_SQL, healthspace_id, staff).await
}

/// The accounts of the staff connected to a client in the Healthspace now.
pub async fn staff_of_client(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    client: &AccountId,
) -> StoreResult<Vec<AccountRow>> {
    other_side(ex, &STAFF_OF_CLIENT_SQL, healthspace_id, client).await
}

async fn other_side(
    ex: impl Into<Exec<'_>>,
    sql: &str,
    healthspace_id: &HealthspaceId,
    member: &AccountId,
) -> StoreResult<Vec<AccountRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(sql)
        .bind(healthspace_id.as_str())
        .bind(member.as_str())
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(accounts::from_row).collect()
}

static CLIENTS_OF_STAFF_SQL: LazyLock<String> =
    LazyLock::new(|| other_side_sql("client_account_id", "staff_account_id"));
static STAFF_OF_CLIENT_SQL: LazyLock<String> =
    LazyLock::new(|| other_side_sql("staff_account_id", "client_account_id"));

/// The accounts on the `wanted` side of a member's open connections in a Healthspace.
fn other_side_sql(wanted: &str, member: &str) -> String {
    let account = accounts::COLUMNS
        .split(',')
        .map(|column| format!("a.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {account} FROM connections c JOIN accounts a ON a.id = c.{wanted}
         WHERE c.healthspace_id = $1 AND c.{member} = $2 AND c.ended_at IS NULL"
    )
}

/// A connection as the Healthspace's admins see it: both people by name and email, since when,
/// and who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedConnection {
    pub id: ConnectionId,
    pub staff_name: String,
    pub staff_email: String,
    pub client_name: String,
    pub client_email: String,
    pub created_at: Timestamp,
    pub created_by_name: Option<String>,
}

/// Which open connections of a Healthspace to list; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct ConnectionFilter<'a> {
    pub staff: Option<&'a AccountId>,
    pub client: Option<&'a AccountId>,
    /// Keyset: only connections older than this `(created_at, id)`.
    pub before: Option<(i64, &'a str)>,
}

/// Open connections of a Healthspace, newest first, at most `limit`.
pub async fn of_healthspace(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    filter: &ConnectionFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<ListedConnection>> {
    let mut c = conn(ex).await?;
    // Each optional filter is "$n IS NULL OR …", so one statement serves every combination.
    let rows = sqlx::query(
        "SELECT c.id, c.created_at, s.full_name AS staff_name, s.email AS staff_email,
                k.full_name AS client_name, k.email AS client_email, b.full_name AS by_name
         FROM connections c
         JOIN accounts s ON s.id = c.staff_account_id
         JOIN accounts k ON k.id = c.client_account_id
         LEFT JOIN accounts b ON b.id = c.created_by
         WHERE c.healthspace_id = $1 AND c.ended_at IS NULL
           AND ($2 IS NULL OR c.staff_account_id = $2)
           AND ($3 IS NULL OR c.client_account_id = $3)
           AND ($4 IS NULL OR c.created_at < $4 OR (c.created_at = $4 AND c.id < $5))
         ORDER BY c.created_at DESC, c.id DESC LIMIT $6",
    )
    .bind(healthspace_id.as_str())
    .bind(filter.staff.map(AccountId::as_str))
    .bind(filter.client.map(AccountId::as_str))
    .bind(filter.before.map(|(at, _)| at))
    .bind(filter.before.map_or("", |(_, id)| id))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ListedConnection {
                id: decode::id(row, "id")?,
                staff_name: row.try_get("staff_name")?,
                staff_email: row.try_get("staff_email")?,
                client_name: row.try_get("client_name")?,
                client_email: row.try_get("client_email")?,
                created_at: Timestamp::from_millis(row.try_get("created_at")?),
                created_by_name: row.try_get("by_name")?,
            })
        })
        .collect()
}

/// Ends one open connection of the Healthspace; returns its (staff, client), or `None` when
/// there is no such open connection there.
pub async fn end(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    id: &ConnectionId,
    by: &AccountId,
    now: Timestamp,
) -> StoreResult<Option<(AccountId, AccountId)>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "UPDATE connections SET ended_at = $4, ended_by = $3
         WHERE id = $1 AND healthspace_id = $2 AND ended_at IS NULL
         RETURNING staff_account_id, client_account_id",
    )
    .bind(id.as_str())
    .bind(healthspace_id.as_str())
    .bind(by.as_str())
    .bind(now.millis())
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref()
        .map(|row| {
            Ok((
                decode::id(row, "staff_account_id")?,
                decode::id(row, "client_account_id")?,
            ))
        })
        .transpose()
}

/// A client as the staff member connected to them sees them in "My clients".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedClient {
    pub connection_id: ConnectionId,
    pub connected_at: Timestamp,
    pub client_id: AccountId,
    pub full_name: String,
    /// When the client's membership of the Healthspace began.
    pub member_since: Timestamp,
}

/// Which of a staff member's clients to list.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter<'a> {
    /// Part of the client's name.
    pub search: Option<&'a str>,
    /// Keyset: only connections older than this `(created_at, id)`.
    pub before: Option<(i64, &'a str)>,
}

/// The clients a staff member is connected to in the Healthspace, most recent connection first,
/// at most `limit`: only clients whose membership is active.
pub async fn clients_page(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    staff: &AccountId,
    filter: &ClientFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<ConnectedClient>> {
    let mut c = conn(ex).await?;
    let search = filter
        .search
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_default();
    let sql = format!(
        "{CONNECTED_CLIENT} c.healthspace_id = $1 AND c.staff_account_id = $2 AND c.ended_at IS NULL
           AND ($3 = '' OR LOWER(a.full_name) LIKE $3)
           AND ($4 IS NULL OR c.created_at < $4 OR (c.created_at = $4 AND c.id < $5))
         ORDER BY c.created_at DESC, c.id DESC LIMIT $6"
    );
    let rows = sqlx::query(&sql)
        .bind(healthspace_id.as_str())
        .bind(staff.as_str())
        .bind(search)
        .bind(filter.before.map(|(at, _)| at))
        .bind(filter.before.map_or("", |(_, id)| id))
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(client_from_row).collect()
}

/// The client, when `staff` is connected to them in the Healthspace now and their membership is
/// active.
pub async fn connected_client(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    staff: &AccountId,
    client: &AccountId,
) -> StoreResult<Option<ConnectedClient>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "{CONNECTED_CLIENT} c.healthspace_id = $1 AND c.staff_account_id = $2
           AND c.client_account_id = $3 AND c.ended_at IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(healthspace_id.as_str())
        .bind(staff.as_str())
        .bind(client.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(client_from_row).transpose()
}

/// A connection with its client and their membership, up to the conditions.
const CONNECTED_CLIENT: &str =
    "SELECT c.id, c.created_at, a.id AS client_id, a.full_name, m.created_at AS member_since
         FROM connections c
         JOIN accounts a ON a.id = c.client_account_id
         JOIN memberships m ON m.healthspace_id = c.healthspace_id
                           AND m.account_id = c.client_account_id AND m.state = 'active'
                           AND m.role = 'client'
         WHERE";

fn client_from_row(row: &sqlx::any::AnyRow) -> StoreResult<ConnectedClient> {
    Ok(ConnectedClient {
        connection_id: decode::id(row, "id")?,
        connected_at: Timestamp::from_millis(row.try_get("created_at")?),
        client_id: decode::id(row, "client_id")?,
        full_name: row.try_get("full_name")?,
        member_since: Timestamp::from_millis(row.try_get("member_since")?),
    })
}

/// The staff connected to a client in the Healthspace now, by name, with since when; oldest
/// connection first.
pub async fn staff_names_of_client(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    client: &AccountId,
) -> StoreResult<Vec<(String, Timestamp)>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT a.full_name, c.created_at FROM connections c
         JOIN accounts a ON a.id = c.staff_account_id
         WHERE c.healthspace_id = $1 AND c.client_account_id = $2 AND c.ended_at IS NULL
         ORDER BY c.created_at, c.id",
    )
    .bind(healthspace_id.as_str())
    .bind(client.as_str())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("full_name")?,
                Timestamp::from_millis(row.try_get("created_at")?),
            ))
        })
        .collect()
}
