use carespace_core::language::Language;
use carespace_core::secret::Secret;
use ipnet::IpNet;
use serde::Deserialize;

/// Settings of the web layer, read as the `[web]` section of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSettings {
    /// The address people use to reach this installation, e.g. `https://care.example.nl`; links
    /// in emails point here. Empty: the address the server listens on. With `https://` cookies
    /// are marked Secure and HSTS is sent.
    pub public_url: String,
    /// The language for visitors whose browser asks for neither Dutch nor English.
    pub default_language: Language,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Send HSTS even when `public_url` is not `https://` (TLS ends at a proxy in front).
    pub hsts: bool,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// A connection that has not sent a request's headers within this time is closed.
    pub header_timeout_seconds: u64,
    /// A request, its body included, that takes longer is answered 408.
    pub request_timeout_seconds: u64,
    /// The same for a document upload, which may be large and come over a slow line.
    pub upload_timeout_seconds: u64,
    /// Reverse proxies (CIDRs, e.g. `10.0.0.0/8`) whose `Forwarded` or `X-Forwarded-For`
    /// header names the client; from any other peer those headers are ignored.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            public_url: String::new(),
            default_language: Language::Nl,
            max_body_bytes: 8 * 1024 * 1024,
            hsts: false,
            metrics_token: None,
            header_timeout_seconds: 10,
            request_timeout_seconds: 60,
            upload_timeout_seconds: 3600,
            trusted_proxies: Vec::new(),
        }
    }
}

impl WebSettings {
    /// The settings with an empty `public_url` filled in from the address the server listens on.
    pub fn resolved_for(&self, listening_on: std::net::SocketAddr) -> WebSettings {
        let mut settings = self.clone();
        if settings.public_url.is_empty() {
            settings.public_url = format!("http://{listening_on}");
        }
        settings
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn sends_hsts(&self) -> bool {
        self.hsts || self.is_https()
    }

    /// Checks the values that types alone cannot; the error names the setting.
    pub fn validate(&self) -> Result<(), String> {
        let url = &self.public_url;
        if url.is_empty() {
            return self.validate_limits();
        }
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        if !scheme_ok || url.contains(char::is_whitespace) || url.ends_with('/') {
            return Err(format!(
                "web.public_url: {url:?} must start with http:// or https:// and not end with /"
            ));
        }
        self.validate_limits()
    }

    fn validate_limits(&self) -> Result<(), String> {
        if self.max_body_bytes < 16 * 1024 {
            return Err("web.max_body_bytes: must be at least 16384".into());
        }
        if self.header_timeout_seconds == 0
            || self.request_timeout_seconds == 0
            || self.upload_timeout_seconds == 0
        {
            return Err(
                "web.header_timeout_seconds, web.request_timeout_seconds and web.upload_timeout_seconds must be at least 1"
                    .into(),
            );
        }
        Ok(())
    }
}
