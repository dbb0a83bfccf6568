//! Passkeys of accounts, and the WebAuthn ceremonies waiting for a browser's answer.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, PasskeyId};
use carespace_core::passkeys::CeremonyKind;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRow {
    pub id: PasskeyId,
    pub account_id: AccountId,
    pub name: String,
    /// Base64url.
    pub credential_id: String,
    /// JSON, as the WebAuthn library serialises it.
    pub credential: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, account_id, name, credential_id, credential, created_at, last_used_at";

fn passkey(row: &AnyRow) -> StoreResult<PasskeyRow> {
    Ok(PasskeyRow {
        id: decode::id(row, "id")?,
        account_id: decode::id(row, "account_id")?,
        name: row.try_get("name")?,
        credential_id: row.try_get("credential_id")?,
        credential: row.try_get("credential")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_used_at: row
            .try_get::<Option<i64>, _>("last_used_at")?
            .map(Timestamp::from_millis),
    })
}

/// Stores a new passkey; false when its credential is registered already (to anyone).
pub async fn insert(ex: impl Into<Exec<'_>>, row: &PasskeyRow) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "INSERT INTO passkeys (id, account_id, name, credential_id, credential, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(row.id.as_str())
    .bind(row.account_id.as_str())
    .bind(&row.name)
    .bind(&row.credential_id)
    .bind(&row.credential)
    .bind(row.created_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The account's passkeys, oldest first. An account has a handful at most.
pub async fn of_account(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
) -> StoreResult<Vec<PasskeyRow>> {
    let mut c = conn(ex).await?;
    let sql =
        format!("SELECT {COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY created_at, id");
    let rows = sqlx::query(&sql)
        .bind(account.as_str())
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(passkey).collect()
}

/// Records a use: the credential as updated (its signature counter) and when.
pub async fn record_use(
    ex: impl Into<Exec<'_>>,
    id: &PasskeyId,
    credential: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1")
        .bind(id.as_str())
        .bind(credential)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Renames one of the account's passkeys; false when it has no such passkey.
pub async fn rename(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    id: &PasskeyId,
    name: &str,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("UPDATE passkeys SET name = $3 WHERE id = $1 AND account_id = $2")
        .bind(id.as_str())
        .bind(account.as_str())
        .bind(name)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes one of the account's passkeys; false when it has no such passkey.
pub async fn remove(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    id: &PasskeyId,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND account_id = $2")
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes every passkey of the account.
pub(crate) async fn remove_all(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM passkeys WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A ceremony waiting for the browser's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeremonyRow {
    pub kind: CeremonyKind,
    pub account_id: Option<AccountId>,
    pub name: Option<String>,
    /// JSON, as the WebAuthn library serialises it.
    pub state: String,
    pub expires_at: Timestamp,
}

pub async fn insert_ceremony(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    ceremony: &CeremonyRow,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO passkey_ceremonies
         (token_hash, kind, account_id, name, state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(ceremony.kind.code())
    .bind(ceremony.account_id.as_ref().map(AccountId::as_str))
    .bind(ceremony.name.as_deref())
    .bind(&ceremony.state)
    .bind(now.millis())
    .bind(ceremony.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Takes a ceremony of `kind`: it is removed, so an answer is accepted once. An expired one is
/// taken too, and the caller refuses it.
pub async fn take_ceremony(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    kind: CeremonyKind,
) -> StoreResult<Option<CeremonyRow>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "DELETE FROM passkey_ceremonies WHERE token_hash = $1 AND kind = $2
         RETURNING account_id, name, state, expires_at",
    )
    .bind(token_hash)
    .bind(kind.code())
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| {
        Ok(CeremonyRow {
            kind,
            account_id: decode::optional_id(&row, "account_id")?,
            name: row.try_get("name")?,
            state: row.try_get("state")?,
            expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
        })
    })
    .transpose()
}

/// Ends every ceremony of the account (its access or its factors were reset).
pub async fn end_ceremonies_of(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM passkey_ceremonies WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}
