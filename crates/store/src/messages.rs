//! The messages' rows: conversations, who takes part and what they have not read, the messages
//! with their sealed texts, and their attachments. Sealed columns hold ciphertext only; the app
//! layer seals and opens them.

pub mod attachments;
pub mod conversations;
pub mod counterparts;
pub mod notices;
pub mod participants;
mod reach;
pub mod thread;

pub use reach::PARTICIPANT_MAY_OPEN;

/// `$1, $2, …` for an `IN` list of `count` values.
fn placeholders(count: usize) -> String {
    (1..=count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
