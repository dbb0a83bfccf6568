//! Opening a session once every step of a login passed (the password, and the second factor
//! where the account has one): shared by the login and its second step.

use super::client::ClientInfo;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::audit::AuditAction;
use carespace_core::ids::{self, AccountId};
use carespace_core::sessions::Device;
use carespace_core::throttle as policy;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::accounts::AccountRow;
use carespace_store::sessions::{self as store, SessionRow};
use carespace_store::{Tx, throttle};

/// A new session, to be set as cookies.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    /// Set when this browser became a trusted device of the account just now.
    pub device_token: Option<String>,
    pub account_id: AccountId,
    pub verified: bool,
}

/// The end of a login whose every step passed, inside its transaction: ownerships waiting for
/// the address attach, the browser becomes a trusted device (unless it is one), the session
/// starts and the audit log notes the login.
pub(super) async fn open_session(
    tx: &mut Tx,
    ctx: &AppContext,
    account: &AccountRow,
    trusted_device: bool,
    client: &ClientInfo,
    origin: Origin,
    now: Timestamp,
) -> AppResult<NewSession> {
    // Ownerships waiting for the address attach here, not when it is verified: only now has
    // the person proved both the address and the password.
    if account.email_verified_at.is_some() {
        carespace_store::organisations::link_owner(&mut *tx, &account.email, &account.id).await?;
    }
    let device_token = if trusted_device {
        None
    } else {
        let token = tokens::generate()?;
        throttle::trust_device(
            &mut *tx,
            &tokens::hash(&token),
            &account.id,
            now.plus_millis(policy::TRUSTED_DEVICE_MS),
            now,
        )
        .await?;
        Some(token)
    };
    let (token, session_id) = create_in(tx, ctx, &account.id, client, now).await?;
    let origin = Origin {
        session_id: Some(session_id.clone()),
        ..origin
    };
    let event = Event::own(
        &account.id,
        AuditAction::Login,
        "session",
        Some(&session_id),
    );
    audit::record(tx, &origin, event, now).await?;
    tracing::info!(target: "security", account = %account.id, ip = %client.ip, "login");
    Ok(NewSession {
        token,
        device_token,
        account_id: account.id.clone(),
        verified: account.email_verified_at.is_some(),
    })
}

async fn create_in(
    tx: &mut Tx,
    ctx: &AppContext,
    account_id: &AccountId,
    client: &ClientInfo,
    now: Timestamp,
) -> AppResult<(String, String)> {
    let token = tokens::generate()?;
    let device = Device::from_user_agent(&client.user_agent);
    let limits = ctx.accounts.session_limits();
    let row = SessionRow {
        id: ids::new_id(),
        account_id: account_id.clone(),
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
