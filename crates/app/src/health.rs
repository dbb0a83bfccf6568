use crate::context::AppContext;
use crate::error::AppResult;

/// Whether this instance can serve: the database answers.
pub async fn check(ctx: &AppContext) -> AppResult<()> {
    ctx.db.ping().await?;
    Ok(())
}
