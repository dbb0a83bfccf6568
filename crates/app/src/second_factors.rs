//! Two-step verification: an authenticator app (TOTP) besides the password, with ten
//! single-use recovery codes for when the app is lost. Setting it up takes a first code, and
//! shows the recovery codes once; removing it takes the password and a current code; every
//! step is audit-logged and emailed to the owner. The login's second step is in
//! `crate::sessions::second_step`. Codes by text message are in [`sms`].

pub mod sms;

use crate::accounts::{confirm_current_password, email_owner, end_access};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::second_factors::{self as rules, RECOVERY_CODES};
use carespace_core::secret::Secret;
use carespace_core::sms::SmsPurpose;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::accounts::{self as account_store, AccountRow};
use carespace_store::second_factors as store;

/// The name authenticator apps show beside the account.
const ISSUER: &str = "Carespace";

/// What "Two-step verification" shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoStepStatus {
    /// Since when an authenticator app guards the account's logins.
    pub app_since: Option<Timestamp>,
    pub app_last_used: Option<Timestamp>,
    pub recovery_codes_left: i64,
}

pub async fn status(ctx: &AppContext, account: &AccountId) -> AppResult<TwoStepStatus> {
    let totp = store::totp_of(&ctx.db, account).await?;
    let confirmed = totp.filter(|t| t.confirmed_at.is_some());
    Ok(TwoStepStatus {
        app_since: confirmed.as_ref().and_then(|t| t.confirmed_at),
        app_last_used: confirmed.and_then(|t| t.last_used_at),
        recovery_codes_left: store::unused_recovery_codes(&ctx.db, account).await?,
    })
}

/// An authenticator app being set up: the secret as text and as the QR code's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSetup {
    pub secret_text: String,
    pub otpauth_url: String,
}

fn setup_of(secret: &[u8], email: &str) -> AppResult<AppSetup> {
    let otpauth_url = rules::otpauth_url(secret, ISSUER, email)
        .ok_or_else(|| AppError::Internal("authenticator address".into()))?;
    Ok(AppSetup {
        secret_text: rules::secret_text(secret),
        otpauth_url,
    })
}

fn decode_secret(text: &str) -> AppResult<Vec<u8>> {
    rules::decode_secret(text)
        .ok_or_else(|| AppError::Internal("stored authenticator secret".into()))
}

/// Starts setting up an authenticator app with a new secret (in place of a setup not
/// finished), after the password: a session left open must not be enough to put someone
/// else's app on the account. Refused while one is in use.
pub async fn start_app(
    ctx: &AppContext,
    account: &AccountId,
    password: Secret,
    origin: &Origin,
) -> AppResult<AppSetup> {
    let row = owner(&ctx.db, account).await?;
    confirm_current_password(ctx, &row, password, "password", origin).await?;
    let secret = rules::new_totp_secret()?;
    let stored = rules::encode_secret(&secret);
    let mut tx = ctx.db.begin().await?;
    if !store::start_totp(&mut tx, account, &stored, ctx.now()).await? {
        return Err(AppError::field("password", "second_factor_in_use"));
    }
    tx.commit().await?;
    setup_of(&secret, &row.email)
}

/// The setup not yet finished, to show again (with a problem) after a wrong first code.
pub async fn app_in_setup(ctx: &AppContext, account: &AccountId) -> AppResult<Option<AppSetup>> {
    let Some(totp) = store::totp_of(&ctx.db, account).await? else {
        return Ok(None);
    };
    if totp.confirmed_at.is_some() {
        return Ok(None);
    }
    let row = account_store::find(&ctx.db, account)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Some(setup_of(&decode_secret(&totp.secret)?, &row.email)?))
}

/// Finishes setting up the app with its first code: from now on logins take a second step.
/// Returns the new recovery codes, shown this once.
pub async fn confirm_app(
    ctx: &AppContext,
    account: &AccountId,
    code: &str,
    origin: &Origin,
) -> AppResult<Vec<String>> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let totp = store::totp_of(&mut tx, account)
        .await?
        .filter(|t| t.confirmed_at.is_none())
        .ok_or_else(|| AppError::field("code", "second_factor_setup_missing"))?;
    let secret = decode_secret(&totp.secret)?;
    let accepted = match rules::check_totp(&secret, code, now, totp.last_step) {
        Some(step) => store::accept_step(&mut tx, &totp.id, step, now).await?,
        None => false,
    };
    if !accepted {
        drop(tx);
        return Err(code_refused(ctx, account, origin).await?);
    }
    let codes = new_recovery_codes(&mut tx, account, now).await?;
    // Sessions and tokens opened with the password alone end: from now on it takes two steps.
    end_access(&mut tx, account, origin.session_id.as_deref(), now).await?;
    let row = owner(&mut tx, account).await?;
    email_owner(&mut tx, &row, MailMessage::SecondFactorAdded, now).await?;
    let event = Event::own(
        account,
        AuditAction::SecondFactorEnrolled,
        "second_factor",
        Some(&totp.id),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(codes)
}

/// New recovery codes in place of the old ones, after the password and a current code (from
/// the app or an old recovery code): shown this once, and the owner is emailed.
pub async fn renew_recovery_codes(
    ctx: &AppContext,
    account: &AccountId,
    password: Secret,
    code: &str,
    origin: &Origin,
) -> AppResult<Vec<String>> {
    let now = ctx.now();
    let (mut tx, row) = proven(ctx, account, password, code, origin, now).await?;
    let codes = new_recovery_codes(&mut tx, account, now).await?;
    email_owner(&mut tx, &row, MailMessage::RecoveryCodesRenewed, now).await?;
    let event = Event::own(account, AuditAction::RecoveryCodesRenewed, "account", None);
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes the authenticator app with the password and a current code (from the app, another
/// factor, or a recovery code). When it was the last factor the recovery codes go too and
/// logins take one step again; whether another factor still guards them is the answer.
pub async fn remove(
    ctx: &AppContext,
    account: &AccountId,
    password: Secret,
    code: &str,
    origin: &Origin,
) -> AppResult<bool> {
    let now = ctx.now();
    let (mut tx, row) = proven(ctx, account, password, code, origin, now).await?;
    let keep = origin.session_id.as_deref();
    store::remove_totp(&mut tx, account).await?;
    let others_left = store::has_confirmed(&mut tx, account).await?;
    if others_left {
        // A number for text messages or a passkey still guards the logins; the recovery codes
        // stay.
        end_access(&mut tx, account, keep, now).await?;
        email_owner(&mut tx, &row, MailMessage::AppRemoved, now).await?;
        let event = Event::own(
            account,
            AuditAction::SecondFactorRemoved,
            "second_factor",
            None,
        );
        audit::record(&mut tx, origin, event, now).await?;
    } else {
        let by = (Some(account), ActorRole::OwnAccount);
        end_factors(&mut tx, &row, by, origin, keep, now).await?;
    }
    tx.commit().await?;
    Ok(others_left)
}

/// Checks the password, then a current code (counted like the login's second step), and opens
/// the transaction of what they unlock, with the code used up in it.
pub(crate) async fn proven(
    ctx: &AppContext,
    account: &AccountId,
    password: Secret,
    code: &str,
    origin: &Origin,
    now: Timestamp,
) -> AppResult<(Tx, AccountRow)> {
    let row = owner(&ctx.db, account).await?;
    confirm_current_password(ctx, &row, password, "password", origin).await?;
    let counter = code_counter(account, None);
    reserve_code_try(ctx, &counter, now).await?;
    let mut tx = ctx.db.begin().await?;
    // Before the code's own writes (a recovery code's audit entry): the lock a login takes
    // first comes first here too.
    account_store::lock(&mut tx, account).await?;
    if !verify_code(&mut tx, &row, code, SmsPurpose::ConfirmAction, origin, now).await? {
        // A wrong code writes nothing but the try it took of a text-message code.
        tx.commit().await?;
        return Err(code_refused(ctx, account, origin).await?);
    }
    carespace_store::throttle::clear_failures(&mut tx, &counter).await?;
    Ok((tx, row))
}

/// The operator resets a person's second factor (they lost every one), with the reason in the
/// audit log; they are emailed, and set up a new one after their next login.
pub async fn reset_by_operator(
    ctx: &AppContext,
    email: &str,
    reason: &str,
    origin: &Origin,
) -> AppResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "reason_required"));
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let row = account_store::find_by_email(&mut tx, &email.trim().to_lowercase())
        .await?
        .ok_or(AppError::NotFound)?;
    if !store::has_confirmed(&mut tx, &row.id).await? {
        return Err(AppError::field("email", "second_factor_missing"));
    }
    let record = Event {
        actor: None,
        role: ActorRole::Operator,
        action: AuditAction::SecondFactorReset,
        // The reason, as the operator gave it, is what the entry names; the removal entry after
        // it names the account.
        object_type: "reason",
        object_id: Some(reason),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, record, now).await?;
    end_factors(
        &mut tx,
        &row,
        (None, ActorRole::Operator),
        origin,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `code` is a current code of the account's app, the newest text-message code sent
/// for `sms_purpose`, or one of its unused recovery codes; a right one is used up (an app's
/// time step, a text-message code or the recovery code counts once). A recovery code used is
/// audit-logged and emailed to the owner.
pub(crate) async fn verify_code(
    tx: &mut Tx,
    account: &AccountRow,
    code: &str,
    sms_purpose: SmsPurpose,
    origin: &Origin,
    now: Timestamp,
) -> AppResult<bool> {
    if rules::looks_like_recovery_code(code) {
        let hash = rules::recovery_code_hash(code);
        if !store::use_recovery_code(&mut *tx, &account.id, &hash, now).await? {
            return Ok(false);
        }
        let left = store::unused_recovery_codes(&mut *tx, &account.id).await?;
        email_owner(tx, account, MailMessage::RecoveryCodeUsed { left }, now).await?;
        let event = Event::own(&account.id, AuditAction::RecoveryCodeUsed, "account", None);
        audit::record(tx, origin, event, now).await?;
        return Ok(true);
    }
    let totp = store::totp_of(&mut *tx, &account.id)
        .await?
        .filter(|t| t.confirmed_at.is_some());
    if let Some(totp) = totp {
        let secret = decode_secret(&totp.secret)?;
        if let Some(step) = rules::check_totp(&secret, code, now, totp.last_step)
            && store::accept_step(&mut *tx, &totp.id, step, now).await?
        {
            return Ok(true);
        }
    }
    sms::verify(tx, &account.id, code, sms_purpose, origin, now).await
}

/// Removes the account's factors and codes and ends every way in made before but the session
/// `keep` (sessions, tokens, trusted browsers, logins waiting for a second step); the owner is
/// emailed and the removal audit-logged as done `by` the owner or the operator.
async fn end_factors(
    tx: &mut Tx,
    account: &AccountRow,
    (actor, role): (Option<&AccountId>, ActorRole),
    origin: &Origin,
    keep: Option<&str>,
    now: Timestamp,
) -> AppResult<()> {
    store::remove_all(&mut *tx, &account.id).await?;
    end_access(&mut *tx, &account.id, keep, now).await?;
    email_owner(tx, account, MailMessage::SecondFactorRemoved, now).await?;
    let event = Event {
        actor,
        role,
        action: AuditAction::SecondFactorRemoved,
        object_type: "account",
        object_id: Some(account.id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record(tx, origin, event, now).await?;
    Ok(())
}

/// A wrong code outside a login (setting up, renewing codes, removing): audit-logged in a
/// transaction of its own, as the use case's own is rolled back; the problem to show.
async fn code_refused(
    ctx: &AppContext,
    account: &AccountId,
    origin: &Origin,
) -> AppResult<AppError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    audit::record(&mut tx, origin, wrong_code(account), now).await?;
    tx.commit().await?;
    tracing::warn!(target: "security", account = %account, ip = %origin.ip, "wrong second-factor code");
    Ok(AppError::field("code", "second_factor_code_wrong"))
}

/// The audit entry of a wrong second-factor code typed for the account.
pub(crate) fn wrong_code(account: &AccountId) -> Event<'_> {
    Event {
        actor: Some(account),
        role: ActorRole::OwnAccount,
        action: AuditAction::SecondStepFailed,
        object_type: "account",
        object_id: Some(account.as_str()),
        outcome: Outcome::Denied,
    }
}

/// The counter wrong codes of an account are held against: the browser's own when it is a
/// trusted device of the account (so that someone guessing elsewhere cannot keep the owner
/// waiting), else the account's.
pub(crate) fn code_counter(account: &AccountId, trusted_device: Option<&str>) -> String {
    match trusted_device {
        Some(hash) => format!("second_step_device:{hash}"),
        None => format!("second_step:{account}"),
    }
}

/// Counts a try as a failure before the code is looked at, unless its counter says wait: of
/// many parallel guesses only as many as the counter allows get through. A right code clears
/// the counter in the transaction that accepts it.
pub(crate) async fn reserve_code_try(
    ctx: &AppContext,
    counter: &str,
    now: Timestamp,
) -> AppResult<()> {
    use carespace_core::throttle::{FORGET_AFTER_MS, PER_ACCOUNT};
    use carespace_store::throttle;
    let mut tx = ctx.db.begin().await?;
    let (failures, last) = throttle::lock_failures(&mut tx, counter).await?;
    if let Some(wait_ms) = PER_ACCOUNT
        .remaining_ms(failures, last, now)
        .filter(|ms| *ms > 0)
    {
        drop(tx);
        ctx.refusals.count("second_step");
        tracing::warn!(target: "security", counter, wait_ms, "second-factor code refused while slowed down");
        return Err(AppError::LoginThrottled {
            retry_after_secs: (wait_ms + 999) / 1000,
        });
    }
    throttle::add_failure(&mut tx, counter, now.plus_millis(-FORGET_AFTER_MS), now).await?;
    tx.commit().await?;
    Ok(())
}

/// New recovery codes in place of the old, stored hashed; the codes, to be shown once.
pub(crate) async fn new_recovery_codes(
    tx: &mut Tx,
    account: &AccountId,
    now: Timestamp,
) -> AppResult<Vec<String>> {
    let codes = (0..RECOVERY_CODES)
        .map(|_| rules::new_recovery_code())
        .collect::<Result<Vec<_>, _>>()?;
    let hashes: Vec<String> = codes.iter().map(|c| rules::recovery_code_hash(c)).collect();
    store::replace_recovery_codes(&mut *tx, account, &hashes, now).await?;
    Ok(codes)
}

async fn owner(
    ex: impl Into<carespace_store::Exec<'_>>,
    account: &AccountId,
) -> AppResult<AccountRow> {
    account_store::find(ex, account)
        .await?
        .ok_or(AppError::NotFound)
}
