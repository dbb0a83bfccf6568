use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The `[live]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveSettings {
    /// How often an open stream gets a keep-alive comment; its session is checked again then.
    pub keep_alive_seconds: u64,
    /// Events waiting for one stream. A stream that falls this far behind is dropped (its
    /// browser reconnects and resumes) rather than holding up whoever publishes.
    pub stream_buffer: usize,
    /// How long an account's last events are kept so that a reconnecting stream resumes.
    pub replay_seconds: u64,
    /// How many of an account's last events are kept, at most.
    pub replay_events: usize,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            keep_alive_seconds: 15,
            stream_buffer: 8,
            replay_seconds: 300,
            replay_events: 32,
        }
    }
}

impl LiveSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.keep_alive_seconds == 0
            || self.stream_buffer == 0
            || self.replay_seconds == 0
            || self.replay_events == 0
        {
            return Err(
                "live.keep_alive_seconds, live.stream_buffer, live.replay_seconds and \
                        live.replay_events must be at least 1"
                    .into(),
            );
        }
        Ok(())
    }

    pub fn keep_alive(&self) -> Duration {
        Duration::from_secs(self.keep_alive_seconds)
    }

    pub fn replay_window(&self) -> Duration {
        Duration::from_secs(self.replay_seconds)
    }
}
