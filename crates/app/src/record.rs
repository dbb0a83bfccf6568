//! The record ("My Record"): what a client keeps (documents and links) and the events of their
//! care, across every Healthspace, also those they have left. The client decides per
//! Healthspace what its connected staff see; private is the default. Titles, notes, links,
//! file names and files are sealed under the client's data key; every read by someone else is
//! in the audit log the client reads ("Who viewed my record").

pub mod access_log;
pub mod documents;
pub mod editing;
pub mod events;
pub mod links;
pub mod mine;
mod sealing;
pub mod sharing;
pub mod staff;
mod views;

pub use views::{EventView, FileView, ItemView, SharedWith};

/// Entries per page of a record.
pub const PAGE_SIZE: usize = 20;

/// The audit log's name for a record item.
const OBJECT: &str = "record_item";
