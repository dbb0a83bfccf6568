//! Healthspaces and their aliases.

use crate::db::Db;
use crate::error::StoreResult;
use crate::tx::Tx;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthspaceRow {
    pub id: String,
    pub organisation_id: String,
    pub name: String,
    pub alias: String,
    pub state: String,
    pub address: String,
}

const COLUMNS: &str = "id, organisation_id, name, alias, state, address";

fn from_row(row: &AnyRow) -> StoreResult<HealthspaceRow> {
    Ok(HealthspaceRow {
        id: row.try_get("id")?,
        organisation_id: row.try_get("organisation_id")?,
        name: row.try_get("name")?,
        alias: row.try_get("alias")?,
        state: row.try_get("state")?,
        address: row.try_get("address")?,
    })
}

/// Whether an alias was ever given out.
pub async fn alias_taken(tx: &mut Tx, alias: &str) -> StoreResult<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM healthspace_aliases WHERE alias = $1")
        .bind(alias)
        .fetch_one(tx.conn())
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn insert(tx: &mut Tx, healthspace: &HealthspaceRow, now: Timestamp) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO healthspaces (id, organisation_id, name, alias, state, address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&healthspace.id)
    .bind(&healthspace.organisation_id)
    .bind(&healthspace.name)
    .bind(&healthspace.alias)
    .bind(&healthspace.state)
    .bind(&healthspace.address)
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    claim_alias(tx, &healthspace.alias, &healthspace.id, now).await
}

async fn claim_alias(
    tx: &mut Tx,
    alias: &str,
    healthspace_id: &str,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO healthspace_aliases (alias, healthspace_id, claimed_at) VALUES ($1, $2, $3)",
    )
    .bind(alias)
    .bind(healthspace_id)
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Gives a Healthspace a new alias; the old one stays claimed and leads to it.
pub async fn change_alias(
    tx: &mut Tx,
    healthspace_id: &str,
    alias: &str,
    now: Timestamp,
) -> StoreResult<()> {
    claim_alias(tx, alias, healthspace_id, now).await?;
    sqlx::query("UPDATE healthspaces SET alias = $2, updated_at = $3 WHERE id = $1")
        .bind(healthspace_id)
        .bind(alias)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_state(tx: &mut Tx, id: &str, state: &str, now: Timestamp) -> StoreResult<()> {
    sqlx::query("UPDATE healthspaces SET state = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(state)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn find(db: &Db, id: &str) -> StoreResult<Option<HealthspaceRow>> {
    let sql = format!("SELECT {COLUMNS} FROM healthspaces WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()
}

/// The Healthspace an alias leads to, current or old.
pub async fn find_by_any_alias(db: &Db, alias: &str) -> StoreResult<Option<HealthspaceRow>> {
    let sql = format!(
        "SELECT h.{} FROM healthspaces h JOIN healthspace_aliases a ON a.healthspace_id = h.id
         WHERE a.alias = $1",
        COLUMNS.replace(", ", ", h.")
    );
    let row = sqlx::query(&sql)
        .bind(alias)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn of_organisation(db: &Db, organisation_id: &str) -> StoreResult<Vec<HealthspaceRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM healthspaces WHERE organisation_id = $1 ORDER BY name, id");
    let rows = sqlx::query(&sql)
        .bind(organisation_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}
