//! Personal access tokens for the JSON API.

use crate::db::Db;
use crate::decode;
use crate::error::{StoreError, StoreResult};
use crate::exec::{Exec, conn};
use carespace_core::healthspaces::HealthspaceLink;
use carespace_core::ids::AccountId;
use carespace_core::policy::{TokenAccess, TokenScope};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub scope: TokenScope,
}

/// A token as its owner sees it listed: with the name and alias of its one Healthspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedToken {
    pub token: ApiTokenRow,
    pub healthspace: Option<HealthspaceLink>,
}

const COLUMNS: &str = "t.id, t.account_id, t.name, t.created_at, t.expires_at, t.last_used_at, t.access, t.healthspace_id";

fn from_row(row: &AnyRow) -> StoreResult<ApiTokenRow> {
    let access: String = row.try_get("access")?;
    Ok(ApiTokenRow {
        id: row.try_get("id")?,
        account_id: decode::id(row, "account_id")?,
        name: row.try_get("name")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
        last_used_at: row
            .try_get::<Option<i64>, _>("last_used_at")?
            .map(Timestamp::from_millis),
        scope: TokenScope {
            access: TokenAccess::parse(&access)
                .map_err(|_| StoreError::Corrupt(format!("token access {access:?}")))?,
            healthspace: decode::optional_id(row, "healthspace_id")?,
        },
    })
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    token: &ApiTokenRow,
    token_hash: &str,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, account_id, name, created_at, expires_at,
                                 access, healthspace_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&token.id)
    .bind(token_hash)
    .bind(token.account_id.as_str())
    .bind(&token.name)
    .bind(token.created_at.millis())
    .bind(token.expires_at.millis())
    .bind(token.scope.access.code())
    .bind(token.scope.healthspace.as_ref().map(|id| id.as_str()))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The live (unrevoked, unexpired) token with this hash.
pub async fn find_live(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<ApiTokenRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now.millis())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn mark_used(db: &Db, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// The account's tokens that are not revoked, newest first.
pub async fn list_for_account(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
) -> StoreResult<Vec<ListedToken>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS}, h.name AS healthspace_name, h.alias AS healthspace_alias
         FROM api_tokens t LEFT JOIN healthspaces h ON h.id = t.healthspace_id
         WHERE t.account_id = $1 AND t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id.as_str())
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|row| {
            let name: Option<String> = row.try_get("healthspace_name")?;
            let alias: Option<String> = row.try_get("healthspace_alias")?;
            Ok(ListedToken {
                token: from_row(row)?,
                healthspace: name
                    .zip(alias)
                    .map(|(name, alias)| HealthspaceLink { name, alias }),
            })
        })
        .collect()
}

/// Revokes one of the account's tokens; false when it has no such live token.
pub async fn revoke(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    id: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3
         WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(account_id.as_str())
    .bind(id)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Revokes every live token of the account (its password was reset or changed); returns how
/// many.
pub async fn revoke_all(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    now: Timestamp,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account_id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}
