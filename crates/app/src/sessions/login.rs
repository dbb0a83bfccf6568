//! Logging in: the password checked against the login throttle, then (for an account with a
//! second factor) the second step, a new session, and the browser made a trusted device.

use super::client::ClientInfo;
use super::opening::{NewSession, open_session};
use super::remembered;
use super::second_step;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords::{self, HashUse};
use carespace_core::accounts::Email;
use carespace_core::audit::Outcome;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::AccountId;
use carespace_core::secret::Secret;
use carespace_core::throttle::{self as policy, Curve};
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::accounts as account_store;
use carespace_store::second_factors;
use carespace_store::{Tx, throttle};

#[derive(Debug, Clone)]
pub struct LoginInput {
    pub email: String,
    pub password: Secret,
    /// The trusted-device cookie of this browser, when it has one.
    pub device_token: Option<String>,
    pub client: ClientInfo,
}

/// What a right password leads to: a session, or the second step when the account has a
/// second factor (the `challenge` token is the browser's until that step is done).
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    Session(NewSession),
    SecondStep { challenge: String },
}

/// Logs in. Unknown email and wrong password give the same error after the same work; failed
/// tries are slowed down per account, IP address and trusted device (`core::throttle`).
pub async fn login(ctx: &AppContext, input: LoginInput) -> AppResult<LoginOutcome> {
    let now = ctx.now();
    let email = Email::parse(&input.email).ok();
    let normalised = email.as_ref().map_or_else(
        || input.email.trim().to_lowercase(),
        |email| email.as_str().to_owned(),
    );
    // What is not an address has no account; it is never sent to the database, which may refuse
    // some characters (a NUL byte) with an error instead of "not found".
    let account = match &email {
        Some(email) => account_store::find_by_email(&ctx.db, email.as_str()).await?,
        None => None,
    };
    let account_id = account.as_ref().map(|a| a.id.clone());
    let keys = ThrottleKeys::new(ctx, &normalised, account_id.as_ref(), &input, now).await?;
    let origin = Origin {
        ip: input.client.ip.clone(),
        user_agent: input.client.user_agent.clone(),
        ..Origin::default()
    };
    // The try is counted as a failure before the password is looked at, in one transaction
    // with the check: of many parallel guesses only as many as the counters allow get through.
    // A refusal writes nothing (`refusals`).
    keys.reserve(ctx, now).await?;

    let matches = passwords::verify(
        &ctx.hashing,
        HashUse::Login,
        input.password,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    let mut tx = ctx.db.begin().await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            audit::record(
                &mut tx,
                &origin,
                denied(AuditAction::LoginFailed, account_id.as_ref()),
                now,
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(target: "security", ip = %input.client.ip, "login failed");
            return Err(AppError::LoginFailed);
        }
    };
    keys.succeeded(&mut tx).await?;
    // A second factor set up at this moment either is seen here, or ends the session this
    // login opens (`accounts::end_access` takes the same lock).
    account_store::lock(&mut tx, &account.id).await?;
    let device = keys.trusted_device.as_deref();
    if second_factors::has_confirmed(&mut tx, &account.id).await?
        && !remembered::skips_second_step(&mut tx, &account.id, device, now).await?
    {
        let challenge = second_step::challenge(&mut tx, &account.id, now).await?;
        tx.commit().await?;
        return Ok(LoginOutcome::SecondStep { challenge });
    }
    let trusted = keys.trusted_device.is_some();
    let session = open_session(&mut tx, ctx, &account, trusted, &input.client, origin, now).await?;
    tx.commit().await?;
    Ok(LoginOutcome::Session(session))
}

/// A refused login: no one is known to have acted; the account tried, when it exists.
fn denied<'a>(action: AuditAction, account_id: Option<&'a AccountId>) -> Event<'a> {
    Event {
        actor: None,
        role: ActorRole::Anonymous,
        action,
        object_type: "account",
        object_id: account_id.map(AccountId::as_str),
        outcome: Outcome::Denied,
    }
}

/// The counters a login try is held against.
struct ThrottleKeys {
    ip: String,
    /// The account's shared counter, or the trusted device's own.
    account_or_device: String,
    trusted_device: Option<String>,
}

impl ThrottleKeys {
    async fn new(
        ctx: &AppContext,
        email: &str,
        account_id: Option<&AccountId>,
        input: &LoginInput,
        now: Timestamp,
    ) -> AppResult<ThrottleKeys> {
        let mut trusted_device = None;
        if let (Some(account_id), Some(device)) = (account_id, input.device_token.as_deref())
            && tokens::is_well_formed(device)
        {
            let hash = tokens::hash(device);
            let mut tx = ctx.db.begin().await?;
            if throttle::is_trusted_device(&mut tx, &hash, account_id, now).await? {
                trusted_device = Some(hash);
            }
            tx.commit().await?;
        }
        // Keyed by the address typed, known or not, so unknown addresses behave the same.
        let account_or_device = match &trusted_device {
            Some(hash) => format!("device:{hash}"),
            None => format!("account:{}", tokens::hash(email)),
        };
        Ok(ThrottleKeys {
            ip: format!("ip:{}", policy::address_block(&input.client.ip)),
            account_or_device,
            trusted_device,
        })
    }

    fn counters(&self) -> Vec<(&str, Curve)> {
        let mut counters = vec![(self.account_or_device.as_str(), policy::PER_ACCOUNT)];
        // A trusted device is not held back by what others do from the same address.
        if self.trusted_device.is_none() {
            counters.push((self.ip.as_str(), policy::PER_IP));
        }
        counters
    }

    /// Refuses the try while a counter says wait (counting nothing); otherwise counts it as a
    /// failure on every counter, until [`Self::succeeded`] says otherwise.
    ///
    /// A key the database refused lately is refused from memory until its wait is over, so a
    /// flood of tries for one account or address opens no transaction each.
    async fn reserve(&self, ctx: &AppContext, now: Timestamp) -> AppResult<()> {
        let held = self
            .counters()
            .iter()
            .filter_map(|(key, _)| ctx.refusals.held_ms(key, now))
            .max();
        if let Some(wait_ms) = held {
            return Err(refused(ctx, wait_ms));
        }
        let mut tx = ctx.db.begin().await?;
        let mut waits = Vec::new();
        for (key, curve) in self.counters() {
            let (failures, last) = throttle::lock_failures(&mut tx, key).await?;
            if let Some(wait_ms) = curve.remaining_ms(failures, last, now).filter(|ms| *ms > 0) {
                waits.push((key, wait_ms));
            }
        }
        if let Some(wait_ms) = waits.iter().map(|(_, ms)| *ms).max() {
            drop(tx);
            for (key, ms) in waits {
                ctx.refusals.hold(key, now.plus_millis(ms), now);
            }
            return Err(refused(ctx, wait_ms));
        }
        let forget_before = now.plus_millis(-policy::FORGET_AFTER_MS);
        for (key, _) in self.counters() {
            throttle::add_failure(&mut tx, key, forget_before, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a successful login the account's (or device's) counter starts again, and the IP
    /// counter gets this try back but is not cleared: otherwise an attacker could reset it by
    /// logging in to an account of their own, while a busy office address would lock itself out.
    async fn succeeded(&self, tx: &mut Tx) -> AppResult<()> {
        throttle::clear_failures(&mut *tx, &self.account_or_device).await?;
        if self.trusted_device.is_none() {
            throttle::give_back_failure(&mut *tx, &self.ip).await?;
        }
        Ok(())
    }
}

/// A try refused while slowed down: one line in the security log and one count in memory.
fn refused(ctx: &AppContext, wait_ms: i64) -> AppError {
    ctx.refusals.count("login");
    tracing::warn!(target: "security", wait_ms, "login refused while slowed down");
    AppError::LoginThrottled {
        retry_after_secs: (wait_ms + 999) / 1000,
    }
}
