//! The rules of the job queue (outbox): states and how long to wait before a retry.

/// Where a job is in its life. Stored as text with a CHECK constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its `run_at` time.
    Pending,
    /// Claimed by a worker, which holds a lease until `locked_until`.
    Running,
    /// Finished successfully.
    Done,
    /// Gave up after its last allowed attempt; kept for an operator to inspect.
    Failed,
}

impl JobState {
    pub const fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        [Self::Pending, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == s)
    }
}

/// How many times a job is tried before it is marked failed, unless it says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

const FIRST_RETRY_DELAY_MS: i64 = 10_000;
const MAX_RETRY_DELAY_MS: i64 = 60 * 60 * 1000;

/// The wait before the next try after `attempts` failed tries: 10 s, 20 s, 40 s, … doubling up
/// to one hour, so a receiving server that is down for a while is not hammered.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    FIRST_RETRY_DELAY_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_RETRY_DELAY_MS)
}

/// Whether a job that just failed its `attempts`-th try may be tried again.
pub fn may_retry(attempts: i64, max_attempts: i64) -> bool {
    attempts < max_attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_and_is_capped_at_an_hour() {
        assert_eq!(retry_delay_ms(1), 10_000);
        assert_eq!(retry_delay_ms(2), 20_000);
        assert_eq!(retry_delay_ms(3), 40_000);
        assert_eq!(retry_delay_ms(10), MAX_RETRY_DELAY_MS);
        assert_eq!(retry_delay_ms(1_000), MAX_RETRY_DELAY_MS);
        assert_eq!(retry_delay_ms(0), 10_000);
    }

    #[test]
    fn retries_stop_at_the_maximum() {
        assert!(may_retry(1, 3));
        assert!(may_retry(2, 3));
        assert!(!may_retry(3, 3));
    }

    #[test]
    fn states_round_trip_through_text() {
        for state in [
            JobState::Pending,
            JobState::Running,
            JobState::Done,
            JobState::Failed,
        ] {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("lost"), None);
    }
}
