//! Second factors (an authenticator app per account), recovery codes, and logins waiting for
//! their second step.

use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use carespace_core::ids::{AccountId, new_id};
use carespace_core::policy::TwoStepFacts;
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An account's authenticator app, being set up (`confirmed_at` empty) or in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRow {
    pub id: String,
    /// Base32.
    pub secret: String,
    pub created_at: Timestamp,
    pub confirmed_at: Option<Timestamp>,
    pub last_step: Option<i64>,
    pub last_used_at: Option<Timestamp>,
}

pub async fn totp_of(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<Option<TotpRow>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT id, secret, created_at, confirmed_at, last_step, last_used_at FROM second_factors
         WHERE account_id = $1 AND kind = 'totp'",
    )
    .bind(account.as_str())
    .fetch_optional(&mut *c)
    .await?;
    let millis = |name: &str, row: &sqlx::any::AnyRow| -> StoreResult<Option<Timestamp>> {
        Ok(row
            .try_get::<Option<i64>, _>(name)?
            .map(Timestamp::from_millis))
    };
    row.map(|row| {
        Ok(TotpRow {
            id: row.try_get("id")?,
            secret: row.try_get("secret")?,
            created_at: Timestamp::from_millis(row.try_get("created_at")?),
            confirmed_at: millis("confirmed_at", &row)?,
            last_step: row.try_get("last_step")?,
            last_used_at: millis("last_used_at", &row)?,
        })
    })
    .transpose()
}

/// Starts setting up an authenticator app with `secret`, in place of one not yet confirmed;
/// false when one is already in use.
pub async fn start_totp(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    secret: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "DELETE FROM second_factors WHERE account_id = $1 AND kind = 'totp' AND confirmed_at IS NULL",
    )
    .bind(account.as_str())
    .execute(&mut *c)
    .await?;
    let done = sqlx::query(
        "INSERT INTO second_factors (id, account_id, kind, secret, created_at)
         VALUES ($1, $2, 'totp', $3, $4) ON CONFLICT (account_id, kind) DO NOTHING",
    )
    .bind(new_id())
    .bind(account.as_str())
    .bind(secret)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// An authenticator app in use from the start, for demo people who have theirs printed.
pub async fn insert_confirmed_totp(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    secret: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO second_factors (id, account_id, kind, secret, created_at, confirmed_at)
         VALUES ($1, $2, 'totp', $3, $4, $4)",
    )
    .bind(new_id())
    .bind(account.as_str())
    .bind(secret)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Records that a code of time step `step` was accepted, confirming the app when it was being
/// set up; false when that step (or a later one) was accepted already: a code counts once.
pub async fn accept_step(
    ex: impl Into<Exec<'_>>,
    id: &str,
    step: i64,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE second_factors
         SET last_step = $2, last_used_at = $3, confirmed_at = COALESCE(confirmed_at, $3)
         WHERE id = $1 AND (last_step IS NULL OR last_step < $2)",
    )
    .bind(id)
    .bind(step)
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether the account has a second factor in use (an authenticator app, a number for text
/// messages, a passkey): its logins then take a second step.
pub async fn has_confirmed(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {} AS n", factors_in_use("$1"));
    let row = sqlx::query(&sql)
        .bind(account.as_str())
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Removes every second factor (the app, text-message numbers, passkeys) and recovery code of
/// the account.
pub async fn remove_all(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<()> {
    let mut ex: Exec<'_> = ex.into();
    crate::sms::remove_factors(&mut ex, account).await?;
    crate::passkeys::remove_all(&mut ex, account).await?;
    let mut c = conn(&mut ex).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM second_factors WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Removes the account's authenticator app only (another factor stays).
pub async fn remove_totp(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM second_factors WHERE account_id = $1 AND kind = 'totp'")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Removes the account's recovery codes (its last factor went).
pub async fn remove_recovery_codes(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Replaces the account's recovery codes with these (by hash): the old ones stop working.
pub async fn replace_recovery_codes(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    hashes: &[String],
    now: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    for hash in hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, account_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(hash)
        .bind(account.as_str())
        .bind(now.millis())
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Uses up one recovery code of the account; false when it is not one, or was used.
pub async fn use_recovery_code(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
    hash: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3
         WHERE code_hash = $1 AND account_id = $2 AND used_at IS NULL",
    )
    .bind(hash)
    .bind(account.as_str())
    .bind(now.millis())
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Recovery codes of the account not yet used.
pub async fn unused_recovery_codes(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account.as_str())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

pub async fn insert_challenge(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    account: &AccountId,
    now: Timestamp,
    expires_at: Timestamp,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO login_challenges (token_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account.as_str())
    .bind(now.millis())
    .bind(expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The account a login challenge is for, while it has not expired and has had fewer than
/// `tries` wrong codes.
pub async fn open_challenge(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    tries: i64,
    now: Timestamp,
) -> StoreResult<Option<AccountId>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT account_id FROM login_challenges
         WHERE token_hash = $1 AND expires_at > $2 AND failures < $3",
    )
    .bind(token_hash)
    .bind(now.millis())
    .bind(tries)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|row| decode::id(&row, "account_id")).transpose()
}

/// Counts a wrong code against the challenge, in one statement so that parallel wrong codes
/// all count; whether the challenge still has tries left.
pub async fn fail_challenge(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    tries: i64,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "UPDATE login_challenges SET failures = failures + 1 WHERE token_hash = $1
         RETURNING failures",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    let failures: Option<i64> = row.map(|r| r.try_get("failures")).transpose()?;
    Ok(failures.is_some_and(|n| n < tries))
}

/// Ends a challenge; false when it was gone already (another request completed it).
pub async fn end_challenge(ex: impl Into<Exec<'_>>, token_hash: &str) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends every challenge of the account (its factors were reset or removed).
pub async fn end_challenges_of(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query("DELETE FROM login_challenges WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// How many second factors the account has in use (an authenticator app, a number for text
/// messages, passkeys), as an SQL expression over `account`, an SQL expression naming its id. Every
/// question of whether an account has a second factor asks this one.
fn factors_in_use(account: &str) -> String {
    format!(
        "((SELECT COUNT(*) FROM second_factors sf
           WHERE sf.account_id = {account} AND sf.confirmed_at IS NOT NULL)
          + (SELECT COUNT(*) FROM sms_factors sms
             WHERE sms.account_id = {account} AND sms.confirmed_at IS NOT NULL)
          + (SELECT COUNT(*) FROM passkeys pk WHERE pk.account_id = {account}))"
    )
}

/// The columns of an account's two-step standing (`TwoStepFacts` without ownership, which the
/// caller reads as `organisations_owned`), for the SQL expression `account` naming its id.
pub(crate) fn standing_columns(account: &str) -> String {
    let memberships = |condition: &str| {
        format!(
            "(SELECT COUNT(*) FROM memberships sm JOIN healthspaces sh ON sh.id = sm.healthspace_id
              WHERE sm.account_id = {account} AND sm.state = 'active' AND {condition})"
        )
    };
    format!(
        "{} AS two_step_factors, {} AS two_step_staff_roles, {} AS two_step_client_required",
        factors_in_use(account),
        memberships("sm.role <> 'client'"),
        memberships("sm.role = 'client' AND sh.clients_two_step <> 0"),
    )
}

/// The standing read by [`standing_columns`], with whether the account owns an organisation.
pub(crate) fn standing_from_row(
    row: &AnyRow,
    owns_organisation: bool,
) -> StoreResult<TwoStepFacts> {
    let count = |column: &str| row.try_get::<i64, _>(column).map(|n| n > 0);
    Ok(TwoStepFacts {
        has_second_factor: count("two_step_factors")?,
        sees_client_data: owns_organisation || count("two_step_staff_roles")?,
        client_where_required: count("two_step_client_required")?,
    })
}

/// Whether the account must, and does, use two-step verification.
pub async fn standing(ex: impl Into<Exec<'_>>, account: &AccountId) -> StoreResult<TwoStepFacts> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {},
                (SELECT COUNT(*) FROM organisation_owners o WHERE o.account_id = $1)
                    AS organisations_owned",
        standing_columns("$1")
    );
    let row = sqlx::query(&sql)
        .bind(account.as_str())
        .fetch_one(&mut *c)
        .await?;
    let owns = row.try_get::<i64, _>("organisations_owned")? > 0;
    standing_from_row(&row, owns)
}
