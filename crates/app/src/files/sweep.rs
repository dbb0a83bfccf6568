//! The staging sweep: an upload is staged, then recorded in a transaction, then promoted. A
//! crash between two of those steps leaves an object in staging. Every ten minutes each
//! instance looks at what has been staged for over an hour: those with a `stored_files` row are
//! promoted (the crash came after the commit), the rest deleted. Doing this twice is harmless,
//! so several instances may each run it.

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_store::stored_files;
use std::collections::HashSet;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long an object may stay in staging before the sweep deals with it: far longer than any
/// upload and its recording take.
pub const STAGED_FOR_MS: i64 = 3_600_000;
/// How often the sweep runs.
const EVERY: Duration = Duration::from_secs(10 * 60);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub promoted: u64,
    pub deleted: u64,
}

/// Promotes the recorded objects staged over an hour ago and deletes the others.
pub async fn sweep_staged(ctx: &AppContext) -> AppResult<Swept> {
    let staged = ctx
        .files
        .list_staged(ctx.now().plus_millis(-STAGED_FOR_MS))
        .await?;
    let recorded: HashSet<_> = stored_files::referenced(&ctx.db, &staged)
        .await?
        .into_iter()
        .collect();
    let mut swept = Swept::default();
    for id in staged {
        if recorded.contains(&id) {
            ctx.files.promote(&id).await?;
            swept.promoted += 1;
        } else {
            ctx.files.delete_object(&id).await?;
            swept.deleted += 1;
        }
    }
    Ok(swept)
}

/// Sweeps now and then every ten minutes, until `stop`.
pub async fn run_until(ctx: AppContext, stop: CancellationToken) {
    loop {
        match sweep_staged(&ctx).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "staged files swept"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "staged files sweep failed"),
        }
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}
