//! TEMPORARY stand-in for the file pipeline (replaced when the file-pipeline branch merges).

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::ids::FileId;

pub async fn remove(_ctx: &AppContext, _id: &FileId) -> AppResult<()> {
    Ok(())
}
