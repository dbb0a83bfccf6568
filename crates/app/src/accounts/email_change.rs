//! Changing the account's email address: confirmed by a link sent to the new address.

use super::account::email_owner;
use super::current_password::confirm_current_password;
use super::links::{VERIFY_LINK_MS, issue_token};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::{self, MailMessage};
use crate::throttle;
use carespace_core::accounts::Email;
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use carespace_core::tokens;
use carespace_store::accounts as store;

/// Email-change requests one account may make in an hour.
pub const CHANGES_PER_ACCOUNT_HOUR: i64 = 5;
/// Email-change requests that may name one address in an hour, whoever makes them: no one can
/// flood an inbox with confirmation links.
pub const CHANGES_PER_ADDRESS_HOUR: i64 = 3;

/// Starts an email change: the password is asked, and a link goes to the new address. The
/// address changes only when that link is followed. An address that belongs to another
/// account gets the "already registered" email instead, and the answer is the same.
pub async fn request_email_change(
    ctx: &AppContext,
    account_id: &AccountId,
    password: Secret,
    new_email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let new_email = Email::parse(new_email).map_err(|code| AppError::field("new_email", code))?;
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if new_email.as_str() == account.email {
        return Err(AppError::field("new_email", "email_unchanged"));
    }
    let per_account = format!("email_change:{account_id}");
    throttle::limit_per_hour_now(ctx, &per_account, CHANGES_PER_ACCOUNT_HOUR).await?;
    let per_address = format!("email_change_to:{}", tokens::hash(new_email.as_str()));
    throttle::limit_per_hour_now(ctx, &per_address, CHANGES_PER_ADDRESS_HOUR).await?;
    confirm_current_password(ctx, &account, password, "password", origin).await?;
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
    // The same entry either way, and never the address asked for.
    let event = Event::own(
        account_id,
        AuditAction::EmailChangeRequested,
        "account",
        Some(account_id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
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
    let event = Event::own(
        &account.id,
        AuditAction::EmailChanged,
        "account",
        Some(account.id.as_str()),
    );
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
