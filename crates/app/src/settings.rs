//! Settings use cases read, from the `[accounts]` section of the configuration.

use carespace_core::sessions::SessionLimits;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountSettings {
    /// The youngest age at which a person may register.
    pub minimum_age: u8,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u32,
    /// A session ends this many hours after login, however active.
    pub session_absolute_hours: u32,
    /// The largest profile photo upload, in bytes.
    pub photo_max_bytes: usize,
    /// Profile photos are stored at most this many pixels wide and high.
    pub photo_size_px: u32,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            minimum_age: 16,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            photo_max_bytes: 5 * 1024 * 1024,
            photo_size_px: 512,
        }
    }
}

impl AccountSettings {
    pub fn session_limits(&self) -> SessionLimits {
        SessionLimits {
            idle_ms: i64::from(self.session_idle_minutes) * 60_000,
            absolute_ms: i64::from(self.session_absolute_hours) * 3_600_000,
        }
    }

    /// Checks the values; the error names the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.session_idle_minutes == 0 || self.session_absolute_hours == 0 {
            return Err("accounts.session_idle_minutes and accounts.session_absolute_hours must be at least 1".into());
        }
        if !(16..=4096).contains(&self.photo_size_px) {
            return Err("accounts.photo_size_px must be between 16 and 4096".into());
        }
        Ok(())
    }
}
