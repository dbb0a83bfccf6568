//! Memberships: an account's one role in a Healthspace. At most one is active per account and
//! Healthspace (a partial unique index holds it). Invitations are in [`invitations`].

pub mod invitations;
pub mod overview;

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, HealthspaceId, MembershipId, new_id};
use carespace_core::memberships::{MemberFilter, MembershipState, Role};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRow {
    pub id: MembershipId,
    pub healthspace_id: HealthspaceId,
    pub account_id: AccountId,
    pub role: Role,
    pub state: MembershipState,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub cancelled_by: Option<AccountId>,
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
        id: decode::id(row, "id")?,
        healthspace_id: decode::id(row, "healthspace_id")?,
        account_id: decode::id(row, "account_id")?,
        role: decode::role(row, "role")?,
        state: decode::code(row, "state", MembershipState::parse)?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        cancelled_at: row
            .try_get::<Option<i64>, _>("cancelled_at")?
            .map(Timestamp::from_millis),
        cancelled_by: decode::optional_id(row, "cancelled_by")?,
    })
}

pub async fn insert(ex: impl Into<Exec<'_>>, m: &MembershipRow) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO memberships (id, healthspace_id, account_id, role, state, created_at)
         VALUES ($1, $2, $3, $4, 'active', $5)",
    )
    .bind(m.id.as_str())
    .bind(m.healthspace_id.as_str())
    .bind(m.account_id.as_str())
    .bind(m.role.code())
    .bind(m.created_at.millis())
    .execute(&mut *c)
    .await?;
    start_role(&mut c, &m.id, m.role, None, m.created_at).await
}

/// Opens the membership's stretch in `role` from `now` on (`changed_by` is `None` for the role it
/// started with).
async fn start_role(
    c: &mut sqlx::AnyConnection,
    id: &MembershipId,
    role: Role,
    changed_by: Option<&AccountId>,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO membership_roles (id, membership_id, role, started_at, changed_by)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(id.as_str())
    .bind(role.code())
    .bind(now.millis())
    .bind(changed_by.map(AccountId::as_str))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Changes an active membership's role from `from` to `to`, closing the stretch in the old role;
/// false when the membership is no longer active in `from` (someone else changed it first).
pub async fn change_role(
    ex: impl Into<Exec<'_>>,
    id: &MembershipId,
    (from, to): (Role, Role),
    by: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE memberships SET role = $3 WHERE id = $1 AND state = 'active' AND role = $2",
    )
    .bind(id.as_str())
    .bind(from.code())
    .bind(to.code())
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE membership_roles SET ended_at = $2 WHERE membership_id = $1 AND ended_at IS NULL",
    )
    .bind(id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    start_role(&mut c, id, to, Some(by), now).await?;
    Ok(true)
}

/// Active admins of a Healthspace.
pub async fn count_active_admins(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships
         WHERE healthspace_id = $1 AND state = 'active' AND role = 'admin'",
    )
    .bind(healthspace_id.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

/// The account's role in a Healthspace, while its membership is active.
pub async fn active_role(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    account_id: &AccountId,
) -> StoreResult<Option<Role>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT role FROM memberships WHERE healthspace_id = $1 AND account_id = $2 AND state = 'active'",
    )
    .bind(healthspace_id.as_str())
    .bind(account_id.as_str())
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(|r| decode::role(r, "role")).transpose()
}

pub async fn find(
    ex: impl Into<Exec<'_>>,
    id: &MembershipId,
) -> StoreResult<Option<MembershipRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM memberships m WHERE m.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The account's memberships with their Healthspace's name and alias, newest first.
pub async fn of_account(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
) -> StoreResult<Vec<(MembershipRow, String, String)>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS}, h.name AS healthspace_name, h.alias AS healthspace_alias
         FROM memberships m JOIN healthspaces h ON h.id = m.healthspace_id
         WHERE m.account_id = $1 ORDER BY m.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id.as_str())
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
    id: &MembershipId,
    by: &AccountId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE memberships SET state = 'cancelled', cancelled_at = $3, cancelled_by = $2
         WHERE id = $1 AND state = 'active'",
    )
    .bind(id.as_str())
    .bind(by.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One page of a Healthspace's members: never the whole table.
pub async fn page(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
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
    let rows = sqlx::query(&sql)
        .bind(healthspace_id.as_str())
        .bind(filter.role.map_or("", Role::code))
        .bind(filter.state.map_or("", MembershipState::code))
        .bind(search_pattern(filter))
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

/// The `LIKE` pattern of the filter's search, without wildcards typed into it; empty for none.
fn search_pattern(filter: &MemberFilter<'_>) -> String {
    filter
        .search
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_default()
}

/// Existing memberships of a Healthspace (active ones; they count in seats even while the
/// Healthspace is inactive).
pub async fn count_active(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships WHERE healthspace_id = $1 AND state = 'active'",
    )
    .bind(healthspace_id.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

/// For each period `[from, to)`, the memberships that existed at some moment in it (created
/// before its end and not cancelled before its start), each counted by the role it held at the
/// period's end: the stretch in a role that started before the end and had not ended by then
/// (a membership cancelled earlier keeps its last stretch open). Deactivating a Healthspace
/// cancels none, so those count too. One grouped scan for all periods; a role's counts come in
/// the order of `periods`.
pub async fn existing_by_role(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    periods: &[(Timestamp, Timestamp)],
) -> StoreResult<Vec<(Role, Vec<i64>)>> {
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
                "SUM(CASE WHEN m.created_at < ${to} AND (m.cancelled_at IS NULL OR m.cancelled_at >= ${from})
                           AND r.started_at < ${to} AND (r.ended_at IS NULL OR r.ended_at >= ${to})
                 THEN 1 ELSE 0 END) AS p{i}"
            )
        })
        .collect();
    let sql = format!(
        "SELECT r.role, {} FROM memberships m JOIN membership_roles r ON r.membership_id = m.id
         WHERE m.healthspace_id = $1 AND m.created_at < $3
           AND (m.cancelled_at IS NULL OR m.cancelled_at >= $2)
           AND r.started_at < $3 AND (r.ended_at IS NULL OR r.ended_at >= $2)
         GROUP BY r.role",
        columns.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(healthspace_id.as_str())
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
            Ok((decode::role(row, "role")?, counts))
        })
        .collect()
}

/// A membership merged into another one of the same account and Healthspace when the rule of
/// one membership with one role arrived, not yet in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRow {
    pub membership_id: MembershipId,
    pub kept_id: MembershipId,
    pub healthspace_id: HealthspaceId,
    pub account_id: AccountId,
    pub removed_role: Role,
}

/// Merges not yet audit-logged, at most `limit`.
pub async fn unaudited_merges(ex: impl Into<Exec<'_>>, limit: i64) -> StoreResult<Vec<MergeRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT membership_id, kept_id, healthspace_id, account_id, removed_role
         FROM membership_merges WHERE audited_at IS NULL ORDER BY membership_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MergeRow {
                membership_id: decode::id(row, "membership_id")?,
                kept_id: decode::id(row, "kept_id")?,
                healthspace_id: decode::id(row, "healthspace_id")?,
                account_id: decode::id(row, "account_id")?,
                removed_role: decode::role(row, "removed_role")?,
            })
        })
        .collect()
}

/// Notes that a merge is in the audit log; false when another process noted it first.
pub async fn mark_merge_audited(
    ex: impl Into<Exec<'_>>,
    membership_id: &MembershipId,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE membership_merges SET audited_at = $2 WHERE membership_id = $1 AND audited_at IS NULL",
    )
    .bind(membership_id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}
