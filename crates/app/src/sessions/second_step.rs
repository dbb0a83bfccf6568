//! The second step of a login, for an account with a second factor: the password was right,
//! the browser holds a challenge token for ten minutes, and the session starts only with a
//! current code from the authenticator app or an unused recovery code. Wrong codes are slowed
//! down like passwords (a delay, never a lock-out: a trusted browser of the account counts on
//! its own) and end the challenge after five, so the password is asked again. A password reset never skips this step: it starts no
//! session.

use super::client::ClientInfo;
use super::opening::{NewSession, open_session};
use super::remembered;
use crate::audit::{self, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::second_factors::{code_counter, reserve_code_try, verify_code, wrong_code};
use carespace_core::ids::AccountId;
use carespace_core::second_factors::{CHALLENGE_MS, CHALLENGE_TRIES};
use carespace_core::sms::SmsPurpose;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::second_factors as store;
use carespace_store::{Tx, accounts as account_store, throttle};

/// A new challenge for the account, inside the login's transaction; its token for the browser.
pub(super) async fn challenge(
    tx: &mut Tx,
    account: &AccountId,
    now: Timestamp,
) -> AppResult<String> {
    let token = tokens::generate()?;
    let expires = now.plus_millis(CHALLENGE_MS);
    store::insert_challenge(&mut *tx, &tokens::hash(&token), account, now, expires).await?;
    Ok(token)
}

/// The account whose login waits under the challenge token `challenge`, while it may still be
/// completed (unexpired, tries left); the one lookup every kind of second step starts with.
pub(super) async fn waiting_account(
    ctx: &AppContext,
    challenge: &str,
) -> AppResult<Option<AccountId>> {
    if !tokens::is_well_formed(challenge) {
        return Ok(None);
    }
    let hash = tokens::hash(challenge);
    Ok(store::open_challenge(&ctx.db, &hash, CHALLENGE_TRIES, ctx.now()).await?)
}

#[derive(Debug, Clone)]
pub struct SecondStepInput {
    /// The token the first step gave the browser.
    pub challenge: String,
    /// Six digits from the app, or a recovery code.
    pub code: String,
    /// The trusted-device cookie of this browser, when it has one.
    pub device_token: Option<String>,
    /// "Remember this browser for 30 days": its next logins skip this step.
    pub remember: bool,
    pub client: ClientInfo,
}

fn expired() -> AppError {
    AppError::field("code", "second_step_expired")
}

/// Completes a login with its second factor: the session, as a login without one gets it.
pub async fn complete(ctx: &AppContext, input: SecondStepInput) -> AppResult<NewSession> {
    let origin = Origin {
        ip: input.client.ip.clone(),
        user_agent: input.client.user_agent.clone(),
        ..Origin::default()
    };
    let refused = |why: &str| {
        tracing::warn!(target: "security", ip = %origin.ip, why, "second step refused");
        expired()
    };
    let Some(account_id) = waiting_account(ctx, &input.challenge).await? else {
        return Err(refused("malformed, unknown, expired or spent challenge"));
    };
    let now = ctx.now();
    let hash = tokens::hash(&input.challenge);
    let device = trusted_device(ctx, &account_id, input.device_token.as_deref(), now).await?;
    let counter = code_counter(&account_id, device.as_deref());
    reserve_code_try(ctx, &counter, now).await?;
    let mut tx = ctx.db.begin().await?;
    let Some(account) = account_store::find(&mut tx, &account_id).await? else {
        return Err(refused("account gone"));
    };
    if !verify_code(
        &mut tx,
        &account,
        &input.code,
        SmsPurpose::Login,
        &origin,
        now,
    )
    .await?
    {
        let tries_left = store::fail_challenge(&mut tx, &hash, CHALLENGE_TRIES).await?;
        audit::record(&mut tx, &origin, wrong_code(&account.id), now).await?;
        tx.commit().await?;
        tracing::warn!(target: "security", account = %account.id, ip = %input.client.ip, "second step failed");
        let problem = if tries_left {
            "second_factor_code_wrong"
        } else {
            "second_step_expired"
        };
        return Err(AppError::field("code", problem));
    }
    // Another request with the same challenge may have finished first.
    if !store::end_challenge(&mut tx, &hash).await? {
        return Err(refused("challenge completed by another request"));
    }
    throttle::clear_failures(&mut tx, &counter).await?;
    let trusted = device.is_some();
    let session = open_session(
        &mut tx,
        ctx,
        &account,
        trusted,
        &input.client,
        origin.clone(),
        now,
    )
    .await?;
    if input.remember {
        // This browser's trusted device: the one it had, or the one the session just made.
        let device_hash = device.or_else(|| session.device_token.as_deref().map(tokens::hash));
        if let Some(hash) = device_hash {
            remembered::remember(&mut tx, &account.id, &hash, &input.client, &origin, now).await?;
        }
    }
    tx.commit().await?;
    Ok(session)
}

/// The hash of this browser's trusted-device cookie, when it is one of the account's.
pub(super) async fn trusted_device(
    ctx: &AppContext,
    account: &AccountId,
    device_token: Option<&str>,
    now: Timestamp,
) -> AppResult<Option<String>> {
    let Some(device) = device_token.filter(|d| tokens::is_well_formed(d)) else {
        return Ok(None);
    };
    let hash = tokens::hash(device);
    let mut tx = ctx.db.begin().await?;
    let trusted = throttle::is_trusted_device(&mut tx, &hash, account, now).await?;
    tx.commit().await?;
    Ok(trusted.then_some(hash))
}
