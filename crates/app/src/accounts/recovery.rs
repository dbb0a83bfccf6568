//! Password reset by a link sent to the account's address.

use super::account::email_owner;
use super::links::{RESET_LINK_MS, issue_token, sent_recently};
use super::sign_out;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use crate::{passwords, throttle};
use carespace_core::accounts::Email;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::secret::Secret;
use carespace_core::tokens;
use carespace_store::accounts as store;

/// Emails a reset link when the address has an account. The answer is the same either way.
pub async fn request_password_reset(
    ctx: &AppContext,
    email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let email = Email::parse(email).map_err(|code| AppError::field("email", code))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let block = carespace_core::throttle::address_block(&origin.ip);
    throttle::limit_per_hour(ctx, &mut tx, &format!("reset:{block}"), 20, now).await?;
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
    // Nobody is known to ask: whoever typed the address may not be its owner.
    let event = Event {
        actor: None,
        role: ActorRole::Anonymous,
        ..Event::own(
            &account.id,
            AuditAction::PasswordResetRequested,
            "account",
            Some(account.id.as_str()),
        )
    };
    audit::record(&mut tx, origin, event, now).await?;
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

/// Sets a new password through a reset link: the link is used up, every way into the account
/// ends (sessions, API tokens, trusted devices, open links), and the owner is told by email.
/// A reset also proves the address is theirs: the account counts as verified.
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
    passwords::check_new(
        &ctx.hashing,
        &new_password,
        &account.email,
        &account.full_name,
    )
    .await?
    .map_err(|code| AppError::field("password", code))?;
    let hash = passwords::hash(&ctx.hashing, new_password).await?;

    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::use_token(&mut tx, &token_hash, store::RESET_PASSWORD, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    store::set_password_hash(&mut tx, &account.id, &hash, now).await?;
    store::mark_verified(&mut tx, &account.id, now).await?;
    sign_out::end_access(&mut tx, &account.id, None, now).await?;
    email_owner(&mut tx, &account, MailMessage::PasswordChanged, now).await?;
    let event = Event::own(
        &account.id,
        AuditAction::PasswordReset,
        "account",
        Some(account.id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, "password reset; every way in ended");
    Ok(())
}
