//! What a request tells about the browser that sent it, for sessions and rate limits.

use crate::errors::WebError;
use crate::state::WebState;
use axum::extract::{ConnectInfo, FromRequestParts};
use carespace_app::audit::Origin;
use carespace_app::sessions::{ClientInfo, CurrentSession};
use http::header::{ACCEPT_LANGUAGE, USER_AGENT};
use http::request::Parts;
use std::net::SocketAddr;

/// The browser's address, user agent and languages. The address is the TCP peer's: behind a
/// reverse proxy every request would share the proxy's (see the operator notes in the README).
pub struct Client(pub ClientInfo);

impl FromRequestParts<WebState> for Client {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &WebState) -> Result<Self, WebError> {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
                .unwrap_or_default()
                .chars()
                .take(500)
                .collect::<String>()
        };
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_default();
        Ok(Client(ClientInfo {
            ip,
            user_agent: header(USER_AGENT),
            accept_language: header(ACCEPT_LANGUAGE),
        }))
    }
}

/// Where a request came from, for the audit log: its address, user agent and, when logged in,
/// its session.
pub fn origin(client: &ClientInfo, session: Option<&CurrentSession>) -> Origin {
    Origin {
        ip: client.ip.clone(),
        session_id: session.map(|s| s.session_id.clone()),
        user_agent: client.user_agent.clone(),
        api_token_id: None,
    }
}
