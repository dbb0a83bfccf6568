//! Text-message codes: the number an account's codes go to (`sms_factors`, one in use and one
//! waiting for its first code) and the codes sent (`sms_codes`, by hash, with their tries).

use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::AccountId;
use carespace_core::sms::SmsPurpose;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsFactorRow {
    pub id: String,
    /// International form, as `PhoneNumber` wrote it.
    pub phone: String,
    pub confirmed_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

fn factor_of_row(row: &AnyRow) -> StoreResult<SmsFactorRow> {
    let millis = |name: &str| -> StoreResult<Option<Timestamp>> {
        Ok(row
            .try_get::<Option<i64>, _>(name)?
            .map(Timestamp::from_millis))
    };
    Ok(SmsFactorRow {
        id: row.try_get("id")?,
        phone: row.try_get("phone")?,
        confirmed_at: millis("confirmed_at")?,
        last_used_at: millis("last_used_at")?,
    })
}

/// The account's number in use (`confirmed`) or the one waiting for its first code.
pub async fn factor_of(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    confirmed: bool,
) -> StoreResult<Option<SmsFactorRow>> {
    let mut c = conn(ex).await?;
    let sql = if confirmed {
        "SELECT id, phone, confirmed_at, last_used_at FROM sms_factors
         WHERE account_id = $1 AND confirmed_at IS NOT NULL"
    } else {
        "SELECT id, phone, confirmed_at, last_used_at FROM sms_factors
         WHERE account_id = $1 AND confirmed_at IS NULL"
    };
    let row = sqlx::query(sql)
        .bind(account.as_str())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(factor_of_row).transpose()
}

/// A new number waiting for its first code, in place of one waiting before (whose row it
/// takes over, so the codes sent to that one still count against the hour); its id.
pub async fn start_factor(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    phone: &str,
    now: Timestamp,
) -> StoreResult<String> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "INSERT INTO sms_factors (id, account_id, phone, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) WHERE confirmed_at IS NULL
         DO UPDATE SET phone = excluded.phone, created_at = excluded.created_at
         RETURNING id",
    )
    .bind(carespace_core::ids::new_id())
    .bind(account.as_str())
    .bind(phone)
    .bind(now.millis())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("id")?)
}

/// Puts the waiting number `id` in use, in place of the account's number before (whose codes
/// go with it); false when it is no longer waiting.
pub async fn confirm_factor(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    id: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    remove_factors_where(&mut c, account, "confirmed_at IS NOT NULL").await?;
    let done = sqlx::query(
        "UPDATE sms_factors SET confirmed_at = $3, last_used_at = $3
         WHERE id = $1 AND account_id = $2 AND confirmed_at IS NULL",
    )
    .bind(id)
    .bind(account.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes the account's numbers, in use and waiting, with their codes; how many there were.
pub async fn remove_factors(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    remove_factors_where(&mut c, account, "1 = 1").await
}

async fn remove_factors_where(
    c: &mut crate::exec::Conn<'_>,
    account: &AccountId,
    which: &str,
) -> StoreResult<u64> {
    sqlx::query(&format!(
        "DELETE FROM sms_codes WHERE factor_id IN
         (SELECT id FROM sms_factors WHERE account_id = $1 AND {which})"
    ))
    .bind(account.as_str())
    .execute(&mut **c)
    .await?;
    let done = sqlx::query(&format!(
        "DELETE FROM sms_factors WHERE account_id = $1 AND {which}"
    ))
    .bind(account.as_str())
    .execute(&mut **c)
    .await?;
    Ok(done.rows_affected())
}

/// Records that a code sent to the number was used.
pub async fn touch_factor(ex: impl Into<Exec<'_>>, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE sms_factors SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Codes sent to the account since `since`, those the gateway refused included.
pub async fn sends_since(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    since: Timestamp,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM sms_codes WHERE account_id = $1 AND sent_at > $2")
            .bind(account.as_str())
            .bind(since.millis())
            .fetch_one(&mut *c)
            .await?;
    Ok(row.try_get("n")?)
}

pub struct NewCode<'a> {
    pub id: &'a str,
    pub account: &'a AccountId,
    pub factor_id: &'a str,
    pub purpose: SmsPurpose,
    pub code_hash: &'a str,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

/// Records a code about to be sent; the account's earlier codes of that purpose stop working,
/// so only the newest one sent does.
pub async fn insert_code(ex: impl Into<Exec<'_>>, code: &NewCode<'_>) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "UPDATE sms_codes SET expires_at = $3
         WHERE account_id = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(code.account.as_str())
    .bind(code.purpose.code())
    .bind(code.sent_at.millis())
    .execute(&mut *c)
    .await?;
    sqlx::query(
        "INSERT INTO sms_codes (id, account_id, factor_id, purpose, code_hash, sent_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code.id)
    .bind(code.account.as_str())
    .bind(code.factor_id)
    .bind(code.purpose.code())
    .bind(code.code_hash)
    .bind(code.sent_at.millis())
    .bind(code.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The gateway did not take the code: it never works, but still counts as a send.
pub async fn fail_code(ex: impl Into<Exec<'_>>, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("UPDATE sms_codes SET failed_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A code that may still be typed: sent, not used, not expired, tries left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCode {
    pub id: String,
    pub factor_id: String,
    pub code_hash: String,
}

/// The account's newest code of `purpose` that still works.
pub async fn live_code(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    purpose: SmsPurpose,
    tries: i64,
    now: Timestamp,
) -> StoreResult<Option<LiveCode>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT id, factor_id, code_hash FROM sms_codes
         WHERE account_id = $1 AND purpose = $2 AND expires_at > $3 AND tries < $4
           AND used_at IS NULL AND failed_at IS NULL
         ORDER BY sent_at DESC LIMIT 1",
    )
    .bind(account.as_str())
    .bind(purpose.code())
    .bind(now.millis())
    .bind(tries)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| {
        Ok(LiveCode {
            id: row.try_get("id")?,
            factor_id: row.try_get("factor_id")?,
            code_hash: row.try_get("code_hash")?,
        })
    })
    .transpose()
}

/// Counts a try of the code before it is compared, in one statement, so that of parallel
/// guesses only `tries` count; false when its tries are used up.
pub async fn take_try(ex: impl Into<Exec<'_>>, id: &str, tries: i64) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("UPDATE sms_codes SET tries = tries + 1 WHERE id = $1 AND tries < $2")
        .bind(id)
        .bind(tries)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Uses the code up; false when another request used it first.
pub async fn use_code(ex: impl Into<Exec<'_>>, id: &str, now: Timestamp) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("UPDATE sms_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
        .bind(id)
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}
