//! Registration with email verification.

use super::account::email_owner;
use super::current_password::confirm_password;
use super::links::{VERIFY_LINK_MS, issue_token, sent_recently};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::MailMessage;
use crate::{passwords, throttle};
use carespace_core::accounts::{Email, PersonName, parse_birth_date};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::Tx;
use carespace_store::accounts::{self as store, AccountRow};

#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub full_name: String,
    pub birth_date: String,
    pub password: Secret,
    pub language: Language,
}

/// Registers an account and emails a verification link. When the address already has an
/// account its owner is emailed instead, and the answer is the same: no one learns from
/// registering whether an address is known. The password is hashed either way, so neither
/// does the time the answer takes.
pub async fn register(ctx: &AppContext, input: Registration, origin: &Origin) -> AppResult<()> {
    let now = ctx.now();
    let mut problems = Problems::default();
    let email = problems.check("email", Email::parse(&input.email));
    let name = problems.check("full_name", PersonName::parse(&input.full_name));
    let birth_date = problems.check(
        "birth_date",
        parse_birth_date(&input.birth_date, now.utc_date(), ctx.accounts.minimum_age),
    );
    let strength = passwords::check_new(
        &ctx.hashing,
        &input.password,
        &input.email,
        &input.full_name,
    );
    problems.check("password", strength.await?);
    problems.finish()?;
    let (Some(email), Some(name), Some(birth_date)) = (email, name, birth_date) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    // Counted before the hash, so a refused flood costs no hashing.
    let block = carespace_core::throttle::address_block(&origin.ip);
    throttle::limit_per_hour_now(ctx, &format!("register:{block}"), 20).await?;
    let password_hash = passwords::hash(&ctx.hashing, input.password).await?;

    let mut tx = ctx.db.begin().await?;
    if let Some(existing) = store::find_by_email(&mut tx, email.as_str()).await? {
        email_owner(&mut tx, &existing, MailMessage::AlreadyRegistered, now).await?;
        let event = Event {
            actor: None,
            role: ActorRole::Anonymous,
            action: AuditAction::RegistrationForExistingEmail,
            object_type: "account",
            object_id: Some(existing.id.as_str()),
            outcome: Outcome::Denied,
        };
        audit::record(&mut tx, origin, event, now).await?;
        tx.commit().await?;
        tracing::info!(target: "security", "registration for an existing address: owner emailed");
        return Ok(());
    }
    let account = AccountRow {
        id: AccountId::generate(),
        email: email.as_str().to_owned(),
        full_name: name.as_str().to_owned(),
        birth_date: birth_date.to_string(),
        password_hash,
        language: input.language.code().to_owned(),
        phone: None,
        photo_id: None,
        email_verified_at: None,
        created_at: now,
    };
    store::insert(&mut tx, &account).await?;
    send_verification(&mut tx, &account, now).await?;
    let event = Event::own(
        &account.id,
        AuditAction::AccountRegistered,
        "account",
        Some(account.id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "account registered");
    Ok(())
}

async fn send_verification(tx: &mut Tx, account: &AccountRow, now: Timestamp) -> AppResult<()> {
    store::expire_tokens(&mut *tx, &account.id, store::VERIFY_EMAIL, now).await?;
    let token = issue_token(
        tx,
        &account.id,
        store::VERIFY_EMAIL,
        None,
        VERIFY_LINK_MS,
        now,
    )
    .await?;
    email_owner(tx, account, MailMessage::VerifyEmail { token }, now).await
}

/// Confirms an address with the link sent to it and the account's password: the link proves
/// the address, the password proves the registrant. Without the password whoever registered
/// someone else's address first (say an owner's, before the owner did) would get it verified
/// by the real person's click. A wrong password leaves the link usable. Single use.
pub async fn verify_email(
    ctx: &AppContext,
    token: &str,
    password: Secret,
    origin: &Origin,
) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let token_hash = tokens::hash(token);
    let account_id = store::token_account(&ctx.db, &token_hash, store::VERIFY_EMAIL, ctx.now())
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let account = store::find(&ctx.db, &account_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    match confirm_password(ctx, &account, password, "password").await {
        Ok(()) => {}
        Err(AppError::Invalid(_)) => {
            let mut tx = ctx.db.begin().await?;
            // Whoever followed the link did not prove to be the registrant.
            let event = Event {
                actor: None,
                role: ActorRole::Anonymous,
                action: AuditAction::EmailVerificationRefused,
                object_type: "account",
                object_id: Some(account.id.as_str()),
                outcome: Outcome::Denied,
            };
            audit::record(&mut tx, origin, event, ctx.now()).await?;
            tx.commit().await?;
            return Err(AppError::field("password", "verify_password_wrong"));
        }
        Err(other) => return Err(other),
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::use_token(&mut tx, &token_hash, store::VERIFY_EMAIL, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    store::mark_verified(&mut tx, &account.id, now).await?;
    let event = Event::own(
        &account.id,
        AuditAction::EmailVerified,
        "account",
        Some(account.id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "email address verified");
    Ok(())
}

/// Sends a new verification link to an unverified account, at most once a minute.
pub async fn resend_verification(ctx: &AppContext, account_id: &AccountId) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let account = store::find(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if account.email_verified_at.is_some() {
        return Ok(());
    }
    if sent_recently(&mut tx, account_id, store::VERIFY_EMAIL, now).await? {
        return Err(AppError::TooManyRequests);
    }
    send_verification(&mut tx, &account, now).await?;
    tx.commit().await?;
    Ok(())
}
