//! The `carespace` binary's parts, as a library so the story tests start the server through
//! exactly the same wiring as the binary does.

pub mod config;
pub mod server;
pub mod wiring;
