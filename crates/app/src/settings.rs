//! Settings use cases read: the `[accounts]`, `[retention]` and `[privacy]` sections of the
//! configuration.

use crate::passwords::HashGate;
use carespace_core::accounts::Email;
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
    /// Password hashes computed at once (half of them kept for logins); 0: twice the cores.
    pub password_hash_concurrency: usize,
    /// Hash requests that may wait for a turn, per kind (logins, others); more are answered
    /// 503 with `Retry-After`.
    pub password_hash_queue: usize,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            minimum_age: 16,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            photo_max_bytes: 5 * 1024 * 1024,
            photo_size_px: 512,
            password_hash_concurrency: 0,
            password_hash_queue: 16,
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

    /// The gate in front of password hashing these settings describe.
    pub fn hash_gate(&self) -> HashGate {
        let concurrency = match self.password_hash_concurrency {
            0 => 2 * std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        HashGate::new(concurrency, self.password_hash_queue)
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

/// The `[messages]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessageSettings {
    /// A recipient who has not read a new message this many minutes after it came gets one email
    /// notice (without its content) per conversation per that period.
    pub notice_delay_minutes: u64,
}

impl Default for MessageSettings {
    fn default() -> Self {
        Self {
            notice_delay_minutes: 10,
        }
    }
}

impl MessageSettings {
    pub fn notice_delay_ms(&self) -> i64 {
        i64::try_from(self.notice_delay_minutes.saturating_mul(60_000)).unwrap_or(i64::MAX)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.notice_delay_minutes == 0 {
            return Err("messages.notice_delay_minutes must be at least 1".into());
        }
        Ok(())
    }
}

/// The `[retention]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// How often the purge runs.
    pub every_minutes: u64,
    /// Accounts whose address is not verified are deleted this many days after registering.
    pub unverified_account_days: u32,
    /// Ended sessions, expired trusted devices and used or expired email links are kept this
    /// many days.
    pub ended_days: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            every_minutes: 60,
            unverified_account_days: 7,
            ended_days: 1,
        }
    }
}

impl RetentionSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.every_minutes == 0 || self.unverified_account_days == 0 {
            return Err(
                "retention.every_minutes and retention.unverified_account_days must be at least 1"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The `[privacy]` section of the configuration: what the privacy statement says about who runs
/// this installation and where its data is kept, shown as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Who runs this installation and is responsible for the personal environments.
    pub operator_name: String,
    /// Where people ask about their data and exercise their rights.
    pub contact_email: String,
    /// Where the data and its backups are stored, e.g. `European Union (Netherlands)`.
    pub data_location: String,
}

impl Default for PrivacySettings {
    /// Placeholders that read well on a demo; the README asks an operator to fill them in.
    fn default() -> Self {
        Self {
            operator_name: "Carespace demo".into(),
            contact_email: "privacy@example.invalid".into(),
            data_location: "European Union".into(),
        }
    }
}

impl PrivacySettings {
    /// A statement that names no one or nowhere, or an address nobody can write to, would leave
    /// people without the answer or the way to exercise their rights.
    pub fn validate(&self) -> Result<(), String> {
        if self.operator_name.trim().is_empty() || self.data_location.trim().is_empty() {
            return Err("privacy.operator_name and privacy.data_location must not be empty".into());
        }
        Email::parse(&self.contact_email).map_err(|_| {
            format!(
                "privacy.contact_email: {:?} is not an email address",
                self.contact_email
            )
        })?;
        Ok(())
    }
}
