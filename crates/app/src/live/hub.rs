//! This instance's streams, per account, and each account's last events for resuming.
//!
//! One lock over a map: every operation is a few pointer moves under it, never an await, and
//! a publish reaches only the recipient's own streams. A stream is a small bounded channel;
//! one whose buffer is full is dropped (its browser reconnects and resumes from the kept
//! events) so that a slow reader never holds up a publisher.

use super::event::{Item, LiveEvent, Sent};
use super::settings::LiveSettings;
use carespace_core::ids::AccountId;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, Receiver, Sender, error::TrySendError};

pub(super) struct Hub {
    /// Short and random: a `Last-Event-ID` from another instance (or an earlier run of this
    /// one) is told apart by it.
    instance: String,
    settings: LiveSettings,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    accounts: HashMap<AccountId, Entry>,
    /// The last sequence number given out.
    seq: u64,
    next_slot: u64,
    /// The sequence number at each sweep, oldest first, while younger than the replay window.
    checkpoints: VecDeque<(Instant, u64)>,
    /// Every event up to this sequence number is older than the replay window and forgotten.
    forgotten_up_to: u64,
    closed: bool,
}

#[derive(Default)]
struct Entry {
    streams: Vec<(u64, Sender<Item>)>,
    kept: VecDeque<Kept>,
    /// The newest of this account's events no longer kept.
    dropped_up_to: u64,
}

struct Kept {
    seq: u64,
    at: Instant,
    sent: Arc<Sent>,
}

/// One open stream: its events, those to resume with first, and its place in the hub, which it
/// leaves when dropped.
pub struct Subscription {
    backlog: VecDeque<Arc<Sent>>,
    events: Receiver<Item>,
    _slot: Slot,
}

impl Subscription {
    /// The next item; `None` when the stream is over (dropped for being slow, or shutdown).
    pub async fn next(&mut self) -> Option<Item> {
        if let Some(sent) = self.backlog.pop_front() {
            return Some(Item::Event(sent));
        }
        self.events.recv().await
    }
}

struct Slot {
    hub: Arc<Hub>,
    account: AccountId,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.hub.lock();
        if let Some(entry) = state.accounts.get_mut(&self.account) {
            entry.streams.retain(|(id, _)| *id != self.id);
        }
    }
}

impl Hub {
    pub(super) fn new(instance: String, settings: LiveSettings) -> Hub {
        Hub {
            instance,
            settings,
            state: Mutex::default(),
        }
    }

    pub(super) fn instance(&self) -> &str {
        &self.instance
    }

    pub(super) fn settings(&self) -> &LiveSettings {
        &self.settings
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Gives `event` this instance's next id, keeps it for resuming and hands it to each of the
    /// account's streams here.
    pub(super) fn deliver(&self, to: &AccountId, event: &LiveEvent) {
        let mut state = self.lock();
        state.seq += 1;
        let seq = state.seq;
        let sent = Arc::new(Sent::event(format!("{}.{seq}", self.instance), event));
        let entry = state.accounts.entry(to.clone()).or_default();
        entry.kept.push_back(Kept {
            seq,
            at: Instant::now(),
            sent: sent.clone(),
        });
        while entry.kept.len() > self.settings.replay_events {
            if let Some(old) = entry.kept.pop_front() {
                entry.dropped_up_to = old.seq;
            }
        }
        send_to_all(to, &mut entry.streams, &Item::Event(sent));
    }

    /// Opens a stream for `account`. With `last_event_id` (what the browser saw last), the
    /// kept events after it come first; if it is not this instance's, or older than what is
    /// kept, a `reload` comes first instead.
    pub(super) fn subscribe(
        self: &Arc<Self>,
        account: &AccountId,
        last_event_id: Option<&str>,
    ) -> Subscription {
        let (sender, events) = mpsc::channel(self.settings.stream_buffer);
        let mut state = self.lock();
        state.next_slot += 1;
        let id = state.next_slot;
        let backlog = last_event_id
            .map(|last| self.resume(&state, account, last))
            .unwrap_or_default();
        if !state.closed {
            let entry = state.accounts.entry(account.clone()).or_default();
            entry.streams.push((id, sender));
        }
        drop(state);
        Subscription {
            backlog,
            events,
            _slot: Slot {
                hub: self.clone(),
                account: account.clone(),
                id,
            },
        }
    }

    fn resume(&self, state: &State, account: &AccountId, last: &str) -> VecDeque<Arc<Sent>> {
        let reload = || {
            let id = format!("{}.{}", self.instance, state.seq);
            VecDeque::from([Arc::new(Sent::reload(id))])
        };
        let Some(seen) = last
            .strip_prefix(self.instance.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|seq| seq.parse::<u64>().ok())
            .filter(|seen| *seen <= state.seq)
        else {
            return reload();
        };
        let entry = state.accounts.get(account);
        let dropped = entry
            .map_or(0, |e| e.dropped_up_to)
            .max(state.forgotten_up_to);
        if seen < dropped {
            return reload();
        }
        entry
            .map(|e| {
                e.kept
                    .iter()
                    .filter(|kept| kept.seq > seen)
                    .map(|kept| kept.sent.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asks every stream of the account here to check its session now (one of them ended).
    pub(super) fn recheck(&self, account: &AccountId) {
        let mut state = self.lock();
        if let Some(entry) = state.accounts.get_mut(account) {
            send_to_all(account, &mut entry.streams, &Item::Recheck);
        }
    }

    /// Tells every stream here to reload: events may have been missed (the listening
    /// connection was lost).
    pub(super) fn reload_all(&self) {
        let mut state = self.lock();
        let sent = Arc::new(Sent::reload(format!("{}.{}", self.instance, state.seq)));
        let item = Item::Event(sent);
        for (account, entry) in &mut state.accounts {
            send_to_all(account, &mut entry.streams, &item);
        }
    }

    /// Forgets events older than the replay window, and accounts with nothing left.
    pub(super) fn sweep(&self) {
        let now = Instant::now();
        let window = self.settings.replay_window();
        let Some(cutoff) = now.checked_sub(window) else {
            return;
        };
        let mut state = self.lock();
        let seq = state.seq;
        state.checkpoints.push_back((now, seq));
        while let Some(&(at, seq)) = state.checkpoints.front() {
            if at >= cutoff {
                break;
            }
            state.forgotten_up_to = seq;
            state.checkpoints.pop_front();
        }
        let forgotten = state.forgotten_up_to;
        state.accounts.retain(|_, entry| {
            while entry.kept.front().is_some_and(|kept| kept.at < cutoff) {
                if let Some(old) = entry.kept.pop_front() {
                    entry.dropped_up_to = old.seq;
                }
            }
            // An account's entry goes only once what it dropped is covered by `forgotten`, so
            // that resuming without it still knows what is lost.
            !entry.streams.is_empty() || !entry.kept.is_empty() || entry.dropped_up_to > forgotten
        });
    }

    /// Ends every stream and opens no more (shutdown).
    pub(super) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        for entry in state.accounts.values_mut() {
            entry.streams.clear();
        }
    }

    /// How often [`Hub::sweep`] runs: ten times per window, so nothing is kept much longer.
    pub(super) fn sweep_interval(&self) -> Duration {
        (self.settings.replay_window() / 10).max(Duration::from_secs(1))
    }

    /// Open streams here (for tests and the load figures).
    pub(super) fn streams(&self) -> usize {
        self.lock().accounts.values().map(|e| e.streams.len()).sum()
    }
}

fn send_to_all(account: &AccountId, streams: &mut Vec<(u64, Sender<Item>)>, item: &Item) {
    streams.retain(|(_, sender)| match sender.try_send(item.clone()) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            tracing::info!(target: "live", %account, "a stream fell behind and was dropped");
            false
        }
        Err(TrySendError::Closed(_)) => false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub(buffer: usize, kept: usize) -> Arc<Hub> {
        let settings = LiveSettings {
            stream_buffer: buffer,
            replay_events: kept,
            ..LiveSettings::default()
        };
        Arc::new(Hub::new("abc".into(), settings))
    }

    fn unread(total: i64) -> LiveEvent {
        LiveEvent::Unread {
            unread_total: total,
        }
    }

    fn next_now(sub: &mut Subscription) -> Option<Arc<Sent>> {
        if let Some(sent) = sub.backlog.pop_front() {
            return Some(sent);
        }
        match sub.events.try_recv().ok()? {
            Item::Event(sent) => Some(sent),
            Item::Recheck => None,
        }
    }

    #[test]
    fn each_account_gets_only_its_own_events() {
        let hub = hub(8, 8);
        let (anna, bram) = (AccountId::generate(), AccountId::generate());
        let mut a = hub.subscribe(&anna, None);
        let mut b = hub.subscribe(&bram, None);
        hub.deliver(&anna, &unread(1));
        assert_eq!(next_now(&mut a).unwrap().id, "abc.1");
        assert!(next_now(&mut b).is_none());
    }

    #[test]
    fn a_full_stream_is_dropped_and_the_publisher_goes_on() {
        let hub = hub(2, 8);
        let anna = AccountId::generate();
        let mut slow = hub.subscribe(&anna, None);
        for n in 0..5 {
            hub.deliver(&anna, &unread(n));
        }
        assert_eq!(hub.streams(), 0);
        // What was buffered is still read, then the stream ends.
        assert!(next_now(&mut slow).is_some());
        assert!(next_now(&mut slow).is_some());
        assert!(matches!(
            slow.events.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }

    #[test]
    fn resuming_sends_what_came_after_and_a_reload_when_that_is_unknown() {
        let hub = hub(8, 2);
        let anna = AccountId::generate();
        for n in 0..3 {
            hub.deliver(&anna, &unread(n));
        }
        let mut resumed = hub.subscribe(&anna, Some("abc.2"));
        assert_eq!(next_now(&mut resumed).unwrap().id, "abc.3");
        assert!(next_now(&mut resumed).is_none());
        for last in ["abc.0", "other.2", "abc.9", "nonsense"] {
            let mut sub = hub.subscribe(&anna, Some(last));
            let first = next_now(&mut sub).unwrap();
            assert_eq!(
                (first.kind, first.id.as_str()),
                ("reload", "abc.3"),
                "{last}"
            );
            assert!(next_now(&mut sub).is_none(), "{last}");
        }
    }

    #[test]
    fn a_dropped_subscription_leaves_the_hub_and_close_ends_the_rest() {
        let hub = hub(8, 8);
        let anna = AccountId::generate();
        let first = hub.subscribe(&anna, None);
        let mut second = hub.subscribe(&anna, None);
        drop(first);
        assert_eq!(hub.streams(), 1);
        hub.close();
        assert_eq!(hub.streams(), 0);
        assert!(matches!(
            second.events.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        let mut late = hub.subscribe(&anna, None);
        assert!(matches!(
            late.events.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }
}
