//! Carespace storage. One code path for SQLite (the default) and PostgreSQL: queries are shared,
//! and where a dialect truly differs the difference is one small function per backend.

pub mod db;
pub mod error;
pub mod files;
pub mod installation;
pub mod jobs;
pub mod schema;
pub mod tx;

pub use db::{Backend, Db, PoolSettings};
pub use error::StoreError;
pub use tx::Tx;
