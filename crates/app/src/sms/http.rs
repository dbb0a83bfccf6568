//! A generic HTTP SMS gateway: the configured body template, with `{to}` and `{text}` filled
//! in, POSTed with `Authorization: Bearer <token>`. A JSON template gets its values
//! JSON-escaped; any other is sent as a form, its values form-encoded. Anything but a 2xx
//! answer within the timeout is a failure.

use super::{SmsError, SmsSender};
use async_trait::async_trait;
use bytes::Bytes;
use carespace_core::secret::Secret;
use carespace_core::sms::PhoneNumber;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Request, Uri};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

pub struct HttpSmsSender {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    url: Uri,
    token: Secret,
    template: String,
    timeout: Duration,
}

impl HttpSmsSender {
    pub fn new(
        url: &str,
        token: Secret,
        template: &str,
        timeout: Duration,
    ) -> Result<HttpSmsSender, SmsError> {
        let url: Uri = url
            .parse()
            .map_err(|e: http::uri::InvalidUri| SmsError::Setup(e.to_string()))?;
        // Server certificates are checked against the webpki roots, as for mail.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| SmsError::Setup(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(HttpSmsSender {
            client: Client::builder(TokioExecutor::new()).build(https),
            url,
            token,
            template: template.to_owned(),
            timeout,
        })
    }

    fn is_json(&self) -> bool {
        self.template.trim_start().starts_with(['{', '['])
    }

    /// The template with its placeholders filled in, each value escaped for the body's kind.
    fn body(&self, to: &PhoneNumber, text: &str) -> String {
        let escape = |value: &str| -> String {
            if self.is_json() {
                let quoted = serde_json::Value::from(value).to_string();
                quoted[1..quoted.len() - 1].to_owned()
            } else {
                form_urlencoded::byte_serialize(value.as_bytes()).collect()
            }
        };
        fill(&self.template, &escape(to.as_str()), &escape(text))
    }
}

/// Replaces `{to}` and `{text}` in one pass, so a value holding a placeholder stays as it is.
fn fill(template: &str, to: &str, text: &str) -> String {
    let mut out = String::with_capacity(template.len() + text.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix("{to}") {
            out.push_str(to);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{text}") {
            out.push_str(text);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[async_trait]
impl SmsSender for HttpSmsSender {
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError> {
        let content_type = if self.is_json() {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let request = Request::post(self.url.clone())
            .header(AUTHORIZATION, format!("Bearer {}", self.token.expose()))
            .header(CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from(self.body(to, text))))
            .map_err(|e| SmsError::Setup(e.to_string()))?;
        let answer = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| SmsError::Unreachable("no answer in time".into()))?
            .map_err(|e| SmsError::Unreachable(e.to_string()))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SmsError::Refused(status.as_u16()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_left_braces_kept() {
        assert_eq!(fill("{to}:{text} {x}", "+31", "{to}"), "+31:{to} {x}");
    }
}
