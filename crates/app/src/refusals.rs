//! Throttled requests in memory. A refusal writes nothing to the database: it is one line in
//! the security log and one count here, and every `audit.throttle_summary_minutes` the counts
//! become a single audit entry (`throttled_requests_summarised`). A login key already known to
//! be slowed down is refused here until its wait is over, without opening a transaction.
//!
//! Each instance keeps its own counts and waits: with several instances behind a balancer the
//! audit log gets one summary per instance, and a key held here may still reach the database
//! through another instance, where the database's own counters refuse it.
//!
//! A `Mutex` around two maps rather than a rate-limiting crate: the limits themselves live in
//! the database (`core::throttle`); this only remembers the database's answer until it expires.

use carespace_core::time::Timestamp;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Keys held at most; past this, expired ones are dropped and new ones go unheld (the database
/// still refuses them), so a flood of distinct keys cannot grow memory.
const MAX_HELD_KEYS: usize = 10_000;

#[derive(Default)]
pub struct Refusals {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Refusals per action since the last summary.
    counts: BTreeMap<String, u64>,
    /// Keys refused until the time given.
    held: HashMap<String, Timestamp>,
}

impl Refusals {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The maps stay consistent whatever panicked while holding the lock.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one refused request of `action`.
    pub fn count(&self, action: &str) {
        *self.lock().counts.entry(action.to_owned()).or_default() += 1;
    }

    /// How long `key` is still refused, in milliseconds, if it is.
    pub fn held_ms(&self, key: &str, now: Timestamp) -> Option<i64> {
        let mut inner = self.lock();
        let until = *inner.held.get(key)?;
        if until <= now {
            inner.held.remove(key);
            return None;
        }
        Some(until.millis() - now.millis())
    }

    /// Refuses `key` here until `until`.
    pub fn hold(&self, key: &str, until: Timestamp, now: Timestamp) {
        let mut inner = self.lock();
        if inner.held.len() >= MAX_HELD_KEYS {
            inner.held.retain(|_, until| *until > now);
        }
        if inner.held.len() < MAX_HELD_KEYS || inner.held.contains_key(key) {
            inner.held.insert(key.to_owned(), until);
        }
    }

    /// The counts as `action=count,…` and zeroed; `None` when nothing was refused.
    pub(crate) fn take_counts(&self) -> Option<String> {
        let counts = std::mem::take(&mut self.lock().counts);
        if counts.is_empty() {
            return None;
        }
        let text = counts
            .iter()
            .map(|(action, count)| format!("{action}={count}"))
            .collect::<Vec<_>>()
            .join(",");
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_000_000);

    #[test]
    fn a_held_key_is_refused_until_its_time_and_then_forgotten() {
        let refusals = Refusals::default();
        refusals.hold("account:a", NOW.plus_millis(30_000), NOW);
        assert_eq!(refusals.held_ms("account:a", NOW), Some(30_000));
        assert_eq!(refusals.held_ms("account:b", NOW), None);
        assert_eq!(refusals.held_ms("account:a", NOW.plus_millis(30_000)), None);
        assert!(refusals.lock().held.is_empty());
    }

    #[test]
    fn held_keys_stay_bounded_and_expired_ones_make_room() {
        let refusals = Refusals::default();
        for n in 0..MAX_HELD_KEYS + 10 {
            refusals.hold(&format!("ip:{n}"), NOW.plus_millis(1_000), NOW);
        }
        assert_eq!(refusals.lock().held.len(), MAX_HELD_KEYS);
        let later = NOW.plus_millis(2_000);
        refusals.hold("ip:new", later.plus_millis(1_000), later);
        assert_eq!(refusals.lock().held.len(), 1);
    }

    #[test]
    fn counts_are_taken_once_per_action_in_order() {
        let refusals = Refusals::default();
        assert_eq!(refusals.take_counts(), None);
        refusals.count("register");
        refusals.count("login");
        refusals.count("login");
        assert_eq!(
            refusals.take_counts().as_deref(),
            Some("login=2,register=1")
        );
        assert_eq!(refusals.take_counts(), None);
    }
}
