//! The router with its middleware, and serving it with graceful shutdown.

use crate::state::WebState;
use crate::{auth, csrf, error_pages, metrics, routes, security};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::from_fn_with_state;
use http::HeaderValue;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::map_request_body::MapRequestBodyLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Request ids are UUIDv7, like every other id, so logs sort by time.
#[derive(Clone, Copy)]
struct MakeUuidV7;

impl MakeRequestId for MakeUuidV7 {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&carespace_core::ids::new_id())
            .ok()
            .map(RequestId::new)
    }
}

/// The whole site: `extra` lets the caller add routes (the tests add a slow one) that then
/// get the same middleware as every other route.
pub fn build_router(state: WebState, extra: Router<WebState>) -> Router {
    let limit = state.settings.max_body_bytes;
    // Outermost first. Every response, errors included, passes the security headers.
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeUuidV7))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(from_fn_with_state(state.clone(), auth::load))
        .layer(from_fn_with_state(state.clone(), csrf::issue))
        .layer(from_fn_with_state(state.clone(), error_pages::error_pages))
        .layer(CatchPanicLayer::custom(error_pages::panic_response))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(MapRequestBodyLayer::new(Body::new))
        .layer(axum::middleware::from_fn(csrf::verify));
    routes::routes()
        .merge(extra)
        // The body limit above is the one limit; axum's own 2 MB default for forms and
        // uploads would otherwise cut photo uploads short.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware)
        .with_state(state)
}

/// Logs the path, never the query string: it may carry a token.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id,
    )
}

/// Serves until `shutdown` completes, then stops accepting connections and lets requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
