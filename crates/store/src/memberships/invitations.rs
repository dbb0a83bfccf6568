//! Invitations into a Healthspace with a role, by email; only the token's hash is stored. At
//! most one is open (not accepted, not revoked) per address and Healthspace: a partial unique
//! index holds it, and a new invitation closes the old one first.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, HealthspaceId, InvitationId};
use carespace_core::memberships::Role;
use carespace_core::time::{Date, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub healthspace_id: HealthspaceId,
    pub email: String,
    pub role: Role,
    pub birth_date: Option<Date>,
    pub invited_by: AccountId,
    pub expires_at: Timestamp,
    /// Wrong dates of birth entered so far (a new invitation starts at none).
    pub failed_checks: i64,
}

pub async fn insert(
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
    .bind(invitation.id.as_str())
    .bind(token_hash)
    .bind(invitation.healthspace_id.as_str())
    .bind(&invitation.email)
    .bind(invitation.role.code())
    .bind(invitation.birth_date.map(|d| d.to_string()))
    .bind(invitation.invited_by.as_str())
    .bind(now.millis())
    .bind(invitation.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

const COLUMNS: &str = "i.id, i.healthspace_id, i.email, i.role, i.birth_date, i.invited_by, \
                       i.expires_at, i.failed_checks";

fn from_row(row: &AnyRow) -> StoreResult<InvitationRow> {
    Ok(InvitationRow {
        id: decode::id(row, "id")?,
        healthspace_id: decode::id(row, "healthspace_id")?,
        email: row.try_get("email")?,
        role: decode::role(row, "role")?,
        birth_date: row
            .try_get::<Option<String>, _>("birth_date")?
            .map(|d| {
                Date::parse_iso(&d).ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("invitations.birth_date = {d:?}"))
                })
            })
            .transpose()?,
        invited_by: decode::id(row, "invited_by")?,
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
        failed_checks: row.try_get("failed_checks")?,
    })
}

/// An open invitation (not accepted, revoked or expired) by its token's hash.
pub async fn open_by_token(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    open_where(ex, "token_hash", token_hash, now).await
}

/// An invitation by id, while it is still open.
pub async fn open_by_id(
    ex: impl Into<Exec<'_>>,
    id: &InvitationId,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    open_where(ex, "id", id.as_str(), now).await
}

async fn open_where(
    ex: impl Into<Exec<'_>>,
    column: &str,
    value: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationRow>> {
    let mut c = conn(ex).await?;
    // `column` is one of the two constants above, never input.
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations i
         WHERE i.{column} = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
           AND i.expires_at > $2"
    );
    let row = sqlx::query(&sql)
        .bind(value)
        .bind(now.millis())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Invitations of a Healthspace not accepted nor revoked (expired ones included, so they can
/// be sent again), newest first, at most `limit`.
pub async fn pending(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    limit: i64,
) -> StoreResult<Vec<InvitationRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations i
         WHERE i.healthspace_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
         ORDER BY i.created_at DESC, i.id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(healthspace_id.as_str())
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A pending (not accepted, not revoked) invitation of the Healthspace, expired or not.
pub async fn find_pending(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    id: &InvitationId,
) -> StoreResult<Option<InvitationRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations i
         WHERE i.id = $1 AND i.healthspace_id = $2 AND i.accepted_at IS NULL
           AND i.revoked_at IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(healthspace_id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Open invitations (not accepted, revoked or expired) addressed to `email`, with their
/// Healthspace's name, newest first, at most `limit`.
pub async fn open_for_email(
    ex: impl Into<Exec<'_>>,
    email: &str,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<(InvitationRow, String)>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS}, h.name AS healthspace_name
         FROM invitations i JOIN healthspaces h ON h.id = i.healthspace_id
         WHERE i.email = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
           AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(email)
        .bind(now.millis())
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| Ok((from_row(row)?, row.try_get("healthspace_name")?)))
        .collect()
}

/// Revokes a pending invitation; its link and reminders stop working.
pub async fn revoke(
    ex: impl Into<Exec<'_>>,
    id: &InvitationId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Closes the pending invitation to `email` in the Healthspace, expired or not, so a new one
/// can be stored; returns the closed one's id. Openness cannot depend on the clock inside a
/// unique index, so an expired invitation stays "pending" until this closes it.
pub async fn close_pending_for(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    email: &str,
    now: Timestamp,
) -> StoreResult<Option<InvitationId>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "UPDATE invitations SET revoked_at = $3
         WHERE healthspace_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(healthspace_id.as_str())
    .bind(email)
    .bind(now.millis())
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(|r| decode::id(r, "id")).transpose()
}

/// Counts a wrong date of birth entered for the invitation; returns how many there are now.
pub async fn count_failed_check(ex: impl Into<Exec<'_>>, id: &InvitationId) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "UPDATE invitations SET failed_checks = failed_checks + 1 WHERE id = $1
         RETURNING failed_checks",
    )
    .bind(id.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("failed_checks")?)
}

/// Revokes every pending invitation of the Healthspace (expired ones too); returns their ids.
pub async fn close_all_pending(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    now: Timestamp,
) -> StoreResult<Vec<InvitationId>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "UPDATE invitations SET revoked_at = $2
         WHERE healthspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(healthspace_id.as_str())
    .bind(now.millis())
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| decode::id(r, "id")).collect()
}

/// Marks an open invitation accepted; false when someone was first (or it closed meanwhile).
pub async fn accept(
    ex: impl Into<Exec<'_>>,
    id: &InvitationId,
    account_id: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $3, accepted_by = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(id.as_str())
    .bind(account_id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}
