//! Request limits for actions that send email or create accounts, so no one can flood an inbox
//! or the database. Login has its own slow-down (see `sessions::login`). What is refused is
//! counted in memory ([`crate::refusals`]) and summarised into the audit log here.

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub const HOUR_MS: i64 = 3_600_000;

/// Counts one request under `key`; refuses when more than `max` fell in the current hour.
/// A refusal is logged and counted in memory (`refusals`), never written to the database.
pub async fn limit_per_hour(
    ctx: &AppContext,
    tx: &mut Tx,
    key: &str,
    max: i64,
    now: Timestamp,
) -> AppResult<()> {
    let hits = carespace_store::throttle::hit(tx, key, HOUR_MS, now).await?;
    if hits > max {
        // Keys read `<action>:<who>`; the summary counts per action.
        let action = key.split(':').next().unwrap_or(key);
        ctx.refusals.count(action);
        tracing::warn!(target: "security", key, "request limit reached");
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}

/// [`limit_per_hour`] in a transaction of its own, for a check made before heavy work (a hash,
/// a decode) so that a refused request costs nothing.
pub async fn limit_per_hour_now(ctx: &AppContext, key: &str, max: i64) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    limit_per_hour(ctx, &mut tx, key, max, ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the refusals counted in memory ([`crate::refusals`]) since the last summary as one audit entry, if there were any.
/// Returns the counts written.
pub async fn summarise_refusals(ctx: &AppContext) -> AppResult<Option<String>> {
    let Some(counts) = ctx.refusals.take_counts() else {
        return Ok(None);
    };
    let event = Event {
        actor: None,
        role: ActorRole::System,
        action: AuditAction::ThrottledRequestsSummarised,
        object_type: "throttle",
        object_id: Some(&counts),
        outcome: Outcome::Denied,
    };
    let mut tx = ctx.db.begin().await?;
    audit::record(&mut tx, &Origin::default(), event, ctx.now()).await?;
    tx.commit().await?;
    Ok(Some(counts))
}

/// Summarises every `every` until `stop`, and once more on the way out.
pub async fn summarise_refusals_until(ctx: AppContext, every: Duration, stop: CancellationToken) {
    loop {
        let stopping = tokio::select! {
            () = stop.cancelled() => true,
            () = tokio::time::sleep(every) => false,
        };
        match summarise_refusals(&ctx).await {
            Ok(Some(counts)) => tracing::info!(%counts, "throttled requests summarised"),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "throttled requests not summarised"),
        }
        if stopping {
            break;
        }
    }
}
