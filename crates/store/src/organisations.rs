//! Organisations and their owners.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, OrganisationId};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: OrganisationId,
    pub name: String,
    pub address: String,
    pub billing_address: String,
}

fn from_row(row: &AnyRow) -> StoreResult<OrganisationRow> {
    Ok(OrganisationRow {
        id: decode::id(row, "id")?,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        billing_address: row.try_get("billing_address")?,
    })
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    organisation: &OrganisationRow,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO organisations (id, name, address, billing_address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(organisation.id.as_str())
    .bind(&organisation.name)
    .bind(&organisation.address)
    .bind(&organisation.billing_address)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn update(
    ex: impl Into<Exec<'_>>,
    organisation: &OrganisationRow,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE organisations SET name = $2, address = $3, billing_address = $4, updated_at = $5
         WHERE id = $1",
    )
    .bind(organisation.id.as_str())
    .bind(&organisation.name)
    .bind(&organisation.address)
    .bind(&organisation.billing_address)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Adds an owner by address; false when the address already is one.
pub async fn add_owner(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
    email: &str,
    account_id: Option<&AccountId>,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "INSERT INTO organisation_owners (organisation_id, email, account_id, added_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, email) DO NOTHING",
    )
    .bind(organisation_id.as_str())
    .bind(email)
    .bind(account_id.map(AccountId::as_str))
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Links ownerships waiting for `email` to the account that has just logged in with it, verified.
pub async fn link_owner(
    ex: impl Into<Exec<'_>>,
    email: &str,
    account_id: &AccountId,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE organisation_owners SET account_id = $2 WHERE email = $1 AND account_id IS NULL",
    )
    .bind(email)
    .bind(account_id.as_str())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}

/// The organisations the account owns, by name.
pub async fn owned_by(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
) -> StoreResult<Vec<OrganisationRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.address, o.billing_address FROM organisations o
         JOIN organisation_owners w ON w.organisation_id = o.id
         WHERE w.account_id = $1 ORDER BY o.name, o.id",
    )
    .bind(account_id.as_str())
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn is_owner(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
    account_id: &AccountId,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM organisation_owners WHERE organisation_id = $1 AND account_id = $2",
    )
    .bind(organisation_id.as_str())
    .bind(account_id.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn owns_any(ex: impl Into<Exec<'_>>, account_id: &AccountId) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM organisation_owners WHERE account_id = $1")
        .bind(account_id.as_str())
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn find(
    ex: impl Into<Exec<'_>>,
    id: &OrganisationId,
) -> StoreResult<Option<OrganisationRow>> {
    let mut c = conn(ex).await?;
    let row =
        sqlx::query("SELECT id, name, address, billing_address FROM organisations WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *c)
            .await?;
    row.as_ref().map(from_row).transpose()
}

/// Grants (`Some(now)`) or revokes (`None`) the operator role; false when there is no such account.
pub async fn set_operator(
    ex: impl Into<Exec<'_>>,
    email: &str,
    since: Option<Timestamp>,
) -> StoreResult<Option<AccountId>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("UPDATE accounts SET operator_since = $2 WHERE email = $1 RETURNING id")
        .bind(email)
        .bind(since.map(Timestamp::millis))
        .fetch_optional(&mut *c)
        .await?;
    row.map(|row| decode::id(&row, "id")).transpose()
}

/// An owner as the organisation page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRow {
    pub email: String,
    /// `None` until a verified account with the address logs in.
    pub account_id: Option<AccountId>,
    pub full_name: Option<String>,
}

/// The organisation's owners by email address.
pub async fn owners_of(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
) -> StoreResult<Vec<OwnerRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT o.email, o.account_id, a.full_name FROM organisation_owners o
         LEFT JOIN accounts a ON a.id = o.account_id
         WHERE o.organisation_id = $1 ORDER BY o.email",
    )
    .bind(organisation_id.as_str())
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OwnerRow {
                email: row.try_get("email")?,
                account_id: decode::optional_id(row, "account_id")?,
                full_name: row.try_get("full_name")?,
            })
        })
        .collect()
}

/// Takes the organisation's row lock for the rest of the transaction, so that changes to its
/// owners happen one after the other (two owners removing each other cannot leave none).
pub async fn lock(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE organisations SET updated_at = $2 WHERE id = $1")
        .bind(organisation_id.as_str())
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Owners with an account (not merely an address waiting for one).
pub async fn count_linked_owners(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM organisation_owners
         WHERE organisation_id = $1 AND account_id IS NOT NULL",
    )
    .bind(organisation_id.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

pub async fn remove_owner(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
    email: &str,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done =
        sqlx::query("DELETE FROM organisation_owners WHERE organisation_id = $1 AND email = $2")
            .bind(organisation_id.as_str())
            .bind(email)
            .execute(&mut *c)
            .await?;
    Ok(done.rows_affected() > 0)
}
