//! Accounts and the single-use tokens of their email links.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::time::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: AccountId,
    pub email: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub password_hash: String,
    pub language: String,
    pub phone: Option<String>,
    pub photo_id: Option<String>,
    pub email_verified_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

pub(crate) const COLUMNS: &str =
    "id, email, full_name, birth_date, password_hash, language, phone, photo_id,
                       email_verified_at, created_at";

pub(crate) fn from_row(row: &AnyRow) -> StoreResult<AccountRow> {
    Ok(AccountRow {
        id: decode::id(row, "id")?,
        email: row.try_get("email")?,
        full_name: row.try_get("full_name")?,
        birth_date: row.try_get("birth_date")?,
        password_hash: row.try_get("password_hash")?,
        language: row.try_get("language")?,
        phone: row.try_get("phone")?,
        photo_id: row.try_get("photo_id")?,
        email_verified_at: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .map(Timestamp::from_millis),
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    })
}

pub async fn insert(ex: impl Into<Exec<'_>>, account: &AccountRow) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO accounts (id, email, full_name, birth_date, password_hash, language, phone,
                               photo_id, email_verified_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(account.id.as_str())
    .bind(&account.email)
    .bind(&account.full_name)
    .bind(&account.birth_date)
    .bind(&account.password_hash)
    .bind(&account.language)
    .bind(&account.phone)
    .bind(&account.photo_id)
    .bind(account.email_verified_at.map(Timestamp::millis))
    .bind(account.created_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

async fn find_where<'e>(
    executor: impl Executor<'e, Database = Any>,
    column: &str,
    value: &str,
) -> StoreResult<Option<AccountRow>> {
    // `column` is one of two constants below, never input.
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE {column} = $1");
    let row = sqlx::query(&sql)
        .bind(value)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find(ex: impl Into<Exec<'_>>, id: &AccountId) -> StoreResult<Option<AccountRow>> {
    let mut c = conn(ex).await?;
    find_where(&mut *c, "id", id.as_str()).await
}

pub async fn find_by_email(
    ex: impl Into<Exec<'_>>,
    email: &str,
) -> StoreResult<Option<AccountRow>> {
    let mut c = conn(ex).await?;
    find_where(&mut *c, "email", email).await
}

/// What "My account" may change in one go.
#[derive(Debug, Clone)]
pub struct ProfileChange<'a> {
    pub full_name: &'a str,
    pub language: &'a str,
    pub phone: Option<&'a str>,
}

pub async fn update_profile(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    change: &ProfileChange<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE accounts SET full_name = $2, language = $3, phone = $4, updated_at = $5
         WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(change.full_name)
    .bind(change.language)
    .bind(change.phone)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Corrects the date of birth, unless it was corrected after `not_since` already; false then.
/// The condition is in the update itself, so two corrections at once cannot both pass.
pub async fn correct_birth_date(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    birth_date: &str,
    not_since: Timestamp,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE accounts SET birth_date = $2, birth_date_changed_at = $3, updated_at = $3
         WHERE id = $1 AND (birth_date_changed_at IS NULL OR birth_date_changed_at <= $4)",
    )
    .bind(id.as_str())
    .bind(birth_date)
    .bind(now.millis())
    .bind(not_since.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// When the date of birth was last corrected, if ever.
pub async fn birth_date_changed_at(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
) -> StoreResult<Option<Timestamp>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT birth_date_changed_at FROM accounts WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    Ok(row
        .map(|r| r.try_get::<Option<i64>, _>("birth_date_changed_at"))
        .transpose()?
        .flatten()
        .map(Timestamp::from_millis))
}

pub async fn set_language(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    language: &str,
    now: Timestamp,
) -> StoreResult<()> {
    set_column(ex, id, "language", Some(language), now).await
}

pub async fn set_password_hash(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    set_column(ex, id, "password_hash", Some(hash), now).await
}

pub async fn set_email(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    email: &str,
    now: Timestamp,
) -> StoreResult<()> {
    set_column(ex, id, "email", Some(email), now).await
}

pub async fn set_photo(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    photo_id: Option<&str>,
    now: Timestamp,
) -> StoreResult<()> {
    set_column(ex, id, "photo_id", photo_id, now).await
}

/// Whether the account wants an email when a message waits unread; `None` for no account.
pub async fn message_notices(ex: impl Into<Exec<'_>>, id: &AccountId) -> StoreResult<Option<bool>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT message_notices FROM accounts WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>("message_notices"))
        .transpose()?
        .map(|on| on != 0))
}

/// Turns the email notices of unread messages on or off; true when the setting changed.
pub async fn set_message_notices(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    on: bool,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE accounts SET message_notices = $2, updated_at = $3
         WHERE id = $1 AND message_notices <> $2",
    )
    .bind(id.as_str())
    .bind(i64::from(on))
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

async fn set_column(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    column: &str,
    value: Option<&str>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    // `column` is one of the constants above, never input.
    let sql = format!("UPDATE accounts SET {column} = $2, updated_at = $3 WHERE id = $1");
    sqlx::query(&sql)
        .bind(id.as_str())
        .bind(value)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn mark_verified(
    ex: impl Into<Exec<'_>>,
    id: &AccountId,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE accounts SET email_verified_at = $2, updated_at = $2
         WHERE id = $1 AND email_verified_at IS NULL",
    )
    .bind(id.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// How many accounts use the stored photo `photo_id` (photos are content-addressed, so two
/// accounts with the same picture share one file).
pub async fn photo_users(ex: impl Into<Exec<'_>>, photo_id: &str) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE photo_id = $1")
        .bind(photo_id)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get("n")?)
}

/// The purposes of email links.
pub const VERIFY_EMAIL: &str = "verify_email";
pub const RESET_PASSWORD: &str = "reset_password";
pub const CHANGE_EMAIL: &str = "change_email";

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub account_id: &'a AccountId,
    pub purpose: &'a str,
    pub new_email: Option<&'a str>,
    pub expires_at: Timestamp,
}

pub async fn insert_token(
    ex: impl Into<Exec<'_>>,
    token: &NewToken<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, account_id, purpose, new_email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.token_hash)
    .bind(token.account_id.as_str())
    .bind(token.purpose)
    .bind(token.new_email)
    .bind(now.millis())
    .bind(token.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A token that was just used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedToken {
    pub account_id: AccountId,
    pub new_email: Option<String>,
}

/// Marks an unused, unexpired token of `purpose` as used and returns what it was for; `None`
/// when there is no such token (unknown, used, expired — the caller cannot tell which).
pub async fn use_token(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    purpose: &str,
    now: Timestamp,
) -> StoreResult<Option<UsedToken>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "UPDATE account_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING account_id, new_email",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(now.millis())
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| {
        Ok(UsedToken {
            account_id: decode::id(&row, "account_id")?,
            new_email: row.try_get("new_email")?,
        })
    })
    .transpose()
}

/// The account of an unused, unexpired token, without using it (to show the form behind a link).
pub async fn token_account(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    purpose: &str,
    now: Timestamp,
) -> StoreResult<Option<AccountId>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT account_id FROM account_tokens
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(now.millis())
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| decode::id(&row, "account_id")).transpose()
}

/// Ends every open token of `purpose` for the account (a newer one, or the change, replaced them).
pub async fn expire_tokens(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    purpose: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE account_tokens SET used_at = $3
         WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(account_id.as_str())
    .bind(purpose)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// When the newest token of `purpose` was made for the account.
pub async fn latest_token_at(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    purpose: &str,
) -> StoreResult<Option<Timestamp>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT MAX(created_at) AS latest FROM account_tokens WHERE account_id = $1 AND purpose = $2",
    )
    .bind(account_id.as_str())
    .bind(purpose)
    .fetch_one(&mut *c)
    .await?;
    Ok(row
        .try_get::<Option<i64>, _>("latest")?
        .map(Timestamp::from_millis))
}

/// Takes the account's row lock until the transaction ends: a login deciding whether it needs
/// a second step, and a change of second factor ending every other session, then wait for
/// each other (on PostgreSQL; SQLite has one writer at a time anyway).
pub async fn lock(ex: impl Into<Exec<'_>>, id: &AccountId) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE accounts SET id = id WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}
