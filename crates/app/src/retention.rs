//! The retention purge: every `retention.every_minutes` each instance deletes what has served
//! its purpose, in small batches. Failed-login counters go once they are forgotten (a day
//! without failure), request counters a day after their window started; ended sessions,
//! expired trusted devices and used or expired email links `retention.ended_days` after they
//! ended; logins that waited for their second step and passkey ceremonies once they expire; accounts whose address
//! was never verified `retention.unverified_account_days` after
//! registering. Deleting twice is harmless, so several instances may each run it.

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::sms::SEND_WINDOW_MS;
use carespace_core::throttle::FORGET_AFTER_MS;
use carespace_store::retention as store;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const DAY_MS: i64 = 24 * 3_600_000;
/// Rows deleted per statement.
const BATCH: i64 = 500;

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub login_failures: u64,
    pub rate_limits: u64,
    pub sessions: u64,
    pub trusted_devices: u64,
    pub account_tokens: u64,
    pub login_challenges: u64,
    pub sms_codes: u64,
    pub passkey_ceremonies: u64,
    pub unverified_accounts: u64,
}

/// Deletes one batch of each kind, as the installation's `[retention]` settings say.
pub async fn purge(ctx: &AppContext) -> AppResult<Purged> {
    let settings = &ctx.retention;
    let now = ctx.now();
    let ended = now.plus_millis(-i64::from(settings.ended_days) * DAY_MS);
    let idle_ms = ctx.accounts.session_limits().idle_ms;
    let db = &ctx.db;
    let mut purged = Purged {
        login_failures: store::purge_login_failures(db, now.plus_millis(-FORGET_AFTER_MS), BATCH)
            .await?,
        rate_limits: store::purge_rate_limits(db, now.plus_millis(-DAY_MS), BATCH).await?,
        sessions: store::purge_sessions(db, ended, idle_ms, BATCH).await?,
        trusted_devices: store::purge_trusted_devices(db, ended, BATCH).await?,
        account_tokens: store::purge_account_tokens(db, ended, BATCH).await?,
        login_challenges: store::purge_login_challenges(db, now, BATCH).await?,
        sms_codes: store::purge_sms_codes(db, now.plus_millis(-SEND_WINDOW_MS), BATCH).await?,
        passkey_ceremonies: store::purge_passkey_ceremonies(db, now, BATCH).await?,
        unverified_accounts: 0,
    };
    let registered_before = now.plus_millis(-i64::from(settings.unverified_account_days) * DAY_MS);
    for id in store::unverified_accounts(db, registered_before, BATCH).await? {
        // One transaction each: an account something else still refers to stays, and is
        // logged, without stopping the others.
        let mut tx = db.begin().await?;
        match store::delete_unverified_account(&mut tx, &id).await {
            Ok(deleted) => {
                tx.commit().await?;
                purged.unverified_accounts += u64::from(deleted);
            }
            Err(error) => {
                tracing::warn!(account = %id, %error, "unverified account kept: still referred to");
            }
        }
    }
    Ok(purged)
}

/// Purges now and then every `retention.every_minutes`, until `stop`.
pub async fn run_until(ctx: AppContext, stop: CancellationToken) {
    let every = Duration::from_secs(ctx.retention.every_minutes * 60);
    loop {
        match purge(&ctx).await {
            Ok(purged) if purged != Purged::default() => {
                tracing::info!(?purged, "retention purge");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "retention purge failed"),
        }
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(every) => {}
        }
    }
}
