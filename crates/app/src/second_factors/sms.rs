//! Codes by text message (SMS) as a second factor, the weakest: a number can be taken over.
//! A number is added after the password and a first code sent to it (and, to change a number
//! in use, a current code); removing it takes the password and a current code. Codes are six
//! digits, work ten minutes and take five tries; an account gets a few an hour. A code is
//! recorded (by hash) and committed before the gateway is asked, so it arrives within seconds;
//! when the gateway fails, the code is marked as never sent and does not work. The login's
//! code is asked for in `crate::sessions::second_step`.

use super::{code_refused, new_recovery_codes, owner, proven};
use crate::accounts::{confirm_current_password, email_owner, end_access};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use crate::sms::{SmsService, SmsTexts};
use carespace_core::audit::{AuditAction, Outcome};
use carespace_core::ids::{AccountId, new_id};
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use carespace_core::sms::{self as rules, CODE_TRIES, PhoneNumber, SEND_WINDOW_MS, SmsPurpose};
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::accounts::AccountRow;
use carespace_store::second_factors as factor_store;
use carespace_store::sms::{self as store, NewCode, SmsFactorRow};
use carespace_store::throttle;
use std::sync::Arc;

/// What "Text message (SMS)" on the two-step page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsStatus {
    /// Whether this installation can send text messages at all.
    pub offered: bool,
    /// The number codes go to, with since when and when last used.
    pub number: Option<(PhoneNumber, Timestamp, Option<Timestamp>)>,
}

pub async fn status(ctx: &AppContext, account: &AccountId) -> AppResult<SmsStatus> {
    let number = match store::factor_of(&ctx.db, account, true).await? {
        Some(row) => {
            let since = row
                .confirmed_at
                .ok_or_else(|| AppError::Internal("number in use unconfirmed".into()))?;
            Some((stored_number(&row)?, since, row.last_used_at))
        }
        None => None,
    };
    Ok(SmsStatus {
        offered: ctx.sms.is_some(),
        number,
    })
}

/// The number a code was just sent to, as the page names it.
pub type SentTo = PhoneNumber;

/// Starts adding a number (or changing the one in use): after the password (and, for a change,
/// a current code of any factor), a first code is sent to the new number.
pub async fn start(
    ctx: &AppContext,
    texts: &dyn SmsTexts,
    account: &AccountId,
    input: NumberInput,
    origin: &Origin,
) -> AppResult<SentTo> {
    let sms = service(ctx, "phone")?;
    let phone = PhoneNumber::parse(&input.phone).map_err(|p| AppError::field("phone", p))?;
    let now = ctx.now();
    let in_use = store::factor_of(&ctx.db, account, true).await?;
    let (mut tx, row) = if in_use.is_some() {
        proven(ctx, account, input.password, &input.code, origin, now).await?
    } else {
        let row = owner(&ctx.db, account).await?;
        confirm_current_password(ctx, &row, input.password, "password", origin).await?;
        (ctx.db.begin().await?, row)
    };
    let factor_id = store::start_factor(&mut tx, account, phone.as_str(), now).await?;
    let purpose = SmsPurpose::ConfirmNumber;
    let pending = record_code(&mut tx, &sms, &row, &factor_id, phone, purpose, now).await?;
    tx.commit().await?;
    deliver(ctx, &sms, texts, pending, origin, "phone").await
}

/// A new number and what proves it is the owner who adds it.
pub struct NumberInput {
    pub phone: String,
    pub password: Secret,
    /// A current code, needed only to change a number in use.
    pub code: String,
}

/// The number waiting for its first code, to show again after a wrong one.
pub async fn waiting(ctx: &AppContext, account: &AccountId) -> AppResult<Option<PhoneNumber>> {
    match store::factor_of(&ctx.db, account, false).await? {
        Some(row) => Ok(Some(stored_number(&row)?)),
        None => Ok(None),
    }
}

/// Confirms the waiting number with the code sent to it: from now on codes go there (in place
/// of the number before). When it is the account's first factor, the new recovery codes are
/// returned, shown this once.
pub async fn confirm(
    ctx: &AppContext,
    account: &AccountId,
    code: &str,
    origin: &Origin,
) -> AppResult<Option<Vec<String>>> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let waiting = store::factor_of(&mut tx, account, false)
        .await?
        .ok_or_else(|| AppError::field("code", "sms_setup_missing"))?;
    let live = store::live_code(&mut tx, account, SmsPurpose::ConfirmNumber, CODE_TRIES, now)
        .await?
        .filter(|live| live.factor_id == waiting.id);
    let Some(live) = live else {
        return Err(AppError::field("code", "sms_code_expired"));
    };
    if !store::take_try(&mut tx, &live.id, CODE_TRIES).await? {
        return Err(AppError::field("code", "sms_code_expired"));
    }
    let right = live.code_hash == rules::code_hash(&live.id, code);
    if !right || !store::use_code(&mut tx, &live.id, now).await? {
        // The try stays counted.
        tx.commit().await?;
        return Err(code_refused(ctx, account, origin).await?);
    }
    let first = !factor_store::has_confirmed(&mut tx, account).await?;
    let changed = store::factor_of(&mut tx, account, true).await?.is_some();
    if !store::confirm_factor(&mut tx, account, &waiting.id, now).await? {
        return Err(AppError::field("code", "sms_setup_missing"));
    }
    let codes = if first {
        Some(new_recovery_codes(&mut tx, account, now).await?)
    } else {
        None
    };
    // Whoever held a session opened with less, or with the old number, starts again.
    end_access(&mut tx, account, origin.session_id.as_deref(), now).await?;
    let row = owner(&mut tx, account).await?;
    email_owner(&mut tx, &row, MailMessage::SmsNumberAdded, now).await?;
    let action = if changed {
        AuditAction::SmsNumberChanged
    } else {
        AuditAction::SecondFactorEnrolled
    };
    let event = Event::own(account, action, "sms_factor", Some(&waiting.id));
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Sends a code to the number in use, to confirm removing a factor or changing the number.
pub async fn send_action_code(
    ctx: &AppContext,
    texts: &dyn SmsTexts,
    account: &AccountId,
    origin: &Origin,
) -> AppResult<SentTo> {
    let sms = service(ctx, "code")?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let row = owner(&mut tx, account).await?;
    let pending = send_to_factor(&mut tx, &sms, &row, SmsPurpose::ConfirmAction, now).await?;
    tx.commit().await?;
    deliver(ctx, &sms, texts, pending, origin, "code").await
}

/// Removes the number, after the password and a current code: codes no longer go there. When
/// it was the account's last factor, its recovery codes go too and logins take one step.
pub async fn remove(
    ctx: &AppContext,
    account: &AccountId,
    password: Secret,
    code: &str,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let (mut tx, row) = proven(ctx, account, password, code, origin, now).await?;
    let Some(number) = store::factor_of(&mut tx, account, true).await? else {
        return Err(AppError::field("code", "sms_missing"));
    };
    store::remove_factors(&mut tx, account).await?;
    if !factor_store::has_confirmed(&mut tx, account).await? {
        factor_store::remove_recovery_codes(&mut tx, account).await?;
    }
    end_access(&mut tx, account, origin.session_id.as_deref(), now).await?;
    email_owner(&mut tx, &row, MailMessage::SmsNumberRemoved, now).await?;
    let event = Event::own(
        account,
        AuditAction::SecondFactorRemoved,
        "sms_factor",
        Some(&number.id),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The installation's text messages, or the problem that it sends none.
pub(crate) fn service(ctx: &AppContext, field: &'static str) -> AppResult<Arc<SmsService>> {
    ctx.sms
        .clone()
        .ok_or_else(|| AppError::field(field, "sms_not_offered"))
}

/// A code recorded and committed, to be handed to the gateway.
pub(crate) struct PendingCode {
    id: String,
    code: String,
    account: AccountId,
    phone: PhoneNumber,
    language: Language,
    purpose: SmsPurpose,
}

/// Records a new code of `purpose` for the account's number in use.
pub(crate) async fn send_to_factor(
    tx: &mut Tx,
    sms: &SmsService,
    account: &AccountRow,
    purpose: SmsPurpose,
    now: Timestamp,
) -> AppResult<PendingCode> {
    let Some(factor) = store::factor_of(&mut *tx, &account.id, true).await? else {
        return Err(AppError::field("code", "sms_missing"));
    };
    let phone = stored_number(&factor)?;
    record_code(tx, sms, account, &factor.id, phone, purpose, now).await
}

/// Records a new code for `phone` (its hash, and the send counted), unless the account had its
/// sends of the hour: they are counted under a lock of the account's own, so parallel requests
/// on any instance cannot send more.
async fn record_code(
    tx: &mut Tx,
    sms: &SmsService,
    account: &AccountRow,
    factor_id: &str,
    phone: PhoneNumber,
    purpose: SmsPurpose,
    now: Timestamp,
) -> AppResult<PendingCode> {
    throttle::lock_failures(&mut *tx, &format!("sms_sends:{}", account.id)).await?;
    let since = now.plus_millis(-SEND_WINDOW_MS);
    if store::sends_since(&mut *tx, &account.id, since).await? >= sms.sends_per_hour {
        tracing::warn!(target: "security", account = %account.id, "text message refused: hourly limit");
        return Err(AppError::field(limit_field(purpose), "sms_send_limit"));
    }
    let id = new_id();
    let code = rules::new_code()?;
    let hash = rules::code_hash(&id, &code);
    let new = NewCode {
        id: &id,
        account: &account.id,
        factor_id,
        purpose,
        code_hash: &hash,
        sent_at: now,
        expires_at: rules::expires_at(now),
    };
    store::insert_code(&mut *tx, &new).await?;
    Ok(PendingCode {
        id,
        code,
        account: account.id.clone(),
        phone,
        language: account.language.parse().unwrap_or(Language::Nl),
        purpose,
    })
}

fn limit_field(purpose: SmsPurpose) -> &'static str {
    match purpose {
        SmsPurpose::ConfirmNumber => "phone",
        SmsPurpose::Login | SmsPurpose::ConfirmAction => "code",
    }
}

/// Hands a recorded code to the gateway. When it fails, the code is marked as never sent (it
/// does not work) and the failure audit-logged; the problem goes under `field`.
pub(crate) async fn deliver(
    ctx: &AppContext,
    sms: &SmsService,
    texts: &dyn SmsTexts,
    pending: PendingCode,
    origin: &Origin,
    field: &'static str,
) -> AppResult<SentTo> {
    let text = texts.code_text(pending.language, pending.purpose, &pending.code);
    let Err(error) = sms.sender.send(&pending.phone, &text).await else {
        return Ok(pending.phone);
    };
    tracing::error!(target: "sms", account = %pending.account, %error, "text message not sent");
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::fail_code(&mut tx, &pending.id, now).await?;
    let event = Event {
        outcome: Outcome::Denied,
        ..Event::own(
            &pending.account,
            AuditAction::SmsSendFailed,
            "sms_code",
            Some(&pending.id),
        )
    };
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Err(AppError::field(field, "sms_send_failed"))
}

/// Whether `code` is the account's newest live code of `purpose`; a right one is used up and
/// audit-logged. Every comparison counts one of the code's tries, kept even when the caller's
/// transaction is otherwise refused (callers commit it).
pub(crate) async fn verify(
    tx: &mut Tx,
    account: &AccountId,
    code: &str,
    purpose: SmsPurpose,
    origin: &Origin,
    now: Timestamp,
) -> AppResult<bool> {
    if !rules::looks_like_code(code) {
        return Ok(false);
    }
    let Some(live) = store::live_code(&mut *tx, account, purpose, CODE_TRIES, now).await? else {
        return Ok(false);
    };
    if !store::take_try(&mut *tx, &live.id, CODE_TRIES).await? {
        return Ok(false);
    }
    if live.code_hash != rules::code_hash(&live.id, code)
        || !store::use_code(&mut *tx, &live.id, now).await?
    {
        return Ok(false);
    }
    store::touch_factor(&mut *tx, &live.factor_id, now).await?;
    let event = Event::own(
        account,
        AuditAction::SmsCodeUsed,
        "sms_factor",
        Some(&live.factor_id),
    );
    audit::record(tx, origin, event, now).await?;
    Ok(true)
}

fn stored_number(row: &SmsFactorRow) -> AppResult<PhoneNumber> {
    PhoneNumber::from_stored(&row.phone)
        .ok_or_else(|| AppError::Internal("stored phone number".into()))
}
