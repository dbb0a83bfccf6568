//! Sealing and opening a message's text and its attachments' names. The associated data names
//! the message and the part, so a sealed text cannot be moved to another message.

use crate::error::{AppError, AppResult};
use carespace_core::crypto::{self, DataKey};
use carespace_core::ids::MessageId;

/// Which part of a message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    Text,
    /// The name of the attachment at this position.
    FileName(i64),
}

fn aad(message: &MessageId, part: Part) -> Vec<u8> {
    match part {
        Part::Text => format!("message:{message}:text").into_bytes(),
        Part::FileName(position) => format!("message:{message}:file_name:{position}").into_bytes(),
    }
}

pub(crate) fn seal(
    key: &DataKey,
    message: &MessageId,
    part: Part,
    text: &str,
) -> AppResult<Vec<u8>> {
    crypto::seal_text(key, &aad(message, part), text).map_err(|e| AppError::Internal(e.to_string()))
}

pub(crate) fn open(
    key: &DataKey,
    message: &MessageId,
    part: Part,
    sealed: &[u8],
) -> AppResult<String> {
    crypto::open_text(key, &aad(message, part), sealed).map_err(|_| {
        tracing::error!(message = %message, "a sealed message does not open");
        AppError::Internal("a sealed message does not open".into())
    })
}
