//! The `carespace` binary's parts, as a library so the story tests start the server through
//! exactly the same wiring as the binary does.

pub mod backup;
pub mod config;
mod key_files;
pub mod master_key;
pub mod server;
pub mod wiring;
