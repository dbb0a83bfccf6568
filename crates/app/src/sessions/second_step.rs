//! The second step of a login, for an account with a second factor: the password was right,
//! the browser holds a challenge token for ten minutes, and the session starts only with a
//! current code from the authenticator app or an unused recovery code. Wrong codes are slowed
//! down per account like passwords (a delay, never a lock-out) and end the challenge after five,
//! so the password is asked again. A password reset never skips this step: it starts no
//! session.

use super::client::ClientInfo;
use super::login::{NewSession, open_session};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::second_factors::verify_code;
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::second_factors::{CHALLENGE_MS, CHALLENGE_TRIES};
use carespace_core::throttle::{self as policy, FORGET_AFTER_MS};
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

#[derive(Debug, Clone)]
pub struct SecondStepInput {
    /// The token the first step gave the browser.
    pub challenge: String,
    /// Six digits from the app, or a recovery code.
    pub code: String,
    /// The trusted-device cookie of this browser, when it has one.
    pub device_token: Option<String>,
    pub client: ClientInfo,
}

fn expired() -> AppError {
    AppError::field("code", "second_step_expired")
}

/// Completes a login with its second factor: the session, as a login without one gets it.
pub async fn complete(ctx: &AppContext, input: SecondStepInput) -> AppResult<NewSession> {
    if !tokens::is_well_formed(&input.challenge) {
        return Err(expired());
    }
    let now = ctx.now();
    let hash = tokens::hash(&input.challenge);
    let (account_id, _) = store::open_challenge(&ctx.db, &hash, now)
        .await?
        .ok_or_else(expired)?;
    let counter = format!("second_step:{account_id}");
    reserve(ctx, &counter, now).await?;
    let origin = Origin {
        ip: input.client.ip.clone(),
        user_agent: input.client.user_agent.clone(),
        ..Origin::default()
    };
    let mut tx = ctx.db.begin().await?;
    let (_, failures) = store::open_challenge(&mut tx, &hash, now)
        .await?
        .ok_or_else(expired)?;
    let account = account_store::find(&mut tx, &account_id)
        .await?
        .ok_or_else(expired)?;
    if !verify_code(&mut tx, &account, &input.code, &origin, now).await? {
        if failures + 1 >= CHALLENGE_TRIES {
            store::end_challenge(&mut tx, &hash).await?;
        } else {
            store::fail_challenge(&mut tx, &hash).await?;
        }
        let event = Event {
            actor: Some(&account.id),
            role: ActorRole::OwnAccount,
            action: AuditAction::SecondStepFailed,
            object_type: "account",
            object_id: Some(account.id.as_str()),
            outcome: Outcome::Denied,
        };
        audit::record(&mut tx, &origin, event, now).await?;
        tx.commit().await?;
        tracing::warn!(target: "security", account = %account.id, ip = %input.client.ip, "second step failed");
        let problem = if failures + 1 >= CHALLENGE_TRIES {
            "second_step_expired"
        } else {
            "second_factor_code_wrong"
        };
        return Err(AppError::field("code", problem));
    }
    // Another request with the same challenge may have finished first.
    if !store::end_challenge(&mut tx, &hash).await? {
        return Err(expired());
    }
    throttle::clear_failures(&mut tx, &counter).await?;
    let trusted = match input.device_token.as_deref() {
        Some(device) if tokens::is_well_formed(device) => {
            throttle::is_trusted_device(&mut tx, &tokens::hash(device), &account.id, now).await?
        }
        _ => false,
    };
    let session = open_session(&mut tx, ctx, &account, trusted, &input.client, origin, now).await?;
    tx.commit().await?;
    Ok(session)
}

/// Counts this try as a failure before the code is looked at, unless the account's counter
/// says wait: of many parallel guesses only as many as the counter allows get through.
async fn reserve(ctx: &AppContext, counter: &str, now: Timestamp) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    let (failures, last) = throttle::lock_failures(&mut tx, counter).await?;
    if let Some(wait_ms) = policy::PER_ACCOUNT
        .remaining_ms(failures, last, now)
        .filter(|ms| *ms > 0)
    {
        drop(tx);
        tracing::warn!(target: "security", wait_ms, "second step refused while slowed down");
        return Err(AppError::LoginThrottled {
            retry_after_secs: (wait_ms + 999) / 1000,
        });
    }
    throttle::add_failure(&mut tx, counter, now.plus_millis(-FORGET_AFTER_MS), now).await?;
    tx.commit().await?;
    Ok(())
}
