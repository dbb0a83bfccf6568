//! Sealing and opening an item's fields under its client's data key. Each field's associated
//! data names the item and the field, so a sealed title cannot be moved to another item, nor
//! passed off as a note.

use crate::error::{AppError, AppResult};
use carespace_core::crypto::{self, DataKey};
use carespace_core::ids::RecordItemId;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    Title,
    Note,
    Url,
    FileName,
}

impl Field {
    const fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Note => "note",
            Field::Url => "url",
            Field::FileName => "file_name",
        }
    }
}

fn aad(item: &RecordItemId, field: Field) -> Vec<u8> {
    format!("record_item:{item}:{}", field.name()).into_bytes()
}

pub(crate) fn seal(
    key: &DataKey,
    item: &RecordItemId,
    field: Field,
    text: &str,
) -> AppResult<Vec<u8>> {
    crypto::seal_text(key, &aad(item, field), text).map_err(|e| AppError::Internal(e.to_string()))
}

pub(crate) fn open(
    key: &DataKey,
    item: &RecordItemId,
    field: Field,
    sealed: &[u8],
) -> AppResult<String> {
    crypto::open_text(key, &aad(item, field), sealed).map_err(|_| {
        tracing::error!(item = %item, field = field.name(), "a sealed record field does not open");
        AppError::Internal("a sealed record field does not open".into())
    })
}
