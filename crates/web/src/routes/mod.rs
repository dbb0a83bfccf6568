//! Routes, one module per page group. Every route added here must also be added to the
//! route list in the story tests (`tests/story/routes.rs`), which checks headers on each.

pub mod assets;
pub mod health;
pub mod language;
pub mod login;
pub mod start;

use crate::errors::WebError;
use crate::metrics;
use crate::state::WebState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(start::show))
        .route("/login", get(login::show))
        .route("/language", post(language::switch))
        .route("/static/{name}", get(assets::serve))
        .route("/healthz", get(health::check))
        .route("/metrics", get(metrics::report))
        .fallback(|| async { WebError::NotFound })
}
