//! The record's rows: items (documents and links) with their sealed fields, the Healthspaces
//! each is shared with, and the events of a client's care. Sealed columns hold ciphertext only;
//! the app layer seals and opens them under the client's data key.

pub mod access_log;
pub mod events;
pub mod items;
pub mod shares;

/// A keyset position in a newest-first list: older than this `(at, id)`.
pub type Before<'a> = Option<(i64, &'a str)>;
