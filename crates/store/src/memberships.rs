//! Memberships, invitations and connections.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRow {
    pub id: String,
    pub healthspace_id: String,
    pub account_id: String,
    pub role: String,
    pub state: String,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub cancelled_by: Option<String>,
}

/// A membership with the member's name and email, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub membership: MembershipRow,
    pub full_name: String,
    pub email: String,
    pub language: String,
}

const COLUMNS: &str = "m.id, m.healthspace_id, m.account_id, m.role, m.state, m.created_at,
                       m.cancelled_at, m.cancelled_by";

fn from_row(row: &AnyRow) -> StoreResult<MembershipRow> {
    Ok(MembershipRow {
        id: row.try_get("id")?,
        healthspace_id: row.try_get("healthspace_id")?,
        account_id: row.try_get("account_id")?,
        role: row.try_get("role")?,
        state: row.try_get("state")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        cancelled_at: row
            .try_get::<Option<i64>, _>("cancelled_at")?
            .map(Timestamp::from_millis),
        cancelled_by: row.try_get("cancelled_by")?,
    })
}

pub async fn insert(ex: impl Into<Exec<'_>>, m: &MembershipRow) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO memberships (id, healthspace_id, account_id, role, state, created_at)
         VALUES ($1, $2, $3, $4, 'active', $5)",
    )
    .bind(&m.id)
    .bind(&m.healthspace_id)
    .bind(&m.account_id)
    .bind(&m.role)
    .bind(m.created_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The account's active roles in a Healthspace.
pub async fn active_roles(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    account_id: &str,
) -> StoreResult<Vec<String>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT role FROM memberships WHERE healthspace_id = $1 AND account_id = $2 AND state = 'active'",
    )
    .bind(healthspace_id)
    .bind(account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("role")?)).collect()
}

pub async fn find(ex: impl Into<Exec<'_>>, id: &str) -> StoreResult<Option<MembershipRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM memberships m WHERE m.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *c).await?;
    row.as_ref().map(from_row).transpose()
}

/// The account's memberships with their Healthspace's name and alias, newest first.
pub async fn of_account(
    ex: impl Into<Exec<'_>>,
    account_id: &str,
) -> StoreResult<Vec<(MembershipRow, String, String)>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS}, h.name AS healthspace_name, h.alias AS healthspace_alias
         FROM memberships m JOIN healthspaces h ON h.id = m.healthspace_id
         WHERE m.account_id = $1 ORDER BY m.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                from_row(row)?,
                row.try_get("healthspace_name")?,
                row.try_get("healthspace_alias")?,
            ))
        })
        .collect()
}

/// Cancels an active membership; false when it was not active.
pub async fn cancel(
    ex: impl Into<Exec<'_>>,
    id: &str,
    by: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE memberships SET state = 'cancelled', cancelled_at = $3, cancelled_by = $2
         WHERE id = $1 AND state = 'active'",
    )
    .bind(id)
    .bind(by)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// What the members list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter<'a> {
    pub role: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Part of the name or email address.
    pub search: Option<&'a str>,
    /// Keyset: only memberships after this id (they are UUIDv7, so in order of joining).
    pub after: Option<&'a str>,
}

/// One page of a Healthspace's members: never the whole table.
pub async fn page(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    filter: &MemberFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<MemberRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS}, a.full_name, a.email, a.language
         FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.healthspace_id = $1
           AND ($2 = '' OR m.role = $2)
           AND ($3 = '' OR m.state = $3)
           AND ($4 = '' OR LOWER(a.full_name) LIKE $4 OR a.email LIKE $4)
           AND m.id > $5
         ORDER BY m.id LIMIT $6"
    );
    let search = filter
        .search
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_default();
    let rows = sqlx::query(&sql)
        .bind(healthspace_id)
        .bind(filter.role.unwrap_or(""))
        .bind(filter.state.unwrap_or(""))
        .bind(search)
        .bind(filter.after.unwrap_or(""))
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(MemberRow {
                membership: from_row(row)?,
                full_name: row.try_get("full_name")?,
                email: row.try_get("email")?,
                language: row.try_get("language")?,
            })
        })
        .collect()
}

/// Existing memberships of a Healthspace (active ones; they count in seats even while the
/// Healthspace is inactive).
pub async fn count_active(ex: impl Into<Exec<'_>>, healthspace_id: &str) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships WHERE healthspace_id = $1 AND state = 'active'",
    )
    .bind(healthspace_id)
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: String,
    pub healthspace_id: String,
    pub email: String,
    pub role: String,
    pub birth_date: Option<String>,
    pub invited_by: String,
    pub expires_at: Timestamp,
}

pub async fn insert_invitation(
    ex: impl Into<Exec<'_>>,
    invitation: &InvitationRow,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, healthspace_id, email, role, birth_date, invited_by,
                                  created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&invitation.id)
    .bind(token_hash)
    .bind(&invitation.healthspace_id)
    .bind(&invitation.email)
    .bind(&invitation.role)
    .bind(&invitation.birth_date)
    .bind(&invitation.invited_by)
    .bind(now.millis())
    .bind(invitation.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

const INVITATION_COLUMNS: &str =
    "id, healthspace_id, email, role, birth_date, invited_by, expires_at";

fn invitation_from_row(row: &AnyRow) -> StoreResult<InvitationRow> {
    Ok(InvitationRow {
        id: row.try_get("id")?,
        healthspace_id: row.try_get("healthspace_id")?,
        email: row.try_get("email")?,
        role: row.try_get("role")?,
        birth_date: row.try_get("birth_date")?,
        invited_by: row.try_get("invited_by")?,
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
    })
}

/// An open invitation (not accepted, revoked or expired) by its token's hash.
pub async fn open_invitation(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    open_invitation_where(ex, "token_hash", token_hash, now).await
}

/// An invitation by id, while it is still open.
pub async fn open_invitation_by_id(
    ex: impl Into<Exec<'_>>,
    id: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    open_invitation_where(ex, "id", id, now).await
}

async fn open_invitation_where(
    ex: impl Into<Exec<'_>>,
    column: &str,
    value: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    let mut c = conn(ex).await?;
    // `column` is one of the two constants above, never input.
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations
         WHERE {column} = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
    );
    let row = sqlx::query(&sql)
        .bind(value)
        .bind(now.millis())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(invitation_from_row).transpose()
}

/// Invitations of a Healthspace not accepted nor revoked (expired ones included, so they can
/// be sent again), newest first, at most `limit`.
pub async fn pending_invitations(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    limit: i64,
) -> StoreResult<Vec<InvitationRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations
         WHERE healthspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(healthspace_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(invitation_from_row).collect()
}

/// A pending (not accepted, not revoked) invitation of the Healthspace, expired or not.
pub async fn pending_invitation(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    id: &str,
) -> StoreResult<Option<InvitationRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations
         WHERE id = $1 AND healthspace_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(healthspace_id)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(invitation_from_row).transpose()
}

/// Open invitations (not accepted, revoked or expired) addressed to `email`, with their
/// Healthspace's name, newest first, at most `limit`.
pub async fn open_invitations_for_email(
    ex: impl Into<Exec<'_>>,
    email: &str,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<(InvitationRow, String)>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {}, h.name AS healthspace_name
         FROM invitations i JOIN healthspaces h ON h.id = i.healthspace_id
         WHERE i.email = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
           AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.id DESC LIMIT $3",
        INVITATION_COLUMNS
            .split(", ")
            .map(|c| format!("i.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = sqlx::query(&sql)
        .bind(email)
        .bind(now.millis())
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| Ok((invitation_from_row(row)?, row.try_get("healthspace_name")?)))
        .collect()
}

/// Revokes a pending invitation; its link and reminders stop working.
pub async fn revoke_invitation(
    ex: impl Into<Exec<'_>>,
    id: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks an open invitation accepted; false when someone was first (or it closed meanwhile).
pub async fn accept_invitation(
    ex: impl Into<Exec<'_>>,
    id: &str,
    account_id: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $3, accepted_by = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(id)
    .bind(account_id)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub id: String,
    pub healthspace_id: String,
    pub staff_account_id: String,
    pub client_account_id: String,
    pub created_at: Timestamp,
}

pub async fn insert_connection(
    ex: impl Into<Exec<'_>>,
    connection: &ConnectionRow,
    created_by: &str,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO connections (id, healthspace_id, staff_account_id, client_account_id, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&connection.id)
    .bind(&connection.healthspace_id)
    .bind(&connection.staff_account_id)
    .bind(&connection.client_account_id)
    .bind(connection.created_at.millis())
    .bind(created_by)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A client's connections that have not ended, with the staff member's name and the
/// Healthspace's, oldest first.
pub async fn connections_of_client(
    ex: impl Into<Exec<'_>>,
    client_account_id: &str,
) -> StoreResult<Vec<(ConnectionRow, String, String)>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.healthspace_id, c.staff_account_id, c.client_account_id, c.created_at,
                a.full_name, h.name AS healthspace_name
         FROM connections c JOIN accounts a ON a.id = c.staff_account_id
         JOIN healthspaces h ON h.id = c.healthspace_id
         WHERE c.client_account_id = $1 AND c.ended_at IS NULL ORDER BY c.created_at, c.id",
    )
    .bind(client_account_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                ConnectionRow {
                    id: row.try_get("id")?,
                    healthspace_id: row.try_get("healthspace_id")?,
                    staff_account_id: row.try_get("staff_account_id")?,
                    client_account_id: row.try_get("client_account_id")?,
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
    healthspace_id: &str,
    staff: &str,
    client: &str,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM connections
         WHERE healthspace_id = $1 AND staff_account_id = $2 AND client_account_id = $3 AND ended_at IS NULL",
    )
    .bind(healthspace_id)
    .bind(staff)
    .bind(client)
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Ends the connections of a member in a Healthspace (their membership ended).
pub async fn end_connections_of(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    account_id: &str,
    by: &str,
    now: Timestamp,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE connections SET ended_at = $4, ended_by = $3
         WHERE healthspace_id = $1 AND (client_account_id = $2 OR staff_account_id = $2) AND ended_at IS NULL",
    )
    .bind(healthspace_id)
    .bind(account_id)
    .bind(by)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}

/// For each period `[from, to)`, the memberships by role that existed at some moment in it:
/// created before its end and not cancelled before its start. Deactivating a Healthspace
/// cancels none, so those count too. One grouped scan for all periods; a role's counts come
/// in the order of `periods`.
pub async fn existing_by_role(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &str,
    periods: &[(Timestamp, Timestamp)],
) -> StoreResult<Vec<(String, Vec<i64>)>> {
    let mut c = conn(ex).await?;
    let (Some(first), Some(last)) = (
        periods.iter().map(|p| p.0).min(),
        periods.iter().map(|p| p.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let columns: Vec<String> = (0..periods.len())
        .map(|i| {
            let (from, to) = (2 * i + 4, 2 * i + 5);
            format!(
                "SUM(CASE WHEN created_at < ${to} AND (cancelled_at IS NULL OR cancelled_at >= ${from})
                 THEN 1 ELSE 0 END) AS p{i}"
            )
        })
        .collect();
    let sql = format!(
        "SELECT role, {} FROM memberships
         WHERE healthspace_id = $1 AND created_at < $3
           AND (cancelled_at IS NULL OR cancelled_at >= $2)
         GROUP BY role",
        columns.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(healthspace_id)
        .bind(first.millis())
        .bind(last.millis());
    for (from, to) in periods {
        query = query.bind(from.millis()).bind(to.millis());
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.iter()
        .map(|row| {
            let counts = (0..periods.len())
                .map(|i| row.try_get::<i64, _>(format!("p{i}").as_str()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((row.try_get("role")?, counts))
        })
        .collect()
}
