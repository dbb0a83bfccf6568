//! Healthspaces and their aliases.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::healthspaces::{HealthspaceSettings, HealthspaceState};
use carespace_core::ids::{AccountId, HealthspaceId, OrganisationId};
use carespace_core::memberships::Role;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthspaceRow {
    pub id: HealthspaceId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub alias: String,
    pub state: HealthspaceState,
    pub address: String,
    pub settings: HealthspaceSettings,
    /// Changes with every change to the row; versions the brand stylesheet and logo URLs.
    pub updated_at: i64,
}

const COLUMNS: &str = "id, organisation_id, name, alias, state, address, welcome_html, \
    opening_hours, logo_id, brand_primary, brand_primary_text, staff_connect_self, clients_two_step, updated_at";

fn from_row(row: &AnyRow) -> StoreResult<HealthspaceRow> {
    from_row_as(row, "")
}

/// A Healthspace from columns named `{prefix}id`, `{prefix}name` and so on.
fn from_row_as(row: &AnyRow, prefix: &str) -> StoreResult<HealthspaceRow> {
    let c = |column: &str| format!("{prefix}{column}");
    Ok(HealthspaceRow {
        id: decode::id(row, &c("id"))?,
        organisation_id: decode::id(row, &c("organisation_id"))?,
        name: row.try_get(c("name").as_str())?,
        alias: row.try_get(c("alias").as_str())?,
        state: decode::code(row, &c("state"), HealthspaceState::parse)?,
        address: row.try_get(c("address").as_str())?,
        settings: HealthspaceSettings {
            welcome_html: row.try_get(c("welcome_html").as_str())?,
            opening_hours: row.try_get(c("opening_hours").as_str())?,
            logo_id: row.try_get(c("logo_id").as_str())?,
            brand_primary: row.try_get(c("brand_primary").as_str())?,
            brand_primary_text: row.try_get(c("brand_primary_text").as_str())?,
            staff_connect_self: row.try_get::<i64, _>(c("staff_connect_self").as_str())? != 0,
            clients_two_step: row.try_get::<i64, _>(c("clients_two_step").as_str())? != 0,
        },
        updated_at: row.try_get(c("updated_at").as_str())?,
    })
}

/// Whether an alias was ever given out.
pub async fn alias_taken(ex: impl Into<Exec<'_>>, alias: &str) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM healthspace_aliases WHERE alias = $1")
        .bind(alias)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    healthspace: &HealthspaceRow,
    now: Timestamp,
) -> StoreResult<()> {
    let mut ex = ex.into();
    let mut c = conn(&mut ex).await?;
    let settings = &healthspace.settings;
    sqlx::query(
        "INSERT INTO healthspaces (id, organisation_id, name, alias, state, address, welcome_html,
         opening_hours, logo_id, brand_primary, brand_primary_text, staff_connect_self,
         clients_two_step, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(healthspace.id.as_str())
    .bind(healthspace.organisation_id.as_str())
    .bind(&healthspace.name)
    .bind(&healthspace.alias)
    .bind(healthspace.state.code())
    .bind(&healthspace.address)
    .bind(&settings.welcome_html)
    .bind(&settings.opening_hours)
    .bind(&settings.logo_id)
    .bind(&settings.brand_primary)
    .bind(&settings.brand_primary_text)
    .bind(i64::from(settings.staff_connect_self))
    .bind(i64::from(settings.clients_two_step))
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    drop(c);
    claim_alias(ex, &healthspace.alias, &healthspace.id, now).await
}

async fn claim_alias(
    ex: impl Into<Exec<'_>>,
    alias: &str,
    healthspace_id: &HealthspaceId,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO healthspace_aliases (alias, healthspace_id, claimed_at) VALUES ($1, $2, $3)",
    )
    .bind(alias)
    .bind(healthspace_id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Gives a Healthspace a new alias; the old one stays claimed and leads to it.
pub async fn change_alias(
    ex: impl Into<Exec<'_>>,
    healthspace_id: &HealthspaceId,
    alias: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut ex = ex.into();
    claim_alias(&mut ex, alias, healthspace_id, now).await?;
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE healthspaces SET alias = $2, updated_at = $3 WHERE id = $1")
        .bind(healthspace_id.as_str())
        .bind(alias)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn set_state(
    ex: impl Into<Exec<'_>>,
    id: &HealthspaceId,
    state: HealthspaceState,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE healthspaces SET state = $2, updated_at = $3 WHERE id = $1")
        .bind(id.as_str())
        .bind(state.code())
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Takes the row lock of the Healthspace at (current) `alias` for the rest of the transaction,
/// changing nothing. Use cases that change who is a member in which role, or who is connected
/// to whom, take it before they read their facts, so they happen one after the other: two admins
/// demoting each other cannot leave none, and a connection cannot be made to someone whose role
/// is changing.
pub async fn lock_by_alias(ex: impl Into<Exec<'_>>, alias: &str) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE healthspaces SET updated_at = updated_at WHERE alias = $1")
        .bind(alias)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Stores the name, address and settings (the logo apart: see [`set_logo`]).
pub async fn update_settings(
    ex: impl Into<Exec<'_>>,
    id: &HealthspaceId,
    name: &str,
    address: &str,
    settings: &HealthspaceSettings,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE healthspaces SET name = $2, address = $3, welcome_html = $4, opening_hours = $5,
         brand_primary = $6, brand_primary_text = $7, staff_connect_self = $8, clients_two_step = $9,
         updated_at = $10
         WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(name)
    .bind(address)
    .bind(&settings.welcome_html)
    .bind(&settings.opening_hours)
    .bind(&settings.brand_primary)
    .bind(&settings.brand_primary_text)
    .bind(i64::from(settings.staff_connect_self))
    .bind(i64::from(settings.clients_two_step))
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn set_logo(
    ex: impl Into<Exec<'_>>,
    id: &HealthspaceId,
    logo_id: Option<&str>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE healthspaces SET logo_id = $2, updated_at = $3 WHERE id = $1")
        .bind(id.as_str())
        .bind(logo_id)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// How many Healthspaces use a stored logo file, before it may be deleted.
pub async fn logo_users(ex: impl Into<Exec<'_>>, logo_id: &str) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM healthspaces WHERE logo_id = $1")
        .bind(logo_id)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get("n")?)
}

pub async fn find(
    ex: impl Into<Exec<'_>>,
    id: &HealthspaceId,
) -> StoreResult<Option<HealthspaceRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM healthspaces WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The Healthspace an alias leads to, current or old.
pub async fn find_by_any_alias(
    ex: impl Into<Exec<'_>>,
    alias: &str,
) -> StoreResult<Option<HealthspaceRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT h.{} FROM healthspaces h JOIN healthspace_aliases a ON a.healthspace_id = h.id
         WHERE a.alias = $1",
        COLUMNS.replace(", ", ", h.")
    );
    let row = sqlx::query(&sql)
        .bind(alias)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A Healthspace with what the policy needs to know about one account there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthspaceWithActor {
    pub healthspace: HealthspaceRow,
    /// The account's role there while its membership is active.
    pub role: Option<Role>,
    /// Whether the account owns the Healthspace's organisation.
    pub owns_organisation: bool,
}

/// The Healthspace an alias leads to (current or old) with the account's active roles there
/// and whether it owns the organisation, in one query: what every page of a Healthspace reads
/// before its own content.
pub async fn with_actor_facts(
    ex: impl Into<Exec<'_>>,
    alias: &str,
    account_id: &AccountId,
) -> StoreResult<Option<HealthspaceWithActor>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(&WITH_ACTOR_FACTS_SQL)
        .bind(alias)
        .bind(account_id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    match row {
        Some(row) => with_actor_from_row(&row, ""),
        None => Ok(None),
    }
}

/// The query of [`with_actor_facts`]: one row, as an account has at most one active
/// membership per Healthspace; built once.
static WITH_ACTOR_FACTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}
         FROM healthspace_aliases a
         JOIN healthspaces h ON h.id = a.healthspace_id
         LEFT JOIN memberships m
             ON m.healthspace_id = h.id AND m.account_id = $2 AND m.state = 'active'
         WHERE a.alias = $1",
        with_actor_columns("", "$2")
    )
});

/// The columns of a [`HealthspaceWithActor`] in a query that joins the Healthspace as `h` and
/// the account's active membership there as `m` (a left join); `account` is the SQL of the
/// account's id. Each is named `{prefix}…`, so that they can share a row with other tables'.
pub(crate) fn with_actor_columns(prefix: &str, account: &str) -> String {
    let healthspace = COLUMNS
        .split(',')
        .map(|column| format!("h.{0} AS {prefix}{0}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{healthspace}, m.role AS {prefix}actor_role,
         (SELECT COUNT(*) FROM organisation_owners o
          WHERE o.organisation_id = h.organisation_id AND o.account_id = {account})
             AS {prefix}actor_owns"
    )
}

/// The [`HealthspaceWithActor`] of [`with_actor_columns`]; `None` when the join found no
/// Healthspace.
pub(crate) fn with_actor_from_row(
    row: &AnyRow,
    prefix: &str,
) -> StoreResult<Option<HealthspaceWithActor>> {
    let column = |name: &str| format!("{prefix}{name}");
    if row
        .try_get::<Option<String>, _>(column("id").as_str())?
        .is_none()
    {
        return Ok(None);
    }
    let role = row.try_get::<Option<String>, _>(column("actor_role").as_str())?;
    let role = role
        .map(|r| Role::parse(&r).map_err(|_| crate::StoreError::Corrupt(format!("role = {r:?}"))))
        .transpose()?;
    Ok(Some(HealthspaceWithActor {
        healthspace: from_row_as(row, prefix)?,
        role,
        owns_organisation: row.try_get::<i64, _>(column("actor_owns").as_str())? > 0,
    }))
}

pub async fn of_organisation(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
) -> StoreResult<Vec<HealthspaceRow>> {
    let mut c = conn(ex).await?;
    let sql =
        format!("SELECT {COLUMNS} FROM healthspaces WHERE organisation_id = $1 ORDER BY name, id");
    let rows = sqlx::query(&sql)
        .bind(organisation_id.as_str())
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}
