//! What a request tells about the browser it came from.

/// What the request tells about the browser.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
    pub accept_language: String,
}
