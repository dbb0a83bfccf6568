//! How large a request body may be and how long a request may take: the general limits
//! (`web.max_body_bytes`, `web.request_timeout_seconds`) for every route but document uploads,
//! which get room for a whole document, when someone signed in sends them as a multipart form, (`files.document_max_mb` and a little for the form's
//! other fields) and `web.upload_timeout_seconds`. A live stream (`STREAMS`) gets no timeout:
//! it is meant to stay open. A body past its limit fails as it is read,
//! so nothing large is ever read before it is refused.

use crate::auth::Auth;
use crate::routes::{STREAMS, uploads_at};
use crate::state::WebState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_LENGTH;
use http_body_util::Limited;
use std::time::Duration;

/// Room for the form fields beside an uploaded document.
const FORM_ROOM: u64 = 1024 * 1024;

pub async fn apply(State(state): State<WebState>, request: Request, next: Next) -> Response {
    // Only someone signed in sending a multipart form gets an upload's room and time: the
    // allowance is never open to a stranger, nor to a form read whole.
    let multipart = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let signed_in = request.extensions().get::<Auth>().is_some();
    let documents = if signed_in && multipart {
        uploads_at(request.uri().path())
    } else {
        0
    };
    let (limit, seconds) = if documents > 0 {
        let limit = state
            .app
            .document_max_bytes
            .saturating_mul(documents)
            .saturating_add(FORM_ROOM);
        (limit, state.settings.upload_timeout_seconds)
    } else {
        let limit = u64::try_from(state.settings.max_body_bytes).unwrap_or(u64::MAX);
        (limit, state.settings.request_timeout_seconds)
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    if STREAMS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    match tokio::time::timeout(Duration::from_secs(seconds), next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}
