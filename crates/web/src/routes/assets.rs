use crate::errors::WebError;
use crate::state::WebState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

/// Serves an embedded asset by its hashed name; cached for a year, since a new content gets
/// a new name.
pub async fn serve(State(state): State<WebState>, Path(name): Path<String>) -> Response {
    match state.assets.find(&name) {
        Some(asset) => (
            [
                (CONTENT_TYPE, asset.content_type),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => WebError::NotFound.into_response(),
    }
}
