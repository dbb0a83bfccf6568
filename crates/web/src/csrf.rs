//! Protection against cross-site request forgery for every state-changing request.
//!
//! Double-submit token: each browser gets a random token in an HttpOnly, SameSite=Strict cookie
//! (`__Host-` prefixed over HTTPS, so a sibling domain cannot plant one), every form carries the
//! same token in a hidden `csrf_token` field (scripts send it as `X-CSRF-Token`), and a POST, PUT,
//! PATCH or DELETE is refused unless the two match. A browser's own `Sec-Fetch-Site:
//! cross-site` is refused outright. Once someone is logged in, the token is the one stored with
//! their server-side session instead (a new one at each login), so a token seen before login is
//! worthless after it. Requests with an API token (`Authorization: Bearer`) need no CSRF token:
//! no browser adds that header on its own, and such a request never uses the session cookie,
//! so a bad token is answered 401 by the handler, not refused here.

use crate::auth::Auth;
use crate::errors::WebError;
use crate::i18n::cookie_value;
use crate::state::WebState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use futures_util::StreamExt;
use http::header::{AUTHORIZATION, CONTENT_TYPE, SET_COOKIE};
use http::{HeaderValue, Method};
use subtle::ConstantTimeEq;

/// The name of the hidden form field that carries the token.
pub const FORM_FIELD: &str = "csrf_token";
/// The header scripts send the token in.
pub const HEADER: &str = "x-csrf-token";

/// The CSRF token of the current request, for templates to put in forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn cookie_name(state: &WebState) -> &'static str {
    if state.settings.is_https() {
        "__Host-csrf"
    } else {
        "csrf"
    }
}

fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Gives every request a token: the browser's own, or a new one set as a cookie.
pub async fn issue(State(state): State<WebState>, mut request: Request, next: Next) -> Response {
    if let Some(Auth::Session(session)) = request.extensions().get::<Auth>() {
        let token = CsrfToken(session.csrf_token.clone());
        request.extensions_mut().insert(token);
        return next.run(request).await;
    }
    let name = cookie_name(&state);
    let existing = cookie_value(request.headers(), name).filter(|v| is_token(v));
    let (token, is_new) = match existing {
        Some(token) => (token, false),
        None => match new_token() {
            Ok(token) => (token, true),
            Err(error) => {
                tracing::error!(%error, "no randomness for a CSRF token");
                return WebError::Internal.into_response();
            }
        },
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if is_new {
        let cookie = Cookie::build((name, token))
            .path("/")
            .http_only(true)
            .secure(state.settings.is_https())
            .same_site(SameSite::Strict)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// Refuses state-changing requests whose token does not match the cookie's.
pub async fn verify(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || has_bearer_token(&request)
    {
        return next.run(request).await;
    }
    if request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v == "cross-site")
    {
        return WebError::CsrfRejected.into_response();
    }
    let Some(expected) = request.extensions().get::<CsrfToken>().map(|t| t.0.clone()) else {
        return WebError::CsrfRejected.into_response();
    };
    let header_token = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (request, sent) = match header_token {
        Some(token) => (request, Some(token)),
        None => match token_from_form(request).await {
            Ok(found) => found,
            Err(error) => return error.into_response(),
        },
    };
    match sent {
        Some(sent) if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) => {
            next.run(request).await
        }
        _ => WebError::CsrfRejected.into_response(),
    }
}

/// Whether the request authenticates with an API token, valid or not.
fn has_bearer_token(request: &Request) -> bool {
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
}

/// Reads the token from a form body (url-encoded, or multipart for uploads) and puts the body
/// back for the handler. A url-encoded body is read whole (the limit in front caps it); of a
/// multipart body only its first part is looked at, as it streams: an upload is never held.
async fn token_from_form(request: Request) -> Result<(Request, Option<String>), WebError> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    if !is_form && !is_multipart {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    if is_multipart {
        let (prefix, body) = multipart_prefix(body).await?;
        let token = multipart_value(&content_type, prefix.clone(), FORM_FIELD).await;
        let replayed = futures_util::stream::once(async move { Ok::<_, axum::Error>(prefix) });
        let body = Body::from_stream(replayed.chain(body.into_data_stream()));
        return Ok((Request::from_parts(parts, body), token));
    }
    let bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|_| WebError::PayloadTooLarge)?;
    let token = form_urlencoded_value(&bytes, FORM_FIELD);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// Where a multipart form's token must be: its first part, which the forms' token field is.
const MULTIPART_PREFIX: usize = 16 * 1024;

/// The first bytes of a multipart body (at least [`MULTIPART_PREFIX`] of them, or all of a
/// shorter body) and the rest of it, unread.
async fn multipart_prefix(body: Body) -> Result<(axum::body::Bytes, Body), WebError> {
    let mut stream = body.into_data_stream();
    let mut prefix = Vec::new();
    while prefix.len() < MULTIPART_PREFIX {
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(WebError::PayloadTooLarge),
            None => break,
        }
    }
    Ok((prefix.into(), Body::from_stream(stream)))
}

/// The field `field` of a multipart body. Forms put the token first, so parsing stops before
/// any uploaded file is looked at.
async fn multipart_value(
    content_type: &str,
    bytes: axum::body::Bytes,
    field: &str,
) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(part)) = multipart.next_field().await {
        if part.name() == Some(field) {
            return part.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_value(body: &[u8], field: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == field)
        .map(|(_, value)| value)
}
