//! Routes, one module per page group. Every route added here must also be added to the
//! route list in the story tests (`tests/story/routes.rs`), which checks headers on each.

pub mod account;
pub mod assets;
pub mod dev_inbox;
pub mod health;
pub mod healthspace;
pub mod invitations;
pub mod language;
pub mod login;
pub mod members;
pub mod memberships;
pub mod message;
pub mod organisation;
pub mod password;
pub mod register;
pub mod sessions;
pub mod start;
pub mod tokens;

use crate::api;
use crate::errors::WebError;
use crate::metrics;
use crate::state::WebState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<WebState> {
    let pages = Router::new()
        .route("/", get(start::show))
        .route("/register", get(register::show).post(register::submit))
        .route("/register/done", get(register::done))
        .route(
            "/verify-email",
            get(register::verify_show).post(register::verify_submit),
        )
        .route(
            "/verify-pending",
            get(register::pending).post(register::resend),
        )
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password/forgot",
            get(password::forgot_show).post(password::forgot_submit),
        )
        .route(
            "/password/reset",
            get(password::reset_show).post(password::reset_submit),
        )
        .route("/account", get(account::show))
        .route("/account/profile", post(account::profile))
        .route(
            "/account/photo",
            get(account::photo).post(account::photo_upload),
        )
        .route("/account/photo/remove", post(account::photo_remove))
        .route("/account/email", post(account::email))
        .route("/account/password", post(account::password))
        .route(
            "/email/confirm",
            get(account::email_confirm_show).post(account::email_confirm_submit),
        )
        .route("/account/sessions", get(sessions::list))
        .route("/account/sessions/end-others", post(sessions::end_others))
        .route("/account/sessions/{id}/end", post(sessions::end))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/organisation", get(organisation::index))
        .route(
            "/organisation/{id}",
            get(organisation::show).post(organisation::update),
        )
        .route(
            "/organisation/{id}/healthspaces",
            post(organisation::create_healthspace),
        )
        .route("/healthspaces/{id}/activate", post(organisation::activate))
        .route(
            "/healthspaces/{id}/deactivate",
            get(organisation::deactivate_confirm).post(organisation::deactivate),
        )
        .route("/h/{alias}", get(healthspace::login_page))
        .route("/h/{alias}/members", get(members::list))
        .route("/h/{alias}/invitations", post(members::invite))
        .route("/h/{alias}/connections", post(members::connect))
        .route("/h/{alias}/memberships/{id}/cancel", post(members::cancel))
        .route(
            "/invitations/accept",
            get(invitations::show).post(invitations::accept),
        )
        .route("/account/memberships", get(memberships::list))
        .route(
            "/account/memberships/{id}/cancel",
            get(memberships::cancel_confirm).post(memberships::cancel),
        )
        .route("/account/connections", get(memberships::connections))
        .route("/dev/inbox", get(dev_inbox::list))
        .route("/dev/inbox/{name}", get(dev_inbox::show))
        .route("/language", post(language::switch))
        .route("/static/{name}", get(assets::serve))
        .route("/healthz", get(health::check))
        .route("/metrics", get(metrics::report));
    api::endpoints()
        .into_iter()
        .fold(pages, |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .fallback(|| async { WebError::NotFound })
}
