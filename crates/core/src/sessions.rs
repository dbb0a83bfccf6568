//! What a session remembers about the browser it belongs to, and when it ends.

use crate::time::Timestamp;

/// The browser and device a session was started from, read from its `User-Agent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device_type: DeviceType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceType {
    Computer,
    Phone,
    Other,
}

impl DeviceType {
    pub const ALL: [DeviceType; 3] = [DeviceType::Computer, DeviceType::Phone, DeviceType::Other];

    pub const fn code(self) -> &'static str {
        match self {
            DeviceType::Computer => "computer",
            DeviceType::Phone => "phone",
            DeviceType::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> DeviceType {
        match code {
            "computer" => DeviceType::Computer,
            "phone" => DeviceType::Phone,
            _ => DeviceType::Other,
        }
    }
}

impl Device {
    /// Parses a `User-Agent` header; what cannot be recognised is "unknown", never an error.
    pub fn from_user_agent(user_agent: &str) -> Device {
        let unknown = || "unknown".to_owned();
        let parser = woothee::parser::Parser::new();
        let Some(found) = parser.parse(user_agent) else {
            return Device {
                browser: unknown(),
                browser_version: String::new(),
                os: unknown(),
                device_type: DeviceType::Other,
            };
        };
        let known = |value: &str| value != woothee::woothee::VALUE_UNKNOWN && !value.is_empty();
        Device {
            browser: if known(found.name) {
                found.name.to_owned()
            } else {
                unknown()
            },
            browser_version: if known(found.version) {
                found.version.to_owned()
            } else {
                String::new()
            },
            os: if known(found.os) {
                found.os.to_owned()
            } else {
                unknown()
            },
            device_type: match found.category {
                "pc" => DeviceType::Computer,
                "smartphone" | "mobilephone" => DeviceType::Phone,
                _ => DeviceType::Other,
            },
        }
    }
}

/// How long sessions live (ASVS 7.3.1, 7.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Ends after this long without a request.
    pub idle_ms: i64,
    /// Ends this long after login, however active.
    pub absolute_ms: i64,
}

impl SessionLimits {
    /// Whether a session last seen at `last_seen` and ending at `expires_at` still holds.
    pub fn is_alive(self, last_seen: Timestamp, expires_at: Timestamp, now: Timestamp) -> bool {
        now < expires_at && now.millis() - last_seen.millis() < self.idle_ms
    }
}

/// Sessions record "last seen" at most this often, so browsing is not a stream of writes.
pub const LAST_SEEN_GRANULARITY_MS: i64 = 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_browser_os_and_device_from_the_user_agent() {
        let firefox = Device::from_user_agent(
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        );
        assert_eq!(firefox.browser, "Firefox");
        assert_eq!(firefox.browser_version, "128.0");
        assert_eq!(firefox.os, "Linux");
        assert_eq!(firefox.device_type, DeviceType::Computer);
        let iphone = Device::from_user_agent(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        );
        assert_eq!(iphone.device_type, DeviceType::Phone);
        assert_eq!(iphone.os, "iPhone");
        assert_eq!(Device::from_user_agent("").browser, "unknown");
    }

    #[test]
    fn sessions_end_when_idle_or_past_their_lifetime() {
        let limits = SessionLimits {
            idle_ms: 1_000,
            absolute_ms: 10_000,
        };
        let t = Timestamp::from_millis(100_000);
        let expires = t.plus_millis(limits.absolute_ms);
        assert!(limits.is_alive(t, expires, t.plus_millis(999)));
        assert!(!limits.is_alive(t, expires, t.plus_millis(1_000)));
        assert!(!limits.is_alive(expires, expires, expires));
    }
}
