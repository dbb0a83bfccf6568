//! The gate in front of password hashing. An argon2id hash holds 19 MiB and a core for tens of
//! milliseconds, so only a few may run at once; a short queue waits for a turn and anything past
//! it is refused at once (503 with `Retry-After`) instead of piling up memory (see `crate::gate`). Part of the turns
//! are kept for logins, so a flood of registrations never keeps real users from logging in.

use super::memory::WorkingMemory;
use crate::error::{AppError, AppResult};
use crate::gate::{Place, busy};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What a hash is for: logins may also take the turns kept for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashUse {
    Login,
    Other,
}

/// How many hashes run at once and how many may wait. One per process, in the `AppContext`.
#[derive(Debug)]
pub struct HashGate {
    /// Turns anyone may take.
    shared: Arc<Semaphore>,
    /// Turns only logins may take.
    logins: Arc<Semaphore>,
    waiting_logins: AtomicUsize,
    waiting_others: AtomicUsize,
    /// The longest queue of each use.
    queue: usize,
    /// Argon2's working memory, one buffer kept per turn.
    memory: Arc<WorkingMemory>,
}

impl HashGate {
    /// `concurrency` hashes at once (at least 2), half of them kept for logins; `queue` waiting
    /// per use.
    pub fn new(concurrency: usize, queue: usize) -> HashGate {
        let concurrency = concurrency.max(2);
        let for_logins = concurrency / 2;
        HashGate {
            shared: Arc::new(Semaphore::new(concurrency - for_logins)),
            logins: Arc::new(Semaphore::new(for_logins)),
            waiting_logins: AtomicUsize::new(0),
            waiting_others: AtomicUsize::new(0),
            queue,
            memory: Arc::new(WorkingMemory::new(concurrency)),
        }
    }

    /// The working memory the turns share.
    pub(super) fn memory(&self) -> &Arc<WorkingMemory> {
        &self.memory
    }

    /// A turn to hash, held until the returned permit is dropped; `Busy` when the queue is full.
    pub(crate) async fn enter(&self, purpose: HashUse) -> AppResult<OwnedSemaphorePermit> {
        let login = purpose == HashUse::Login;
        // A login takes one of its own turns first, so it leaves the shared ones to the others.
        if login && let Ok(permit) = self.logins.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if let Ok(permit) = self.shared.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let waiting = if login {
            &self.waiting_logins
        } else {
            &self.waiting_others
        };
        let what = if login {
            "password hashing for logins"
        } else {
            "password hashing"
        };
        let _place = Place::take(waiting, self.queue).ok_or_else(|| busy(what))?;
        let permit = if login {
            tokio::select! {
                permit = self.shared.clone().acquire_owned() => permit,
                permit = self.logins.clone().acquire_owned() => permit,
            }
        } else {
            self.shared.clone().acquire_owned().await
        };
        permit.map_err(|_| AppError::Internal("hashing gate closed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[tokio::test]
    async fn past_the_queue_others_are_refused_but_logins_still_get_their_turns() {
        let gate = Arc::new(HashGate::new(2, 1));
        let running = gate.enter(HashUse::Other).await.unwrap();
        // The one shared turn is taken: the next registration waits, the one after is refused.
        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter(HashUse::Other).await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        while gate.waiting_others.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(
            gate.enter(HashUse::Other).await,
            Err(AppError::Busy)
        ));
        // A login takes the turn kept for logins at once.
        let login = gate.enter(HashUse::Login).await.unwrap();
        drop(running);
        waiting.await.unwrap().unwrap();
        drop(login);
        assert_eq!(gate.waiting_others.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_login_leaves_the_shared_turns_to_the_others_while_its_own_are_free() {
        let gate = HashGate::new(2, 0);
        let login = gate.enter(HashUse::Login).await.unwrap();
        // The shared turn is still free for a registration, with no queue at all.
        let other = gate.enter(HashUse::Other).await.unwrap();
        drop((login, other));
    }
}
