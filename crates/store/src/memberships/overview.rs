//! The members page of a Healthspace in one query and one row: a page of its members and its
//! pending invitations, each aggregated into a JSON array (see [`json_rows`]).

use super::invitations::InvitationRow;
use super::{MemberRow, MembershipRow};
use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::exec::{Exec, conn};
use crate::json_rows;
use carespace_core::ids::{HealthspaceId, Id};
use carespace_core::memberships::{MemberFilter, MembershipState, Role};
use carespace_core::time::{Date, Timestamp};
use serde::Deserialize;
use sqlx::Row;
use std::sync::LazyLock;

/// What the members page lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// As [`super::page`] reads them.
    pub members: Vec<MemberRow>,
    /// As [`super::invitations::pending`] reads them.
    pub pending: Vec<InvitationRow>,
}

const MEMBER_FIELDS: [&str; 11] = [
    "id",
    "healthspace_id",
    "account_id",
    "role",
    "state",
    "created_at",
    "cancelled_at",
    "cancelled_by",
    "full_name",
    "email",
    "language",
];

const INVITATION_FIELDS: [&str; 8] = [
    "id",
    "healthspace_id",
    "email",
    "role",
    "birth_date",
    "invited_by",
    "expires_at",
    "failed_checks",
];

/// The filters and order are those of [`super::page`] and [`super::invitations::pending`].
fn overview_sql(backend: Backend) -> String {
    format!(
        "SELECT
             (SELECT {} FROM (
                  SELECT m.id AS id, m.healthspace_id AS healthspace_id,
                         m.account_id AS account_id, m.role AS role, m.state AS state,
                         m.created_at AS created_at, m.cancelled_at AS cancelled_at,
                         m.cancelled_by AS cancelled_by, a.full_name AS full_name,
                         a.email AS email, a.language AS language
                  FROM memberships m JOIN accounts a ON a.id = m.account_id
                  WHERE m.healthspace_id = $1
                    AND ($2 = '' OR m.role = $2)
                    AND ($3 = '' OR m.state = $3)
                    AND ($4 = '' OR LOWER(a.full_name) LIKE $4 OR a.email LIKE $4)
                    AND m.id > $5
                  ORDER BY m.id LIMIT $6
              ) page) AS members,
             (SELECT {} FROM (
                  SELECT i.id AS id, i.healthspace_id AS healthspace_id, i.email AS email,
                         i.role AS role, i.birth_date AS birth_date, i.invited_by AS invited_by,
                         i.expires_at AS expires_at, i.failed_checks AS failed_checks,
                         i.created_at AS created_at
                  FROM invitations i
                  WHERE i.healthspace_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                  ORDER BY i.created_at DESC, i.id DESC LIMIT $7
              ) pending) AS pending",
        json_rows::array_of(backend, &MEMBER_FIELDS, "id"),
        json_rows::array_of(backend, &INVITATION_FIELDS, "created_at DESC, id DESC"),
    )
}

static SQLITE_SQL: LazyLock<String> = LazyLock::new(|| overview_sql(Backend::Sqlite));
static POSTGRES_SQL: LazyLock<String> = LazyLock::new(|| overview_sql(Backend::Postgres));

/// At most `limit` members matching `filter` and at most `pending_limit` pending invitations.
pub async fn overview(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    filter: &MemberFilter<'_>,
    limit: i64,
    pending_limit: i64,
) -> StoreResult<Overview> {
    let ex = ex.into();
    let sql: &str = match ex.backend() {
        Backend::Sqlite => &SQLITE_SQL,
        Backend::Postgres => &POSTGRES_SQL,
    };
    let mut c = conn(ex).await?;
    let row = sqlx::query(sql)
        .bind(healthspace_id.as_str())
        .bind(filter.role.map_or("", Role::code))
        .bind(filter.state.map_or("", MembershipState::code))
        .bind(super::search_pattern(filter))
        .bind(filter.after.unwrap_or(""))
        .bind(limit)
        .bind(pending_limit)
        .fetch_one(&mut *c)
        .await?;
    let members: String = row.try_get("members")?;
    let pending: String = row.try_get("pending")?;
    Ok(Overview {
        members: json_rows::decode::<MemberLine>(&members)?
            .into_iter()
            .map(MemberLine::into_row)
            .collect::<StoreResult<_>>()?,
        pending: json_rows::decode::<InvitationLine>(&pending)?
            .into_iter()
            .map(InvitationLine::into_row)
            .collect::<StoreResult<_>>()?,
    })
}

/// A member as the aggregated array holds it.
#[derive(Deserialize)]
struct MemberLine {
    id: String,
    healthspace_id: String,
    account_id: String,
    role: String,
    state: String,
    created_at: i64,
    cancelled_at: Option<i64>,
    cancelled_by: Option<String>,
    full_name: String,
    email: String,
    language: String,
}

impl MemberLine {
    fn into_row(self) -> StoreResult<MemberRow> {
        Ok(MemberRow {
            membership: MembershipRow {
                id: Id::from_stored(self.id),
                healthspace_id: Id::from_stored(self.healthspace_id),
                account_id: Id::from_stored(self.account_id),
                role: role(&self.role)?,
                state: MembershipState::parse(&self.state)
                    .ok_or_else(|| StoreError::Corrupt(format!("state = {:?}", self.state)))?,
                created_at: Timestamp::from_millis(self.created_at),
                cancelled_at: self.cancelled_at.map(Timestamp::from_millis),
                cancelled_by: self.cancelled_by.map(Id::from_stored),
            },
            full_name: self.full_name,
            email: self.email,
            language: self.language,
        })
    }
}

/// A pending invitation as the aggregated array holds it.
#[derive(Deserialize)]
struct InvitationLine {
    id: String,
    healthspace_id: String,
    email: String,
    role: String,
    birth_date: Option<String>,
    invited_by: String,
    expires_at: i64,
    failed_checks: i64,
}

impl InvitationLine {
    fn into_row(self) -> StoreResult<InvitationRow> {
        let birth_date = self
            .birth_date
            .map(|d| {
                Date::parse_iso(&d)
                    .ok_or_else(|| StoreError::Corrupt(format!("invitations.birth_date = {d:?}")))
            })
            .transpose()?;
        Ok(InvitationRow {
            id: Id::from_stored(self.id),
            healthspace_id: Id::from_stored(self.healthspace_id),
            email: self.email,
            role: role(&self.role)?,
            birth_date,
            invited_by: Id::from_stored(self.invited_by),
            expires_at: Timestamp::from_millis(self.expires_at),
            failed_checks: self.failed_checks,
        })
    }
}

fn role(code: &str) -> StoreResult<Role> {
    Role::parse(code).map_err(|_| StoreError::Corrupt(format!("role = {code:?}")))
}
