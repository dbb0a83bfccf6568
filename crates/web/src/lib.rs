//! Carespace on the web: routes per context, extractors, askama templates, Fluent messages,
//! embedded static assets and the security middleware. Handlers parse the request, call one
//! use case and render its result; rules live in `app`, never here.

pub mod actor;
pub mod api;
pub mod assets;
pub mod auth;
pub mod client;
pub mod csrf;
pub mod downloads;
pub mod error_pages;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod limits;
pub mod mail;
pub mod metrics;
pub mod page;
pub mod routes;
pub mod second_factor_gate;
pub mod security;
pub mod server;
pub mod settings;
pub mod sms;
pub mod state;

pub use server::{build_router, serve};
pub use settings::WebSettings;
pub use state::WebState;
