//! Request limits for actions that send email or create accounts, so no one can flood an inbox
//! or the database. Login has its own slow-down (see `sessions::login`).

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::time::Timestamp;
use carespace_store::Tx;

pub const HOUR_MS: i64 = 3_600_000;

/// Counts one request under `key`; refuses when more than `max` fell in the current hour.
pub async fn limit_per_hour(tx: &mut Tx, key: &str, max: i64, now: Timestamp) -> AppResult<()> {
    let hits = carespace_store::throttle::hit(tx, key, HOUR_MS, now).await?;
    if hits > max {
        tracing::warn!(target: "security", key, "request limit reached");
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}

/// [`limit_per_hour`] in a transaction of its own, for a check made before heavy work (a hash,
/// a decode) so that a refused request costs nothing.
pub async fn limit_per_hour_now(ctx: &AppContext, key: &str, max: i64) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    limit_per_hour(&mut tx, key, max, ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}
