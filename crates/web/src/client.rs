//! What a request tells about the browser that sent it, for sessions and rate limits.
//!
//! The client's address is the TCP peer's, unless that peer is one of `web.trusted_proxies`:
//! then it is the address the proxies say they forwarded for (`Forwarded`, else
//! `X-Forwarded-For`), read from the right and skipping the trusted proxies themselves, so a
//! client cannot pass itself off as someone else by sending the header itself.

use crate::errors::WebError;
use crate::state::WebState;
use axum::extract::{ConnectInfo, FromRequestParts};
use carespace_app::audit::Origin;
use carespace_app::sessions::{ClientInfo, CurrentSession};
use http::HeaderMap;
use http::header::{ACCEPT_LANGUAGE, FORWARDED, USER_AGENT};
use http::request::Parts;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The browser's address, user agent and languages.
pub struct Client(pub ClientInfo);

impl FromRequestParts<WebState> for Client {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
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
            .map(|ConnectInfo(peer)| {
                client_ip(peer.ip(), &parts.headers, &state.settings.trusted_proxies).to_string()
            })
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

/// The client's address: the peer's, or, from a trusted proxy, the nearest address in the
/// forwarding chain that is not a trusted proxy (the leftmost when all are).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or_else(|| chain.first())
        .map_or(peer, |ip| canonical(*ip))
}

/// The addresses the proxies forwarded for, the client's first. `Forwarded` (RFC 7239) when
/// present, else `X-Forwarded-For`. An element that is no address (`unknown`, an obfuscated
/// name) ends the chain there: nothing left of it can be trusted.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let forwarded = values(FORWARDED);
    let addresses: Vec<Option<IpAddr>> = if forwarded.is_empty() {
        values(http::HeaderName::from_static("x-forwarded-for"))
            .into_iter()
            .map(parse_address)
            .collect()
    } else {
        forwarded.into_iter().map(forwarded_for).collect()
    };
    let usable = addresses
        .iter()
        .rposition(Option::is_none)
        .map_or(0, |i| i + 1);
    addresses[usable..].iter().flatten().copied().collect()
}

/// The `for=` of one element of a `Forwarded` header.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_address(value.trim().trim_matches('"')))?
    })
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_address(value: &str) -> Option<IpAddr> {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = value.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    value
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

/// IPv4 addresses mapped into IPv6 (a dual-stack listener's view) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().unwrap(), "fd00::/8".parse().unwrap()]
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let sent = headers(&[("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(
            client_ip(ip("203.0.113.5"), &sent, &proxies()),
            ip("203.0.113.5")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &sent, &[]), ip("10.0.0.1"));
    }

    #[test]
    fn from_a_trusted_proxy_the_nearest_untrusted_address_is_the_client() {
        // The client made up the first entry; the proxy added the real one.
        let sent = headers(&[("x-forwarded-for", "192.0.2.1, 198.51.100.9, 10.1.1.1")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &sent, &proxies()),
            ip("198.51.100.9")
        );
        let sent = headers(&[
            ("forwarded", "for=192.0.2.1;proto=https"),
            ("forwarded", "for=\"[2001:db8:cafe::17]:4711\""),
        ]);
        assert_eq!(
            client_ip(ip("fd00::1"), &sent, &proxies()),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &headers(&[]), &proxies()),
            ip("::ffff:10.0.0.1"),
            "no header: the proxy itself"
        );
    }

    #[test]
    fn an_element_that_is_no_address_stops_the_chain() {
        let sent = headers(&[("x-forwarded-for", "198.51.100.9, unknown")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &sent, &proxies()), ip("10.0.0.1"));
    }
}
