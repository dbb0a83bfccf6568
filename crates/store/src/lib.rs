//! Carespace storage. One code path for SQLite (the default) and PostgreSQL: queries are shared,
//! and where a dialect truly differs the difference is one small function per backend.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod audit_chain;
mod backend;
pub mod connections;
pub mod db;
mod decode;
pub mod error;
pub mod exec;
pub mod files;
pub mod healthspaces;
pub mod installation;
pub mod jobs;
mod json_rows;
pub mod key_store;
pub mod live;
pub mod mail;
pub mod memberships;
pub mod messages;
pub mod organisations;
pub mod passkeys;
pub mod privacy;
pub mod record;
pub mod remembered_browsers;
pub mod retention;
pub mod schema;
pub mod second_factors;
pub mod sessions;
pub mod sms;
pub mod stored_files;
pub mod throttle;
pub mod tx;

pub use backend::Backend;
pub use db::{Db, PoolSettings};
pub use error::StoreError;
pub use exec::Exec;
pub use key_store::{KeyStore, WrappedKey};
pub use tx::Tx;
