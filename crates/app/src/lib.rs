//! Carespace use cases. Each takes the actor (when there is one), its input and the
//! [`AppContext`], decides with the policy in `core`, and writes through `store` in one
//! transaction, side effects included as jobs.

pub mod access;
pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod audit_batch;
pub mod clock;
pub mod connections;
pub mod context;
pub mod demo;
pub mod error;
pub mod files;
pub mod gate;
pub mod health;
pub mod healthspaces;
pub mod images;
pub mod jobs;
pub mod keys;
pub mod live;
pub mod mail;
pub mod memberships;
pub mod messages;
pub mod organisations;
mod paging;
pub mod passkeys;
pub mod passwords;
pub mod privacy;
pub mod record;
pub mod refusals;
pub mod retention;
pub mod seats;
pub mod second_factors;
pub mod sessions;
pub mod settings;
pub mod sms;
pub mod throttle;
pub mod worker;

pub use context::AppContext;
pub use error::{AppError, AppResult};
