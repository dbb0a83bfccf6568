//! Logging in with a passkey: as the second step after the password (the account's own
//! passkeys are asked for), or alone from the login page (the browser offers whichever
//! discoverable passkey it holds, and its user handle names the account). Either opens the
//! session as every login does. The passkey was made with user verification required, so it
//! alone counts as two factors. A refused passkey is audit-logged and counted like a wrong code.

use super::client::ClientInfo;
use super::opening::{NewSession, open_session};
use super::second_step::{trusted_device, waiting_account};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passkeys::{
    AssertionState, Ceremony, check_assertion, failed, parse_answer, passkeys_of, record_alone,
    relying_party, start, take,
};
use crate::second_factors::{code_counter, reserve_code_try};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::passkeys::CeremonyKind;
use carespace_core::second_factors::CHALLENGE_TRIES;
use carespace_core::throttle as policy;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::passkeys as passkey_store;
use carespace_store::second_factors as challenges;
use carespace_store::{accounts as account_store, throttle};

/// The browser's answer to a login ceremony.
#[derive(Debug, Clone)]
pub struct PasskeyAnswer {
    /// The token the options came with.
    pub ceremony: String,
    /// The `PublicKeyCredential` as JSON.
    pub credential: String,
    /// The trusted-device cookie of this browser, when it has one.
    pub device_token: Option<String>,
    pub client: ClientInfo,
}

fn origin_of(client: &ClientInfo) -> Origin {
    Origin {
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        ..Origin::default()
    }
}

fn refused() -> AppError {
    AppError::field("credential", "passkey_refused")
}

/// The options for the second step of the login waiting under `challenge`: the account's
/// passkeys.
pub async fn start_second_step(ctx: &AppContext, challenge: &str) -> AppResult<Ceremony> {
    let rp = relying_party(ctx)?;
    let account = open_challenge(ctx, challenge).await?;
    let keys = passkeys_of(&ctx.db, &account).await?;
    let (options, state) = rp
        .webauthn
        .start_passkey_authentication(&keys)
        .map_err(|_| AppError::field("credential", "passkey_none"))?;
    let state = AssertionState::Known(state);
    start(
        ctx,
        CeremonyKind::SecondStep,
        Some(&account),
        None,
        &state,
        &options,
    )
    .await
}

async fn open_challenge(ctx: &AppContext, challenge: &str) -> AppResult<AccountId> {
    waiting_account(ctx, challenge)
        .await?
        .ok_or_else(|| AppError::field("credential", "second_step_expired"))
}

/// Completes the login waiting under `challenge` with a passkey of its account.
pub async fn complete_second_step(
    ctx: &AppContext,
    challenge: &str,
    answer: PasskeyAnswer,
) -> AppResult<NewSession> {
    let rp = relying_party(ctx)?;
    let origin = origin_of(&answer.client);
    let account_id = open_challenge(ctx, challenge).await?;
    let now = ctx.now();
    let device = trusted_device(ctx, &account_id, answer.device_token.as_deref(), now).await?;
    let counter = code_counter(&account_id, device.as_deref());
    reserve_code_try(ctx, &counter, now).await?;
    let kind = CeremonyKind::SecondStep;
    let (_, state) = take::<AssertionState>(ctx, &answer.ceremony, kind, Some(&account_id)).await?;
    let keys = passkey_store::of_account(&ctx.db, &account_id).await?;
    let checked = match parse_answer(&answer.credential) {
        Some(parsed) => check_assertion(rp, &keys, &parsed, state)?,
        None => None,
    };
    let hash = tokens::hash(challenge);
    let Some((used, updated)) = checked else {
        let mut tx = ctx.db.begin().await?;
        let tries_left = challenges::fail_challenge(&mut tx, &hash, CHALLENGE_TRIES).await?;
        let event = failed(AuditAction::PasskeyFailed, &account_id);
        audit::record(&mut tx, &origin, event, now).await?;
        tx.commit().await?;
        tracing::warn!(target: "security", account = %account_id, ip = %origin.ip, "second step with a passkey failed");
        let problem = if tries_left {
            "passkey_refused"
        } else {
            "second_step_expired"
        };
        return Err(AppError::field("credential", problem));
    };
    let mut tx = ctx.db.begin().await?;
    let Some(account) = account_store::find(&mut tx, &account_id).await? else {
        return Err(refused());
    };
    // Another request with the same challenge may have finished first.
    if !challenges::end_challenge(&mut tx, &hash).await? {
        return Err(AppError::field("credential", "second_step_expired"));
    }
    throttle::clear_failures(&mut tx, &counter).await?;
    passkey_store::record_use(&mut tx, &used.id, &updated, now).await?;
    let event = Event::own(
        &account.id,
        AuditAction::PasskeyUsed,
        "passkey",
        Some(used.id.as_str()),
    );
    audit::record(&mut tx, &origin, event, now).await?;
    let trusted = device.is_some();
    let session =
        open_session(&mut tx, ctx, &account, trusted, &answer.client, origin, now).await?;
    tx.commit().await?;
    Ok(session)
}

/// The options for logging in with a passkey alone: no credential is named, the browser
/// offers the discoverable ones it holds for this site.
pub async fn start_passwordless(ctx: &AppContext) -> AppResult<Ceremony> {
    let rp = relying_party(ctx)?;
    let (mut options, state) = rp
        .webauthn
        .start_discoverable_authentication()
        .map_err(|e| AppError::Internal(format!("passkey login: {e}")))?;
    // Asked for by a button, not offered in the address field's autofill.
    options.mediation = None;
    let state = AssertionState::Discoverable(state);
    start(
        ctx,
        CeremonyKind::Passwordless,
        None,
        None,
        &state,
        &options,
    )
    .await
}

/// Logs in with a passkey alone; the account is the one the passkey belongs to. Tries are
/// counted against the address like password logins.
pub async fn log_in_passwordless(ctx: &AppContext, answer: PasskeyAnswer) -> AppResult<NewSession> {
    let rp = relying_party(ctx)?;
    let origin = origin_of(&answer.client);
    let now = ctx.now();
    let ip_counter = format!("ip:{}", policy::address_block(&answer.client.ip));
    reserve_ip_try(ctx, &ip_counter, now).await?;
    let kind = CeremonyKind::Passwordless;
    let (_, state) = take::<AssertionState>(ctx, &answer.ceremony, kind, None).await?;
    let parsed = parse_answer(&answer.credential);
    // The user handle names the account; a credential of no account here is refused.
    let named = parsed
        .as_ref()
        .and_then(|p| p.get_user_unique_id())
        .and_then(|handle| webauthn_rs::prelude::Uuid::from_slice(handle).ok())
        .and_then(|uuid| AccountId::parse(&uuid.to_string()));
    let account = match &named {
        Some(id) => account_store::find(&ctx.db, id).await?,
        None => None,
    };
    let checked = match (&account, &parsed) {
        (Some(account), Some(parsed)) => {
            let keys = passkey_store::of_account(&ctx.db, &account.id).await?;
            check_assertion(rp, &keys, parsed, state)?
        }
        _ => None,
    };
    let (Some(account), Some((used, updated))) = (&account, checked) else {
        // No one is known to have acted; the account the answer named, when it exists.
        let event = Event {
            actor: None,
            role: ActorRole::Anonymous,
            action: AuditAction::PasskeyFailed,
            object_type: "account",
            object_id: account.as_ref().map(|a| a.id.as_str()),
            outcome: Outcome::Denied,
        };
        record_alone(ctx, &origin, event).await?;
        tracing::warn!(target: "security", ip = %origin.ip, "passkey login refused");
        return Err(refused());
    };
    let device = trusted_device(ctx, &account.id, answer.device_token.as_deref(), now).await?;
    let mut tx = ctx.db.begin().await?;
    throttle::give_back_failure(&mut tx, &ip_counter).await?;
    passkey_store::record_use(&mut tx, &used.id, &updated, now).await?;
    let event = Event::own(
        &account.id,
        AuditAction::PasskeyUsed,
        "passkey",
        Some(used.id.as_str()),
    );
    audit::record(&mut tx, &origin, event, now).await?;
    let trusted = device.is_some();
    let session = open_session(&mut tx, ctx, account, trusted, &answer.client, origin, now).await?;
    tx.commit().await?;
    Ok(session)
}

/// Counts a passwordless try against the address before the answer is looked at, unless the
/// address's counter says wait (as for password logins).
async fn reserve_ip_try(ctx: &AppContext, counter: &str, now: Timestamp) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    let (failures, last) = throttle::lock_failures(&mut tx, counter).await?;
    if let Some(wait_ms) = policy::PER_IP
        .remaining_ms(failures, last, now)
        .filter(|ms| *ms > 0)
    {
        drop(tx);
        ctx.refusals.count("login");
        tracing::warn!(target: "security", wait_ms, "passkey login refused while slowed down");
        return Err(AppError::LoginThrottled {
            retry_after_secs: (wait_ms + 999) / 1000,
        });
    }
    let forget_before = now.plus_millis(-policy::FORGET_AFTER_MS);
    throttle::add_failure(&mut tx, counter, forget_before, now).await?;
    tx.commit().await?;
    Ok(())
}
