//! The text-message option of a login's second step: which factors the waiting login may use,
//! and a code sent to the account's number for it. The code is then typed like an app's, and
//! checked (and slowed down) by `second_step::complete`.

use super::client::ClientInfo;
use super::second_step::waiting_account;
use crate::audit::Origin;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::second_factors::sms::{SentTo, deliver, send_to_factor, service};
use crate::sms::SmsTexts;
use carespace_core::sms::SmsPurpose;
use carespace_store::second_factors as store;
use carespace_store::{accounts as account_store, passkeys as passkey_store, sms as sms_store};

/// What the second step of a waiting login may take besides a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondStepFactors {
    pub app: bool,
    /// The account has a number and this installation sends text messages.
    pub sms: bool,
    /// The account has a passkey and this installation offers passkeys.
    pub passkey: bool,
}

/// The factors of the login waiting with `challenge`; `None` when it is over.
pub async fn factors(ctx: &AppContext, challenge: &str) -> AppResult<Option<SecondStepFactors>> {
    let Some(account) = waiting_account(ctx, challenge).await? else {
        return Ok(None);
    };
    let app = store::totp_of(&ctx.db, &account)
        .await?
        .is_some_and(|t| t.confirmed_at.is_some());
    let number = sms_store::factor_of(&ctx.db, &account, true).await?;
    let passkey = ctx.passkeys.is_some()
        && !passkey_store::of_account(&ctx.db, &account)
            .await?
            .is_empty();
    Ok(Some(SecondStepFactors {
        app,
        sms: number.is_some() && ctx.sms.is_some(),
        passkey,
    }))
}

/// Sends a login code to the number of the account waiting with `challenge` (in place of one
/// sent before); within the hourly limit of sends.
pub async fn send_code(
    ctx: &AppContext,
    texts: &dyn SmsTexts,
    challenge: &str,
    client: &ClientInfo,
) -> AppResult<SentTo> {
    let sms = service(ctx, "code")?;
    let Some(account_id) = waiting_account(ctx, challenge).await? else {
        return Err(AppError::field("code", "second_step_expired"));
    };
    let origin = Origin {
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        ..Origin::default()
    };
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let account = account_store::find(&mut tx, &account_id)
        .await?
        .ok_or_else(|| AppError::field("code", "second_step_expired"))?;
    let pending = send_to_factor(&mut tx, &sms, &account, SmsPurpose::Login, now).await?;
    tx.commit().await?;
    deliver(ctx, &sms, texts, pending, &origin, "code").await
}
