use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::jobs::JobState;
use carespace_store::jobs::{self, HeldJob};

/// Jobs still waiting, running or given up, per state: the queue depth operators watch.
pub async fn queue_depth(ctx: &AppContext) -> AppResult<Vec<(JobState, i64)>> {
    Ok(jobs::depth_by_state(&ctx.db).await?)
}

/// How many jobs are due now or running.
pub async fn due_or_running(ctx: &AppContext) -> AppResult<i64> {
    Ok(jobs::due_or_running(&ctx.db, ctx.now()).await?)
}

/// The running jobs, who holds each and since when.
pub async fn held(ctx: &AppContext) -> AppResult<Vec<HeldJob>> {
    Ok(jobs::held(&ctx.db).await?)
}
