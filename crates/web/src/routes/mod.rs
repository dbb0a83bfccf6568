//! Routes, one module per page group. Every route added here must also be added to the
//! route list in the story tests (`tests/story/routes.rs`), which checks headers on each.

pub mod account;
pub mod assets;
pub mod audit;
pub mod clients;
pub mod connections;
pub mod dev_inbox;
pub mod events;
pub mod health;
pub mod healthspace;
pub mod healthspace_settings;
pub mod invitations;
pub mod language;
pub mod login;
pub mod members;
pub mod memberships;
pub mod message;
pub mod messages;
pub mod metrics;
pub mod organisation;
pub mod owners;
pub mod passkey_login;
pub mod passkeys;
pub mod password;
pub mod privacy;
pub mod record;
pub mod register;
pub mod seats;
pub mod second_factors;
pub mod sessions;
pub mod sms_factor;
pub mod start;
pub mod tokens;

use crate::api;
use crate::errors::WebError;
use crate::state::WebState;
use axum::Router;
use axum::routing::{MethodRouter, get, post};

/// Every page route: path and handlers. The router is built from this list, and the story
/// tests check that each path is in their route table.
pub fn pages() -> Vec<(&'static str, MethodRouter<WebState>)> {
    vec![
        ("/", get(start::show)),
        ("/register", get(register::show).post(register::submit)),
        ("/register/done", get(register::done)),
        (
            "/verify-email",
            get(register::verify_show).post(register::verify_submit),
        ),
        (
            "/verify-pending",
            get(register::pending).post(register::resend),
        ),
        ("/login", get(login::show).post(login::submit)),
        (
            "/login/second-step",
            get(login::second_step).post(login::second_step_submit),
        ),
        ("/login/second-step/sms", post(login::second_step_sms)),
        ("/login/passkey", post(passkey_login::submit)),
        ("/login/passkey/options", post(passkey_login::options)),
        (
            "/login/second-step/passkey",
            post(passkey_login::second_step_submit),
        ),
        (
            "/login/second-step/passkey/options",
            post(passkey_login::second_step_options),
        ),
        ("/logout", post(login::logout)),
        (
            "/password/forgot",
            get(password::forgot_show).post(password::forgot_submit),
        ),
        (
            "/password/reset",
            get(password::reset_show).post(password::reset_submit),
        ),
        ("/privacy", get(privacy::show)),
        ("/record", get(record::show)),
        ("/record/links", post(record::add_link)),
        ("/record/documents", post(record::files::upload)),
        ("/record/items/{id}/file", get(record::files::download)),
        ("/record/access-log", get(record::access_log::show)),
        ("/messages", get(messages::inbox)),
        (
            "/messages/new",
            get(messages::starting::show).post(messages::starting::submit),
        ),
        (
            "/messages/{id}",
            get(messages::conversation::show).post(messages::conversation::send),
        ),
        (
            "/messages/{id}/messages/{message}/remove",
            post(messages::conversation::remove),
        ),
        (
            "/messages/{id}/messages/{message}/files/{position}",
            get(messages::conversation::attachment),
        ),
        (
            "/record/items/{id}",
            get(record::items::show).post(record::items::change),
        ),
        ("/record/items/{id}/delete", post(record::items::delete)),
        (
            "/record/items/{id}/sharing",
            post(record::items::set_sharing),
        ),
        ("/account", get(account::show)),
        ("/account/profile", post(account::profile)),
        ("/account/birth-date", post(account::birth_date)),
        (
            "/account/photo",
            get(account::photo).post(account::photo_upload),
        ),
        ("/account/photo/remove", post(account::photo_remove)),
        ("/account/email", post(account::email)),
        ("/account/password", post(account::password)),
        ("/account/message-notices", post(account::message_notices)),
        (
            "/email/confirm",
            get(account::email_confirm_show).post(account::email_confirm_submit),
        ),
        ("/account/sessions", get(sessions::list)),
        ("/account/sessions/end-others", post(sessions::end_others)),
        ("/account/sessions/{id}/end", post(sessions::end)),
        (
            "/account/sessions/remembered/{id}/forget",
            post(sessions::forget_browser),
        ),
        ("/account/two-step", get(second_factors::show)),
        ("/account/two-step/app", post(second_factors::start)),
        (
            "/account/two-step/app/confirm",
            post(second_factors::confirm),
        ),
        (
            "/account/two-step/recovery-codes",
            post(second_factors::renew),
        ),
        ("/account/two-step/remove", post(second_factors::remove)),
        ("/account/two-step/sms", post(sms_factor::start)),
        ("/account/two-step/sms/confirm", post(sms_factor::confirm)),
        ("/account/two-step/sms/code", post(sms_factor::send_code)),
        ("/account/two-step/sms/remove", post(sms_factor::remove)),
        ("/account/passkeys", post(passkeys::create)),
        ("/account/passkeys/new", get(passkeys::new)),
        ("/account/passkeys/options", post(passkeys::options)),
        (
            "/account/passkeys/confirm-options",
            post(passkeys::confirm_options),
        ),
        ("/account/passkeys/{id}", get(passkeys::show)),
        ("/account/passkeys/{id}/rename", post(passkeys::rename)),
        ("/account/passkeys/{id}/remove", post(passkeys::remove)),
        ("/account/tokens", get(tokens::list).post(tokens::create)),
        ("/account/tokens/{id}/revoke", post(tokens::revoke)),
        ("/organisation", get(organisation::index)),
        (
            "/organisation/{id}",
            get(organisation::show).post(organisation::update),
        ),
        ("/organisation/{id}/owners", post(owners::add)),
        ("/organisation/{id}/owners/remove", post(owners::remove)),
        (
            "/organisation/{id}/healthspaces",
            post(organisation::create_healthspace),
        ),
        ("/healthspaces/{id}/activate", post(organisation::activate)),
        (
            "/healthspaces/{id}/deactivate",
            get(organisation::deactivate_confirm).post(organisation::deactivate),
        ),
        ("/h/{alias}", get(healthspace::home)),
        ("/h/{alias}/brand.css", get(healthspace::brand_css)),
        ("/h/{alias}/logo", get(healthspace::logo)),
        (
            "/h/{alias}/connections/self",
            post(healthspace::connect_self),
        ),
        (
            "/h/{alias}/settings",
            get(healthspace_settings::show).post(healthspace_settings::update),
        ),
        (
            "/h/{alias}/settings/logo",
            post(healthspace_settings::logo_upload),
        ),
        (
            "/h/{alias}/settings/logo/remove",
            post(healthspace_settings::logo_remove),
        ),
        ("/h/{alias}/members", get(members::list)),
        ("/h/{alias}/seats", get(seats::show)),
        ("/h/{alias}/audit", get(audit::show)),
        ("/h/{alias}/seats.csv", get(seats::csv)),
        ("/h/{alias}/invitations", post(members::invite)),
        (
            "/h/{alias}/invitations/{id}/{action}",
            post(members::close_invitation),
        ),
        (
            "/h/{alias}/connections",
            get(connections::list).post(members::connect),
        ),
        ("/h/{alias}/connections/{id}/end", post(connections::end)),
        ("/h/{alias}/clients", get(clients::list)),
        ("/h/{alias}/clients/{id}", get(clients::show)),
        (
            "/h/{alias}/clients/{id}/items/{item}/file",
            get(clients::document_file),
        ),
        ("/h/{alias}/memberships/{id}/cancel", post(members::cancel)),
        (
            "/h/{alias}/memberships/{id}/role",
            post(members::change_role),
        ),
        (
            "/invitations/accept",
            get(invitations::show).post(invitations::accept),
        ),
        ("/account/memberships", get(memberships::list)),
        (
            "/account/memberships/{id}/cancel",
            get(memberships::cancel_confirm).post(memberships::cancel),
        ),
        ("/account/connections", get(memberships::connections)),
        (
            "/account/invitations/{id}/accept",
            post(memberships::accept_waiting),
        ),
        ("/dev/inbox", get(dev_inbox::list)),
        ("/dev/inbox/{name}", get(dev_inbox::show)),
        ("/language", post(language::switch)),
        ("/static/{name}", get(assets::serve)),
        (events::PATH, get(events::stream)),
        ("/healthz", get(health::check)),
        ("/metrics", get(metrics::report)),
    ]
}

/// Every path the site answers: the pages and the JSON API.
pub fn paths() -> Vec<&'static str> {
    let pages = pages().into_iter().map(|(path, _)| path);
    pages
        .chain(api::endpoints().into_iter().map(|(_, path, _)| path))
        .collect()
}

/// How many documents a request to `path` may upload: a record document, or a message with its
/// attachments; 0 for every other route. Upload routes get the upload limit and time instead of
/// the general ones (the pipeline itself enforces each document's limit while streaming).
pub fn uploads_at(path: &str) -> u64 {
    if matches!(path, "/record/documents" | "/api/v1/record/documents") {
        return 1;
    }
    // A message is sent to `/messages/{id}` (or the API's `…/conversations/{id}/messages`).
    let message = path
        .strip_prefix("/messages/")
        .is_some_and(|id| !id.contains('/') && id != "new")
        || path
            .strip_prefix("/api/v1/conversations/")
            .and_then(|rest| rest.strip_suffix("/messages"))
            .is_some_and(|id| !id.contains('/'));
    if message {
        carespace_core::messages::ATTACHMENTS_MAX as u64
    } else {
        0
    }
}

/// The routes whose responses stay open (the live stream): they get no request timeout, which
/// would cut them off.
pub const STREAMS: [&str; 1] = [events::PATH];

pub fn routes() -> Router<WebState> {
    let pages = pages()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        });
    api::endpoints()
        .into_iter()
        .fold(pages, |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .fallback(|| async { WebError::NotFound })
}
