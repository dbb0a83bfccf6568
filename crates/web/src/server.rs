//! The router with its middleware, and serving it with graceful shutdown.

use crate::state::WebState;
use crate::{auth, csrf, error_pages, limits, metrics, routes, second_factor_gate, security};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::middleware::from_fn_with_state;
use http::HeaderValue;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
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
        .layer(axum::middleware::from_fn(second_factor_gate::enforce))
        // A request, its body included, gets so long and so large a body (`limits`): a slow
        // sender cannot hold the connection, nor a request its database connection and
        // memory, for ever.
        .layer(from_fn_with_state(state.clone(), limits::apply))
        .layer(CatchPanicLayer::custom(error_pages::panic_response))
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

/// Serves HTTP/1.1 until `shutdown` completes, then stops accepting connections and lets
/// requests in flight finish. A connection that has not sent a request's headers within
/// `header_timeout` is closed (slow-header attacks hold no connection for long).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let connections = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The peer's address, for `Client`, as `ConnectInfo` like axum's own serving does.
        let service = router
            .clone()
            .map_request(move |request: http::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
    Ok(())
}

/// A failed accept: a connection that went away before it was taken is nothing; anything else
/// (out of file descriptors, say) is logged and waited out, so the loop does not spin.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept connections; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
