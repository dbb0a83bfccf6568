//! Carespace domain: value types that validate on parse, states, rules and the access policy.
//! Nothing in this crate performs IO; everything here is a pure function of its input.

pub mod accounts;
pub mod audit;
pub mod branding;
pub mod crypto;
pub mod file_types;
pub mod healthspaces;
pub mod ids;
pub mod jobs;
pub mod language;
pub mod master_key;
pub mod memberships;
pub mod messages;
pub mod passkeys;
pub mod passwords;
pub mod policy;
pub mod record;
pub mod sealed_file;
pub mod second_factors;
pub mod secret;
pub mod sessions;
pub mod sms;
pub mod throttle;
pub mod time;
pub mod tokens;
