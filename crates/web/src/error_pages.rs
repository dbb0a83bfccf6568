//! The `error_pages` middleware turns a [`WebError`], and any bare error response from the
//! framework (unknown route, wrong method, body too large, panic), into a page in the user's
//! language, or JSON under `/api/`. No internals ever reach the user: a 500 shows a reference
//! id to quote to support.

use crate::errors::WebError;
use crate::page::{Page, PageRequest, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    page: &'a Page,
    status: u16,
    title: String,
    text: String,
    reference: Option<String>,
}

/// Replaces error responses by a page in the user's language (JSON for `/api/`), keeping the
/// status and headers such as `Allow` or `Retry-After`.
pub async fn error_pages(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let seen = PageRequest::of(&parts, &state);
    let request_id = parts.headers.get("x-request-id").cloned();
    let response = next.run(Request::from_parts(parts, body)).await;

    let status = response.status();
    let error = match response.extensions().get::<WebError>() {
        Some(error) => *error,
        None if status.is_client_error() || status.is_server_error() => {
            if has_own_body(&response) {
                return response;
            }
            WebError::from_status(status)
        }
        None => return response,
    };
    let reference = request_id
        .filter(|_| status.is_server_error())
        .and_then(|id| id.to_str().ok().map(str::to_owned));
    let page = Page::for_request(&seen, &state);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    let body = if page.path.starts_with("/api/") {
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        json_body(&page, error, reference)
    } else {
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        html_body(&page, error, status, reference)
    };
    (parts, body).into_response()
}

/// Whether the handler wrote a proper page or JSON for this error itself.
fn has_own_body(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"))
}

fn json_body(page: &Page, error: WebError, reference: Option<String>) -> String {
    let (_, text_key) = error.message_keys();
    serde_json::json!({
        "error": { "code": error.code(), "message": page.t(text_key), "reference": reference }
    })
    .to_string()
}

fn html_body(
    page: &Page,
    error: WebError,
    status: StatusCode,
    reference: Option<String>,
) -> String {
    let (title_key, text_key) = error.message_keys();
    let template = ErrorTemplate {
        page,
        status: status.as_u16(),
        title: page.t(title_key),
        text: page.t(text_key),
        reference,
    };
    // Rendering the error page itself failing must still give the user something.
    render(&template).map_or_else(|_| page.t(title_key), |html| html.0)
}

/// Turns a panic in a handler into a plain 500; `error_pages` then renders it.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    WebError::Internal.into_response()
}
