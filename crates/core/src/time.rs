//! Time as integer milliseconds since the Unix epoch, UTC: the one representation both databases
//! store and compare the same way.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

/// Where "now" comes from. Use cases take a clock so tests can move time forward.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}
