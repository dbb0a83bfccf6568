//! `GET /metrics`: what the server measured, for Prometheus. Behind a bearer token when one is
//! set; without the right one the route does not exist.

use crate::errors::WebError;
use crate::state::WebState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_core::jobs::JobState;
use http::HeaderMap;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use subtle::ConstantTimeEq;

/// `GET /metrics`, in the OpenMetrics text format Prometheus reads.
pub async fn report(State(state): State<WebState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.settings.metrics_token {
        let expected = format!("Bearer {}", token.expose());
        let sent = headers
            .get(AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !bool::from(sent.ct_eq(expected.as_bytes())) {
            return WebError::NotFound.into_response();
        }
    }
    match carespace_app::jobs::queue_depth(&state.app).await {
        Ok(depth) => {
            for job_state in [JobState::Pending, JobState::Running, JobState::Failed] {
                let n = depth
                    .iter()
                    .find(|(s, _)| *s == job_state)
                    .map_or(0, |(_, n)| *n);
                state.metrics.set_jobs(job_state, n);
            }
        }
        Err(error) => tracing::warn!(%error, "job queue depth unavailable for metrics"),
    }
    let Ok(body) = state.metrics.encode() else {
        return WebError::Internal.into_response();
    };
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
