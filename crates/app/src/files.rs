//! The record's file pipeline: uploads stream through a type check by content, a size limit,
//! ClamAV and chunked sealing under the owner's data key into the file store's staging area; the
//! use case that records the file promotes it after its transaction commits (or discards it),
//! downloads open only the chunks a range needs, and a sweep clears what a crash left staged.

pub mod download;
pub mod problems;
pub mod scanner;
pub mod sweep;
pub mod upload;

pub use carespace_store::files::ByteRange;

/// A part of a file that cannot be had: it starts past the end, or asks for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;
pub use download::{Download, FileView, Opened, open};
pub use upload::{Staged, UploadRules, stage};

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::file_types::FileKind;
use carespace_core::ids::FileId;

/// What a record document may be: every accepted kind.
pub const DOCUMENT_KINDS: &[FileKind] = &FileKind::ALL;

/// Moves a staged file to its place, once the transaction that recorded it has committed.
pub async fn promote(ctx: &AppContext, id: &FileId) -> AppResult<()> {
    ctx.files.promote(id).await?;
    Ok(())
}

/// Removes a file from wherever it is (staging or its place): a staged file whose recording did
/// not commit, or a stored one once its row is deleted.
pub async fn remove(ctx: &AppContext, id: &FileId) -> AppResult<()> {
    ctx.files.delete_object(id).await?;
    Ok(())
}
