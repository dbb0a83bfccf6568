//! What the privacy statement reads from the database: who is responsible for the data in
//! each Healthspace a person belongs to.

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use sqlx::Row;

/// A Healthspace the account is an active member of, and the organisation that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRow {
    pub healthspace: String,
    pub organisation: String,
}

/// The Healthspaces of the account's active memberships, whatever their state (an inactive
/// Healthspace keeps its memberships and their data), with their organisations; by
/// organisation and Healthspace name, at most `limit`.
pub async fn providers_of(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    limit: i64,
) -> StoreResult<Vec<ProviderRow>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT h.name AS healthspace, o.name AS organisation
         FROM memberships m
         JOIN healthspaces h ON h.id = m.healthspace_id
         JOIN organisations o ON o.id = h.organisation_id
         WHERE m.account_id = $1 AND m.state = 'active'
         ORDER BY o.name, h.name, h.id
         LIMIT $2",
    )
    .bind(account_id.as_str())
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ProviderRow {
                healthspace: row.try_get("healthspace")?,
                organisation: row.try_get("organisation")?,
            })
        })
        .collect()
}
