//! The problem codes an upload is refused with, on the rules' field; each is translated as
//! `problem-<code>`. `file_too_large` takes the limit as `max_mb`.

/// No file was sent (for the form or API that reads the upload).
pub const MISSING: &str = "file_missing";
pub const EMPTY: &str = "file_empty";
pub const TOO_LARGE: &str = "file_too_large";
/// Its content is not of a kind the field accepts.
pub const TYPE: &str = "file_type";
/// clamd found malware: the caller audit-logs the refusal.
pub const INFECTED: &str = "file_infected";
/// A scanner is configured but cannot be used: try again later.
pub const SCANNER_UNAVAILABLE: &str = "file_scanner_unavailable";

pub const ALL: [&str; 6] = [
    MISSING,
    EMPTY,
    TOO_LARGE,
    TYPE,
    INFECTED,
    SCANNER_UNAVAILABLE,
];

/// Whether an upload was refused because clamd found malware (the caller audit-logs that).
pub fn infected<T>(staged: &crate::error::AppResult<T>) -> bool {
    matches!(staged, Err(crate::error::AppError::Invalid(found))
        if found.iter().any(|p| p.code == INFECTED))
}
