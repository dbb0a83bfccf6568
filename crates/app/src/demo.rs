//! Demo data, so that someone trying Carespace has something to look at at once. Every feature
//! adds its part here; it only ever runs on an empty database.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_store::installation;

/// A person the demo created, and how to log in as them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
}

/// Fills an empty database with demo data; refuses when anything is there.
pub async fn load(ctx: &AppContext) -> AppResult<DemoSummary> {
    let mut tx = ctx.db.begin().await?;
    if !installation::is_empty(&mut tx).await? {
        return Err(AppError::DatabaseNotEmpty);
    }
    let now = ctx.now();
    installation::set(
        &mut tx,
        installation::DEMO_LOADED_AT,
        &now.millis().to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(DemoSummary::default())
}

/// Whether demo data was loaded into this database.
pub async fn is_loaded(ctx: &AppContext) -> AppResult<bool> {
    Ok(installation::get(&ctx.db, installation::DEMO_LOADED_AT)
        .await?
        .is_some())
}
