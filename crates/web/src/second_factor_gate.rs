//! Two-step verification before care: an account that must have a second factor and has none
//! (`core::policy::second_factor_first`) reaches only its own account. A page elsewhere sends
//! it to set one up; an API request is refused with `second_factor_required`.

use crate::auth::Auth;
use crate::errors::WebError;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use carespace_core::policy::{self, Reach};

/// Where a person without the second factor they need is sent.
pub const SETUP_PAGE: &str = "/account/two-step";

/// The paths of the account's own pages and of what needs no account: everything else is
/// care, so a new route is behind the gate unless it is added here.
const OWN_ACCOUNT: &[&str] = &[
    "/account",
    "/logout",
    "/login",
    "/register",
    "/verify-email",
    "/verify-pending",
    "/email/confirm",
    "/password/",
    "/invitations/accept",
    "/privacy",
    "/language",
    "/static/",
    "/healthz",
    "/metrics",
    "/dev/inbox",
    "/api/v1/openapi.json",
    "/api/v1/accounts",
    "/api/v1/password-reset",
    "/api/v1/me",
    "/api/v1/session",
    "/api/v1/sessions",
    "/api/v1/tokens",
    "/api/v1/memberships",
    "/api/v1/connections",
];

/// What a request for `path` reaches: a path is the account's own when it is one of
/// [`OWN_ACCOUNT`] or lies below one (`/account/two-step`).
pub fn reach_of(path: &str) -> Reach {
    let own = OWN_ACCOUNT.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    });
    if own { Reach::OwnAccount } else { Reach::Care }
}

/// Lets a request through unless its account must set up a second factor first. Runs after
/// `auth::load` (which finds the account) and inside `error_pages` (which words the refusal).
pub async fn enforce(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let Some(auth) = request.extensions().get::<Auth>() else {
        return next.run(request).await;
    };
    if !policy::second_factor_first(auth.two_step(), reach_of(path)) {
        return next.run(request).await;
    }
    tracing::warn!(
        target: "security",
        account = %auth.account().id,
        path,
        "access refused: a second factor must be set up first"
    );
    if path.starts_with("/api/") {
        WebError::SecondFactorRequired.into_response()
    } else {
        Redirect::to(SETUP_PAGE).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_pages_are_the_account_and_what_needs_no_account() {
        for path in [
            "/account",
            "/account/two-step",
            "/account/memberships/abc/cancel",
            "/logout",
            "/invitations/accept",
            "/api/v1/me/birth-date",
            "/api/v1/session/second-step",
            "/api/v1/sessions/abc",
            "/api/v1/memberships/abc",
        ] {
            assert_eq!(reach_of(path), Reach::OwnAccount, "{path}");
        }
    }

    #[test]
    fn everything_else_is_care() {
        for path in [
            "/",
            "/h/linde",
            "/h/linde/clients/abc",
            "/organisation",
            "/organisation/abc",
            "/healthspaces/abc/activate",
            "/accounts-of-others",
            "/api/v1/healthspaces/linde/members",
            "/api/v1/tokensmith",
        ] {
            assert_eq!(reach_of(path), Reach::Care, "{path}");
        }
    }
}
