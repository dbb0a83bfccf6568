//! Who is making a request: a browser with a session cookie, a program with a personal access
//! token (`Authorization: Bearer csp_…`), or no one. The `load` middleware finds out once per
//! request; the extractors below let a handler demand what it needs:
//! [`SignedIn`] (a verified account, HTML), [`SignedInUnverified`] (any session, HTML) and
//! [`ApiUser`] (session or token, JSON).

use crate::errors::WebError;
use crate::state::WebState;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::accounts::Account;
use carespace_app::api_tokens::{self, TokenUser};
use carespace_app::sessions::{self, CurrentSession, NewSession};
use carespace_core::policy::{self, TokenReach, TwoStepFacts};
use carespace_core::throttle::TRUSTED_DEVICE_MS;
use cookie::{Cookie, SameSite};
use http::header::{AUTHORIZATION, SET_COOKIE};
use http::request::Parts;
use http::{HeaderValue, Method};
use std::sync::Arc;

/// The live event stream's path: a request there is authenticated without counting as
/// activity (an open stream must not keep an idle session alive).
pub const EVENTS_PATH: &str = "/events";

/// How the request was authenticated. Shared, not copied, by the middleware and extractors
/// that read it during one request.
#[derive(Debug, Clone)]
pub enum Auth {
    Session(Arc<CurrentSession>),
    /// A personal access token: who it acts for and what it may reach. Such requests need no
    /// CSRF token, as no browser adds them.
    Token(Arc<TokenUser>),
}

impl Auth {
    pub fn account(&self) -> &Account {
        match self {
            Auth::Session(session) => &session.account,
            Auth::Token(user) => &user.account,
        }
    }

    pub fn two_step(&self) -> TwoStepFacts {
        match self {
            Auth::Session(session) => session.two_step,
            Auth::Token(user) => user.two_step,
        }
    }
}

pub fn session_cookie_name(state: &WebState) -> &'static str {
    if state.settings.is_https() {
        "__Host-session"
    } else {
        "session"
    }
}

pub fn device_cookie_name(state: &WebState) -> &'static str {
    if state.settings.is_https() {
        "__Host-device"
    } else {
        "device"
    }
}

/// The login waiting for its second step: the challenge token of the first.
pub fn challenge_cookie_name(state: &WebState) -> &'static str {
    if state.settings.is_https() {
        "__Host-login-challenge"
    } else {
        "login-challenge"
    }
}

/// A cookie only the server reads: HttpOnly, Lax, Secure over HTTPS.
pub fn set_cookie(
    response: &mut Response,
    state: &WebState,
    name: &str,
    value: &str,
    max_age_days: Option<i64>,
) {
    let mut cookie = Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Lax);
    if let Some(days) = max_age_days {
        cookie = cookie.max_age(cookie::time::Duration::days(days));
    }
    if let Ok(value) = HeaderValue::from_str(&cookie.build().to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Sets the cookies of a login: the session, and the trusted-device cookie when it is new.
pub fn set_login_cookies(response: &mut Response, state: &WebState, session: &NewSession) {
    set_cookie(
        response,
        state,
        session_cookie_name(state),
        &session.token,
        None,
    );
    if let Some(device) = &session.device_token {
        let days = TRUSTED_DEVICE_MS / 86_400_000;
        set_cookie(
            response,
            state,
            device_cookie_name(state),
            device,
            Some(days),
        );
    }
}

pub fn clear_cookie(response: &mut Response, state: &WebState, name: &str) {
    let cookie = Cookie::build((name.to_owned(), ""))
        .path("/")
        .http_only(true)
        .secure(state.settings.is_https())
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// The token of `Authorization: Bearer …`.
pub fn bearer(parts: &http::HeaderMap) -> Option<String> {
    let value = parts.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The session cookie's value.
pub fn session_token(state: &WebState, headers: &http::HeaderMap) -> Option<String> {
    crate::i18n::cookie_value(headers, session_cookie_name(state))
}

/// Finds the session or token of the request and puts it in the request's extensions. A
/// session cookie that no longer works is removed from the browser.
pub async fn load(State(state): State<WebState>, mut request: Request, next: Next) -> Response {
    if let Some(token) = bearer(request.headers()) {
        match api_tokens::authenticate(&state.app, &token).await {
            Ok(Some(user)) => {
                request.extensions_mut().insert(Auth::Token(Arc::new(user)));
            }
            // The request goes on unauthenticated, and API routes answer 401.
            Ok(None) => tracing::warn!(target: "security", "request with an invalid API token"),
            Err(error) => return WebError::from(error).into_response(),
        }
        return next.run(request).await;
    }
    let name = session_cookie_name(&state);
    let Some(token) = crate::i18n::cookie_value(request.headers(), name) else {
        return next.run(request).await;
    };
    let alias = read_along(&request).map(str::to_owned);
    // A live stream stays open while its person is away: it is not a visit.
    // Boxed: the query's future is large, and a connection keeps the room of its request's
    // future for as long as it lives (an open live stream, a keep-alive connection).
    let found = if request.uri().path() == EVENTS_PATH {
        Box::pin(sessions::authenticate_quietly(&state.app, &token)).await
    } else {
        Box::pin(sessions::authenticate(&state.app, &token, alias.as_deref())).await
    };
    match found {
        Ok(Some(session)) => {
            request
                .extensions_mut()
                .insert(Auth::Session(Arc::new(session)));
            next.run(request).await
        }
        Ok(None) => {
            let mut response = next.run(request).await;
            if !response.headers().contains_key(SET_COOKIE) {
                clear_cookie(&mut response, &state, name);
            }
            response
        }
        Err(error) => WebError::from(error).into_response(),
    }
}

/// The alias of the Healthspace a page that only reads is about (`GET /h/<alias>…`): the
/// session is read with that Healthspace and the account's facts there, so that the page's
/// access check needs no query of its own. A change reads them in its own transaction instead.
fn read_along(request: &Request) -> Option<&str> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let alias = request
        .uri()
        .path()
        .strip_prefix("/h/")?
        .split('/')
        .next()?;
    (!alias.is_empty()).then_some(alias)
}

fn login_redirect(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    Redirect::to(&format!("/login?{query}")).into_response()
}

/// A logged-in person with a verified email address. Anyone else is sent to log in, or to
/// "check your email".
#[derive(Debug, Clone)]
pub struct SignedIn(pub Arc<CurrentSession>);

impl FromRequestParts<WebState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &WebState) -> Result<Self, Response> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(session)) if session.account.verified => {
                Ok(SignedIn(session.clone()))
            }
            Some(Auth::Session(_)) => Err(Redirect::to("/verify-pending").into_response()),
            _ => Err(login_redirect(parts)),
        }
    }
}

/// A logged-in person, verified or not (for "check your email", resending the link, logout).
#[derive(Debug, Clone)]
pub struct SignedInUnverified(pub Arc<CurrentSession>);

impl FromRequestParts<WebState> for SignedInUnverified {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &WebState) -> Result<Self, Response> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(session)) => Ok(SignedInUnverified(session.clone())),
            _ => Err(login_redirect(parts)),
        }
    }
}

/// The account behind an API request, by session cookie or token; verified.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Auth);

impl FromRequestParts<WebState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &WebState) -> Result<Self, WebError> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Token(user)) if user.account.verified => {
                let (reach, writes) = token_request(parts);
                if !policy::token_allows(&user.scope, reach, writes) {
                    tracing::warn!(
                        target: "security",
                        account = %user.account.id,
                        via = "token",
                        method = %parts.method,
                        path = %parts.uri.path(),
                        "access refused: beyond the token's scope"
                    );
                    return Err(WebError::Forbidden);
                }
                Ok(ApiUser(Auth::Token(user.clone())))
            }
            Some(auth) if auth.account().verified => Ok(ApiUser(auth.clone())),
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::Unauthorized),
        }
    }
}

/// What an API request made with a token is about, by its path, and whether it changes
/// something, by its method: what the policy weighs against the token's scope at the door.
/// Which Healthspace a request is about is weighed again once it is found (`app::access`).
fn token_request(parts: &Parts) -> (TokenReach<'static>, bool) {
    let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let path = parts.uri.path();
    // A conversation is in one Healthspace: the use case weighs which, and the inbox shows a
    // token for one Healthspace that Healthspace's conversations only.
    let reach = if path.starts_with("/api/v1/healthspaces/")
        || path == "/api/v1/conversations"
        || path.starts_with("/api/v1/conversations/")
    {
        TokenReach::Healthspace(None)
    } else if writes && (path == "/api/v1/tokens" || path.starts_with("/api/v1/tokens/")) {
        TokenReach::ManageTokens
    } else {
        TokenReach::Account
    };
    (reach, writes)
}

/// The session of a request, when it came with one (not with a token).
pub fn session_of(auth: &Auth) -> Option<&CurrentSession> {
    match auth {
        Auth::Session(session) => Some(session),
        Auth::Token(..) => None,
    }
}

/// The session behind an API request made by the site's own scripts (not by a token).
pub fn api_session(user: &ApiUser) -> Result<&CurrentSession, WebError> {
    match &user.0 {
        Auth::Session(session) => Ok(session),
        Auth::Token(..) => Err(WebError::Forbidden),
    }
}
