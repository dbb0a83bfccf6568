//! "Remember this browser for 30 days" at a login's second step: the browser's trusted-device
//! record (made by the login throttle) gets a time until which the second step is skipped.
//! The throttle's trust alone never skips it; the person sees and forgets remembered browsers
//! on "Active sessions"; a password reset or a change of second factor forgets them all, with
//! every trusted device.

use super::client::ClientInfo;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_core::second_factors::REMEMBER_BROWSER_MS;
use carespace_core::sessions::Device;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::remembered_browsers as store;

/// A remembered browser, as "Active sessions" shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedBrowser {
    /// What forgetting it names it by.
    pub id: String,
    pub browser: String,
    pub os: String,
    pub until: Timestamp,
}

/// Remembers the account's trusted device `device_hash` (the browser of this login), inside
/// the login's transaction.
pub(super) async fn remember(
    tx: &mut Tx,
    account: &AccountId,
    device_hash: &str,
    client: &ClientInfo,
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    let device = Device::from_user_agent(&client.user_agent);
    let until = now.plus_millis(REMEMBER_BROWSER_MS);
    let names = (device.browser.as_str(), device.os.as_str());
    if !store::remember(&mut *tx, device_hash, account, until, names).await? {
        return Err(AppError::Internal(
            "the login's browser is no trusted device".into(),
        ));
    }
    let event = Event::own(
        account,
        AuditAction::BrowserRemembered,
        "trusted_device",
        None,
    );
    audit::record(tx, origin, event, now).await?;
    Ok(())
}

/// Whether the browser with the trusted device `device_hash` skips the account's second step.
pub(super) async fn skips_second_step(
    tx: &mut Tx,
    account: &AccountId,
    device_hash: Option<&str>,
    now: Timestamp,
) -> AppResult<bool> {
    match device_hash {
        Some(hash) => Ok(store::is_remembered(&mut *tx, hash, account, now).await?),
        None => Ok(false),
    }
}

/// The account's remembered browsers.
pub async fn list(ctx: &AppContext, account: &AccountId) -> AppResult<Vec<RememberedBrowser>> {
    let rows = store::of_account(&ctx.db, account, ctx.now()).await?;
    Ok(rows
        .into_iter()
        .map(|row| RememberedBrowser {
            id: row.token_hash,
            browser: row.browser,
            os: row.os,
            until: row.until,
        })
        .collect())
}

/// Forgets a remembered browser of the account: its next login takes the second step again.
pub async fn forget(
    ctx: &AppContext,
    account: &AccountId,
    id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !store::forget(&mut tx, id, account).await? {
        return Err(AppError::NotFound);
    }
    let event = Event::own(
        account,
        AuditAction::BrowserForgotten,
        "trusted_device",
        None,
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}
