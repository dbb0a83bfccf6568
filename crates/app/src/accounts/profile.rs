//! "My account": name, language, phone number and password.

use super::account::email_owner;
use super::current_password::confirm_current_password;
use super::sign_out;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::MailMessage;
use crate::passwords;
use carespace_core::accounts::{PersonName, parse_phone};
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use carespace_store::accounts::{self as store, ProfileChange};

#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub full_name: String,
    pub language: Language,
    pub phone: String,
    /// The account's password: required only when the phone number changes, as the number will
    /// receive sign-in codes.
    pub password: Option<Secret>,
}

/// Changes name, language and phone number. The language applies from the next page on. A new
/// phone number asks for the password, checked under the current-password limit. The audit
/// entry says that the profile changed, not what it now holds.
pub async fn update_profile(
    ctx: &AppContext,
    account_id: &AccountId,
    input: ProfileInput,
    origin: &Origin,
) -> AppResult<()> {
    let mut problems = Problems::default();
    let name = problems.check("full_name", PersonName::parse(&input.full_name));
    let phone = problems.check("phone", parse_phone(&input.phone));
    problems.finish()?;
    let (Some(name), Some(phone)) = (name, phone) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if phone != account.phone {
        match input.password.filter(|p| !p.expose().is_empty()) {
            Some(password) => {
                confirm_current_password(ctx, &account, password, "phone_password", origin).await?;
            }
            None => {
                return Err(AppError::field(
                    "phone_password",
                    "current_password_required",
                ));
            }
        }
    }
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
    let event = Event::own(
        account_id,
        AuditAction::ProfileChanged,
        "account",
        Some(account_id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The language switch, for someone logged in: it is kept with the account.
pub async fn set_language(
    ctx: &AppContext,
    account_id: &AccountId,
    language: Language,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    store::set_language(&mut tx, account_id, language.code(), ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password: the current one is asked, every other way in ends (sessions but this
/// one, API tokens, trusted devices, open links), and the owner is told by email.
pub async fn change_password(
    ctx: &AppContext,
    account_id: &AccountId,
    current_session_id: &str,
    current_password: Secret,
    new_password: Secret,
    origin: &Origin,
) -> AppResult<()> {
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    passwords::check_new(
        &ctx.hashing,
        &new_password,
        &account.email,
        &account.full_name,
    )
    .await?
    .map_err(|code| AppError::field("new_password", code))?;
    confirm_current_password(ctx, &account, current_password, "current_password", origin).await?;
    let hash = passwords::hash(&ctx.hashing, new_password).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::set_password_hash(&mut tx, account_id, &hash, now).await?;
    sign_out::end_access(&mut tx, account_id, Some(current_session_id), now).await?;
    email_owner(&mut tx, &account, MailMessage::PasswordChanged, now).await?;
    let event = Event::own(
        account_id,
        AuditAction::PasswordChanged,
        "account",
        Some(account_id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, "password changed; every other way in ended");
    Ok(())
}
