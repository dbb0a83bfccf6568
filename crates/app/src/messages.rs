//! Messages: conversations inside a Healthspace, instead of email. A client writes with the
//! staff connected to them, staff with their connected clients and with each other. Texts and
//! attachment names are sealed under the client's data key (care) or the Healthspace's key
//! (staff). A staff member whose membership or connection ends loses the conversation; the client
//! keeps it, read-only when nobody is left to answer. Every read of a client's conversation by
//! staff is in the client's "Who viewed my record".

pub mod attachments;
pub mod inbox;
pub mod notices;
mod publishing;
pub mod removing;
mod sealing;
pub mod sending;
mod standing;
pub mod starting;
pub mod thread;
mod views;

pub use standing::Reader;
pub use views::{AttachmentView, ConversationView, MessageView, PersonView};

/// Conversations per page of the inbox, and messages per page of a conversation.
pub const PAGE_SIZE: usize = 20;

/// The audit log's names for what messages are about.
const CONVERSATION: &str = "conversation";
const MESSAGE: &str = "message";
