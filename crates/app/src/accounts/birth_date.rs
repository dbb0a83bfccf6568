//! Correcting a date of birth that was registered wrongly. Care providers check identity with
//! it (an invited client must enter the same date), so a correction asks for the password, is
//! emailed to the account's address and audit-logged, and happens at most once in 30 days.

use super::account::email_owner;
use super::current_password::confirm_current_password;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use carespace_core::accounts::parse_birth_date;
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_core::secret::Secret;
use carespace_store::accounts as store;

/// The shortest time between two corrections.
pub const CORRECTION_INTERVAL_MS: i64 = 30 * 24 * 3_600_000;

pub async fn correct_birth_date(
    ctx: &AppContext,
    account_id: &AccountId,
    birth_date: &str,
    password: Secret,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let date = parse_birth_date(birth_date, now.utc_date(), ctx.accounts.minimum_age)
        .map_err(|code| AppError::field("birth_date", code))?;
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if date.to_string() == account.birth_date {
        return Err(AppError::field("birth_date", "birth_date_unchanged"));
    }
    let not_since = now.plus_millis(-CORRECTION_INTERVAL_MS);
    // Told before the password is asked, so a refused correction costs no hash; the update
    // checks it again.
    if store::birth_date_changed_at(&ctx.db, account_id)
        .await?
        .is_some_and(|at| at > not_since)
    {
        return Err(AppError::field(
            "birth_date",
            "birth_date_corrected_recently",
        ));
    }
    if password.expose().is_empty() {
        return Err(AppError::field(
            "birth_date_password",
            "birth_date_password_required",
        ));
    }
    confirm_current_password(ctx, &account, password, "birth_date_password", origin).await?;
    let mut tx = ctx.db.begin().await?;
    let date = date.to_string();
    if !store::correct_birth_date(&mut tx, account_id, &date, not_since, now).await? {
        return Err(AppError::field(
            "birth_date",
            "birth_date_corrected_recently",
        ));
    }
    email_owner(&mut tx, &account, MailMessage::BirthDateCorrected, now).await?;
    let event = Event::own(
        account_id,
        AuditAction::BirthDateCorrected,
        "account",
        Some(account_id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}
