//! Story tests: the real server over HTTP, as a person or another program uses it.
//! Run on SQLite by default and on PostgreSQL with `TEST_DATABASE=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod api_contract;
mod audit;
mod audit_viewer;
mod authorization;
mod client_ip;
mod crash_loop;
mod csrf;
mod demo;
mod errors;
mod health;
mod healthspace_api;
mod healthspace_settings;
mod image_limits;
mod language;
mod leases;
mod login;
mod mail_delivery;
mod mail_idempotency;
mod memberships;
mod one_membership;
mod organisations;
mod outbox;
mod password_reset;
mod practice;
mod profile;
mod registration;
mod retention;
mod routes;
mod schema;
mod seats;
mod sessions;
mod shutdown;
mod timeouts;
