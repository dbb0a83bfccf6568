//! Accounts: registration with email verification, password reset, and "My account" (name,
//! language, phone, email, password, photo). Every email is queued in the same transaction as
//! the change that causes it.

mod photo;

pub use photo::{photo, remove_photo, set_photo};

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::{self, MailMessage};
use crate::{passwords, sessions, throttle};
use carespace_core::accounts::{Email, PersonName, parse_birth_date, parse_phone};
use carespace_core::language::Language;
use carespace_core::passwords as policy;
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_core::{ids, tokens};
use carespace_store::Tx;
use carespace_store::accounts::{self as store, AccountRow, NewToken, ProfileChange};

/// A verification link lasts 24 hours.
pub const VERIFY_LINK_MS: i64 = 24 * 3_600_000;
/// A password reset link lasts one hour.
pub const RESET_LINK_MS: i64 = 3_600_000;
/// A new verification or reset email is sent at most once a minute per account.
pub const RESEND_INTERVAL_MS: i64 = 60_000;

/// An account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub full_name: String,
    /// `YYYY-MM-DD`; set at registration and never changed by the user.
    pub birth_date: String,
    pub language: Language,
    pub phone: Option<String>,
    pub has_photo: bool,
    pub verified: bool,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Account {
            language: row.language.parse().unwrap_or(Language::Nl),
            id: row.id,
            email: row.email,
            full_name: row.full_name,
            birth_date: row.birth_date,
            phone: row.phone,
            has_photo: row.photo_id.is_some(),
            verified: row.email_verified_at.is_some(),
        }
    }
}

pub async fn find(ctx: &AppContext, account_id: &str) -> AppResult<Account> {
    store::find(&ctx.db, account_id)
        .await?
        .map(Account::from)
        .ok_or(AppError::NotFound)
}

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
    problems.check(
        "password",
        policy::check(input.password.expose(), &input.email, &input.full_name),
    );
    problems.finish()?;
    let (Some(email), Some(name), Some(birth_date)) = (email, name, birth_date) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let password_hash = passwords::hash(input.password).await?;

    let mut tx = ctx.db.begin().await?;
    throttle::limit_per_hour(&mut tx, &format!("register:{}", origin.ip), 20, now).await?;
    if let Some(existing) = store::find_by_email(&mut tx, email.as_str()).await? {
        email_owner(&mut tx, &existing, MailMessage::AlreadyRegistered, now).await?;
        let event = Event {
            actor: None,
            role: "anonymous",
            action: "registration_for_existing_email",
            object_type: "account",
            object_id: Some(&existing.id),
            outcome: carespace_core::audit::Outcome::Denied,
        };
        audit::record(&mut tx, origin, event, now).await?;
        tx.commit().await?;
        tracing::info!(target: "security", "registration for an existing address: owner emailed");
        return Ok(());
    }
    let account = AccountRow {
        id: ids::new_id(),
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
        "account_registered",
        "account",
        Some(&account.id),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "account registered");
    Ok(())
}

/// Queues an email to the account's own address, in the account's language.
async fn email_owner(
    tx: &mut Tx,
    account: &AccountRow,
    message: MailMessage,
    now: Timestamp,
) -> AppResult<()> {
    let language = account.language.parse().unwrap_or(Language::Nl);
    mail::enqueue(
        tx,
        &account.email,
        &account.full_name,
        language,
        message,
        now,
    )
    .await
}

/// Stores a new single-use link token for the account and returns the token itself.
async fn issue_token(
    tx: &mut Tx,
    account_id: &str,
    purpose: &str,
    new_email: Option<&str>,
    lifetime_ms: i64,
    now: Timestamp,
) -> AppResult<String> {
    let token = tokens::generate()?;
    store::insert_token(
        tx,
        &NewToken {
            token_hash: &tokens::hash(&token),
            account_id,
            purpose,
            new_email,
            expires_at: now.plus_millis(lifetime_ms),
        },
        now,
    )
    .await?;
    Ok(token)
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

/// Follows a verification link: the account's address is verified. Single use.
pub async fn verify_email(ctx: &AppContext, token: &str, origin: &Origin) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let used = store::use_token(&mut tx, &tokens::hash(token), store::VERIFY_EMAIL, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    store::mark_verified(&mut tx, &used.account_id, now).await?;
    // Whoever proves an address takes up the ownerships waiting for it.
    if let Some(account) = store::find(&mut tx, &used.account_id).await? {
        carespace_store::organisations::link_owner(&mut tx, &account.email, &account.id).await?;
    }
    let event = Event::own(
        &used.account_id,
        "email_verified",
        "account",
        Some(&used.account_id),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %used.account_id, "email address verified");
    Ok(())
}

/// Sends a new verification link to an unverified account, at most once a minute.
pub async fn resend_verification(ctx: &AppContext, account_id: &str) -> AppResult<()> {
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

async fn sent_recently(
    tx: &mut Tx,
    account_id: &str,
    purpose: &str,
    now: Timestamp,
) -> AppResult<bool> {
    let latest = store::latest_token_at(tx, account_id, purpose).await?;
    Ok(latest.is_some_and(|at| now.millis() - at.millis() < RESEND_INTERVAL_MS))
}

/// Emails a reset link when the address has an account. The answer is the same either way.
pub async fn request_password_reset(
    ctx: &AppContext,
    email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let email = Email::parse(email).map_err(|code| AppError::field("email", code))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    throttle::limit_per_hour(&mut tx, &format!("reset:{}", origin.ip), 20, now).await?;
    let Some(account) = store::find_by_email(&mut tx, email.as_str()).await? else {
        tx.commit().await?;
        return Ok(());
    };
    if !sent_recently(&mut tx, &account.id, store::RESET_PASSWORD, now).await? {
        let token = issue_token(
            &mut tx,
            &account.id,
            store::RESET_PASSWORD,
            None,
            RESET_LINK_MS,
            now,
        )
        .await?;
        email_owner(&mut tx, &account, MailMessage::ResetPassword { token }, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether a reset link can still be used (to show its form, or say it has expired).
pub async fn reset_link_is_valid(ctx: &AppContext, token: &str) -> AppResult<bool> {
    if !tokens::is_well_formed(token) {
        return Ok(false);
    }
    Ok(store::token_account(
        &ctx.db,
        &tokens::hash(token),
        store::RESET_PASSWORD,
        ctx.now(),
    )
    .await?
    .is_some())
}

/// Sets a new password through a reset link: the link is used up, every session of the
/// account ends, and the owner is told by email. A reset also proves the address is theirs.
pub async fn reset_password(
    ctx: &AppContext,
    token: &str,
    new_password: Secret,
    origin: &Origin,
) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let token_hash = tokens::hash(token);
    let account_id = store::token_account(&ctx.db, &token_hash, store::RESET_PASSWORD, ctx.now())
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let account = store::find(&ctx.db, &account_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    policy::check(new_password.expose(), &account.email, &account.full_name)
        .map_err(|code| AppError::field("password", code))?;
    let hash = passwords::hash(new_password).await?;

    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::use_token(&mut tx, &token_hash, store::RESET_PASSWORD, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    store::expire_tokens(&mut tx, &account.id, store::RESET_PASSWORD, now).await?;
    store::set_password_hash(&mut tx, &account.id, &hash, now).await?;
    store::mark_verified(&mut tx, &account.id, now).await?;
    carespace_store::organisations::link_owner(&mut tx, &account.email, &account.id).await?;
    sessions::end_all_in(&mut tx, &account.id, None).await?;
    email_owner(&mut tx, &account, MailMessage::PasswordChanged, now).await?;
    let event = Event::own(&account.id, "password_reset", "account", Some(&account.id));
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "password reset; all sessions ended");
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub full_name: String,
    pub language: Language,
    pub phone: String,
}

/// Changes name, language and phone number. The language applies from the next page on.
pub async fn update_profile(
    ctx: &AppContext,
    account_id: &str,
    input: ProfileInput,
) -> AppResult<()> {
    let mut problems = Problems::default();
    let name = problems.check("full_name", PersonName::parse(&input.full_name));
    let phone = problems.check("phone", parse_phone(&input.phone));
    problems.finish()?;
    let (Some(name), Some(phone)) = (name, phone) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::update_profile(
        &mut tx,
        account_id,
        &ProfileChange {
            full_name: name.as_str(),
            language: input.language.code(),
            phone: phone.as_deref(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The language switch, for someone logged in: it is kept with the account.
pub async fn set_language(ctx: &AppContext, account_id: &str, language: Language) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    store::set_language(&mut tx, account_id, language.code(), ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks the current password of an account before a sensitive change (ASVS 7.5.1).
async fn confirm_password(
    account: &AccountRow,
    password: Secret,
    field: &'static str,
) -> AppResult<()> {
    if passwords::verify(password, Some(account.password_hash.clone())).await? {
        Ok(())
    } else {
        tracing::warn!(target: "security", account = %account.id, "wrong current password");
        Err(AppError::field(field, "current_password_wrong"))
    }
}

/// Changes the password: the current one is asked, every other session ends, and the owner is
/// told by email.
pub async fn change_password(
    ctx: &AppContext,
    account_id: &str,
    current_session_id: &str,
    current_password: Secret,
    new_password: Secret,
    origin: &Origin,
) -> AppResult<()> {
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    policy::check(new_password.expose(), &account.email, &account.full_name)
        .map_err(|code| AppError::field("new_password", code))?;
    confirm_password(&account, current_password, "current_password").await?;
    let hash = passwords::hash(new_password).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::set_password_hash(&mut tx, account_id, &hash, now).await?;
    sessions::end_all_in(&mut tx, account_id, Some(current_session_id)).await?;
    email_owner(&mut tx, &account, MailMessage::PasswordChanged, now).await?;
    let event = Event::own(account_id, "password_changed", "account", Some(account_id));
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, "password changed; other sessions ended");
    Ok(())
}

/// Starts an email change: the password is asked, and a link goes to the new address. The
/// address changes only when that link is followed. An address that belongs to another
/// account gets the "already registered" email instead, and the answer is the same.
pub async fn request_email_change(
    ctx: &AppContext,
    account_id: &str,
    password: Secret,
    new_email: &str,
) -> AppResult<()> {
    let new_email = Email::parse(new_email).map_err(|code| AppError::field("new_email", code))?;
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if new_email.as_str() == account.email {
        return Err(AppError::field("new_email", "email_unchanged"));
    }
    confirm_password(&account, password, "password").await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if let Some(other) = store::find_by_email(&mut tx, new_email.as_str()).await? {
        email_owner(&mut tx, &other, MailMessage::AlreadyRegistered, now).await?;
    } else {
        store::expire_tokens(&mut tx, account_id, store::CHANGE_EMAIL, now).await?;
        let token = issue_token(
            &mut tx,
            account_id,
            store::CHANGE_EMAIL,
            Some(new_email.as_str()),
            VERIFY_LINK_MS,
            now,
        )
        .await?;
        let language = account.language.parse().unwrap_or(Language::Nl);
        mail::enqueue(
            &mut tx,
            new_email.as_str(),
            &account.full_name,
            language,
            MailMessage::ConfirmNewEmail { token },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Follows the link sent to a new address: the account's email becomes that address, and the
/// old address is told.
pub async fn confirm_email_change(ctx: &AppContext, token: &str, origin: &Origin) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let used = store::use_token(&mut tx, &tokens::hash(token), store::CHANGE_EMAIL, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let new_email = used.new_email.ok_or(AppError::LinkInvalid)?;
    let account = store::find(&mut tx, &used.account_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    // Someone registered the address in the meantime.
    if store::find_by_email(&mut tx, &new_email).await?.is_some() {
        return Err(AppError::LinkInvalid);
    }
    store::set_email(&mut tx, &account.id, &new_email, now).await?;
    carespace_store::organisations::link_owner(&mut tx, &new_email, &account.id).await?;
    let event = Event::own(&account.id, "email_changed", "account", Some(&account.id));
    audit::record(&mut tx, origin, event, now).await?;
    store::mark_verified(&mut tx, &account.id, now).await?;
    email_owner(
        &mut tx,
        &account,
        MailMessage::EmailChanged { new_email },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "email address changed");
    Ok(())
}
