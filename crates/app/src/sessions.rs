//! Logging in and out, and the server-side sessions that keep someone logged in (SPEC rule 3,
//! ASVS V7): random tokens of which only the hash is stored, a new one at every login, idle and
//! absolute timeouts, and the browser data the user sees on "Active sessions".

use crate::accounts::Account;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords;
use carespace_core::accounts::Email;
use carespace_core::audit::Outcome;
use carespace_core::secret::Secret;
use carespace_core::sessions::{Device, DeviceType, LAST_SEEN_GRANULARITY_MS};
use carespace_core::throttle::{self as policy, Curve};
use carespace_core::time::Timestamp;
use carespace_core::{ids, tokens};
use carespace_store::accounts as account_store;
use carespace_store::sessions::{self as store, SessionRow};
use carespace_store::{Tx, throttle};

pub use carespace_store::healthspaces::HealthspaceLink;

/// What the request tells about the browser.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
    pub accept_language: String,
}

#[derive(Debug, Clone)]
pub struct LoginInput {
    pub email: String,
    pub password: Secret,
    /// The trusted-device cookie of this browser, when it has one.
    pub device_token: Option<String>,
    pub client: ClientInfo,
}

/// A new session, to be set as cookies.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    /// Set when this browser became a trusted device of the account just now.
    pub device_token: Option<String>,
    pub account_id: String,
    pub verified: bool,
}

/// Logs in. Unknown email and wrong password give the same error after the same work; failed
/// tries are slowed down per account, IP address and trusted device (`core::throttle`).
pub async fn login(ctx: &AppContext, input: LoginInput) -> AppResult<NewSession> {
    let now = ctx.now();
    let normalised = Email::parse(&input.email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| input.email.trim().to_lowercase());
    let account = account_store::find_by_email(&ctx.db, &normalised).await?;
    let account_id = account.as_ref().map(|a| a.id.clone());
    let keys = ThrottleKeys::new(ctx, &normalised, account_id.as_deref(), &input, now).await?;
    let origin = Origin {
        ip: input.client.ip.clone(),
        session_id: None,
    };
    if let Err(error) = keys.check(ctx, now).await {
        let mut tx = ctx.db.begin().await?;
        audit::record(
            &mut tx,
            &origin,
            denied("login_throttled", account_id.as_deref()),
            now,
        )
        .await?;
        tx.commit().await?;
        return Err(error);
    }

    let matches = passwords::verify(
        input.password,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    let mut tx = ctx.db.begin().await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            keys.count_failure(&mut tx, now).await?;
            audit::record(
                &mut tx,
                &origin,
                denied("login_failed", account_id.as_deref()),
                now,
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(target: "security", ip = %input.client.ip, "login failed");
            return Err(AppError::LoginFailed);
        }
    };
    keys.clear(&mut tx).await?;
    let device_token = if keys.trusted_device.is_some() {
        None
    } else {
        let token = tokens::generate()?;
        throttle::trust_device(
            &mut tx,
            &tokens::hash(&token),
            &account.id,
            now.plus_millis(policy::TRUSTED_DEVICE_MS),
            now,
        )
        .await?;
        Some(token)
    };
    let (token, session_id) = create_in(&mut tx, ctx, &account.id, &input.client, now).await?;
    let origin = Origin {
        session_id: Some(session_id.clone()),
        ..origin
    };
    audit::record(
        &mut tx,
        &origin,
        Event::own(&account.id, "login", "session", Some(&session_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account.id, ip = %input.client.ip, "login");
    Ok(NewSession {
        token,
        device_token,
        account_id: account.id.clone(),
        verified: account.email_verified_at.is_some(),
    })
}

/// A refused login: no one is known to have acted; the account tried, when it exists.
fn denied<'a>(action: &'a str, account_id: Option<&'a str>) -> Event<'a> {
    Event {
        actor: None,
        role: "anonymous",
        action,
        object_type: "account",
        object_id: account_id,
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
        account_id: Option<&str>,
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
            ip: format!("ip:{}", input.client.ip),
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

    async fn check(&self, ctx: &AppContext, now: Timestamp) -> AppResult<()> {
        let mut tx = ctx.db.begin().await?;
        let mut wait_ms = 0;
        for (key, curve) in self.counters() {
            if let Some((failures, last)) = throttle::failures(&mut tx, key).await? {
                wait_ms = wait_ms.max(curve.remaining_ms(failures, last, now).unwrap_or(0));
            }
        }
        tx.commit().await?;
        if wait_ms > 0 {
            tracing::warn!(target: "security", "login refused while slowed down");
            return Err(AppError::LoginThrottled {
                retry_after_secs: (wait_ms + 999) / 1000,
            });
        }
        Ok(())
    }

    async fn count_failure(&self, tx: &mut Tx, now: Timestamp) -> AppResult<()> {
        let forget_before = now.plus_millis(-policy::FORGET_AFTER_MS);
        for (key, _) in self.counters() {
            throttle::add_failure(&mut *tx, key, forget_before, now).await?;
        }
        Ok(())
    }

    /// After a successful login the account's (or device's) counter starts again; the IP
    /// counter does not, or an attacker could reset it by logging in to an account of their own.
    async fn clear(&self, tx: &mut Tx) -> AppResult<()> {
        throttle::clear_failures(tx, &self.account_or_device).await?;
        Ok(())
    }
}

async fn create_in(
    tx: &mut Tx,
    ctx: &AppContext,
    account_id: &str,
    client: &ClientInfo,
    now: Timestamp,
) -> AppResult<(String, String)> {
    let token = tokens::generate()?;
    let device = Device::from_user_agent(&client.user_agent);
    let limits = ctx.accounts.session_limits();
    let row = SessionRow {
        id: ids::new_id(),
        account_id: account_id.to_owned(),
        csrf_token: tokens::generate()?,
        ip: client.ip.clone(),
        browser: device.browser,
        browser_version: device.browser_version,
        os: device.os,
        device_type: device.device_type.code().to_owned(),
        browser_language: client.accept_language.chars().take(100).collect(),
        created_at: now,
        last_seen_at: now,
        expires_at: now.plus_millis(limits.absolute_ms),
    };
    store::insert(tx, &row, &tokens::hash(&token)).await?;
    Ok((token, row.id))
}

/// The most Healthspaces the navigation's switcher lists.
const SWITCHER_MAX: i64 = 50;

/// Whoever a request's session belongs to.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session_id: String,
    pub csrf_token: String,
    pub account: Account,
    /// Owns an organisation: "My organisation" is in the menu.
    pub is_owner: bool,
    /// The Healthspaces the account can enter, for the navigation's switcher.
    pub healthspaces: Vec<HealthspaceLink>,
}

/// The live session of a session cookie, or `None` (unknown, ended, idle too long or past its
/// lifetime). One query, and no cache: a session ended elsewhere is refused at its next request.
/// Activity is recorded at most once a minute ([`needs_touch`]), so reading a page is no write.
pub async fn authenticate(ctx: &AppContext, token: &str) -> AppResult<Option<CurrentSession>> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let now = ctx.now();
    let found = store::find_signed_in(&ctx.db, &tokens::hash(token), SWITCHER_MAX).await?;
    let Some(signed_in) = found else {
        return Ok(None);
    };
    if !ctx
        .accounts
        .session_limits()
        .is_alive(signed_in.last_seen_at, signed_in.expires_at, now)
    {
        return Ok(None);
    }
    if needs_touch(signed_in.last_seen_at, now) {
        store::touch(&ctx.db, &signed_in.session_id, now).await?;
    }
    Ok(Some(CurrentSession {
        session_id: signed_in.session_id,
        csrf_token: signed_in.csrf_token,
        account: Account::from(signed_in.account),
        is_owner: signed_in.owns_organisation,
        healthspaces: signed_in.healthspaces,
    }))
}

/// Whether a request at `now` records itself as the session's last activity: only when the
/// last one recorded is a minute old or more, which is as fine as "Active sessions" and the idle
/// timeout need it.
fn needs_touch(last_seen_at: Timestamp, now: Timestamp) -> bool {
    now.millis() - last_seen_at.millis() >= LAST_SEEN_GRANULARITY_MS
}

/// Ends the session of this cookie.
pub async fn logout(ctx: &AppContext, token: &str, origin: &Origin) -> AppResult<()> {
    if !tokens::is_well_formed(token) {
        return Ok(());
    }
    let mut tx = ctx.db.begin().await?;
    if let Some(account) = store::delete_by_token_hash(&mut tx, &tokens::hash(token)).await? {
        let session = origin.session_id.as_deref();
        audit::record(
            &mut tx,
            origin,
            Event::own(&account, "logout", "session", session),
            ctx.now(),
        )
        .await?;
        tracing::info!(target: "security", %account, "logout");
    }
    tx.commit().await?;
    Ok(())
}

/// A session as its owner sees it on "Active sessions".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device_type: DeviceType,
    pub browser_language: String,
    pub ip: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub is_current: bool,
}

/// The account's live sessions, the current one marked.
pub async fn list(ctx: &AppContext, current: &CurrentSession) -> AppResult<Vec<SessionInfo>> {
    let now = ctx.now();
    let limits = ctx.accounts.session_limits();
    let rows = store::list_for_account(&ctx.db, &current.account.id).await?;
    Ok(rows
        .into_iter()
        .filter(|row| limits.is_alive(row.last_seen_at, row.expires_at, now))
        .map(|row| SessionInfo {
            is_current: row.id == current.session_id,
            device_type: DeviceType::from_code(&row.device_type),
            id: row.id,
            browser: row.browser,
            browser_version: row.browser_version,
            os: row.os,
            browser_language: row.browser_language,
            ip: row.ip,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
        })
        .collect())
}

/// Ends one of the user's own sessions. Someone else's session is "not found".
pub async fn end(
    ctx: &AppContext,
    account_id: &str,
    session_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    if !store::delete(&mut tx, account_id, session_id).await? {
        return Err(AppError::NotFound);
    }
    let event = Event::own(account_id, "session_ended", "session", Some(session_id));
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    tracing::info!(target: "security", account = %account_id, "session ended by its owner");
    Ok(())
}

/// Ends all the user's sessions but the current one; returns how many ended.
pub async fn end_others(
    ctx: &AppContext,
    current: &CurrentSession,
    origin: &Origin,
) -> AppResult<u64> {
    let mut tx = ctx.db.begin().await?;
    let ended = end_all_in(&mut tx, &current.account.id, Some(&current.session_id)).await?;
    let event = Event::own(
        &current.account.id,
        "other_sessions_ended",
        "account",
        Some(&current.account.id),
    );
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends every session of an account (a deactivation, say); returns how many. `event` says who
/// did it and why, for the audit log.
pub async fn end_all(
    ctx: &AppContext,
    account_id: &str,
    origin: &Origin,
    event: Event<'_>,
) -> AppResult<u64> {
    let mut tx = ctx.db.begin().await?;
    let ended = end_all_in(&mut tx, account_id, None).await?;
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    Ok(ended)
}

/// [`end_all`] inside a caller's transaction, optionally keeping one session.
pub async fn end_all_in(tx: &mut Tx, account_id: &str, keep: Option<&str>) -> AppResult<u64> {
    Ok(store::delete_all(tx, account_id, keep).await?)
}
