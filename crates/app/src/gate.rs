//! Bounds on heavy work that every request shares (image decoding; password hashing has its own
//! gate built from the same parts): a few turns at once, a short queue waiting for one, and past
//! the queue a refusal at once (`Busy`, 503 with `Retry-After`) instead of memory piling up.

use crate::error::{AppError, AppResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A turn to do the work; the next waiting request gets it when this is dropped.
pub type Turn = OwnedSemaphorePermit;

#[derive(Debug)]
pub struct Gate {
    /// What the work is, for the security log.
    what: &'static str,
    turns: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

impl Gate {
    /// `turns` at once (at least one) and at most `queue` waiting.
    pub fn new(what: &'static str, turns: usize, queue: usize) -> Gate {
        Gate {
            what,
            turns: Arc::new(Semaphore::new(turns.max(1))),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// A turn, after waiting in the queue if need be; `Busy` when the queue is full.
    pub(crate) async fn enter(&self) -> AppResult<Turn> {
        if let Ok(turn) = self.turns.clone().try_acquire_owned() {
            return Ok(turn);
        }
        let _place = Place::take(&self.waiting, self.queue).ok_or_else(|| busy(self.what))?;
        self.turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal(format!("{} gate closed", self.what)))
    }

    /// How many requests wait for a turn now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }
}

/// The refusal when a queue is full, logged as a security event (a flood, most likely).
pub(crate) fn busy(what: &str) -> AppError {
    tracing::warn!(target: "security", what, "queue for heavy work full: request refused");
    AppError::Busy
}

/// A place in a queue, given up when dropped (also when the request is abandoned).
pub(crate) struct Place<'a>(&'a AtomicUsize);

impl<'a> Place<'a> {
    pub(crate) fn take(waiting: &'a AtomicUsize, queue: usize) -> Option<Place<'a>> {
        waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < queue).then_some(n + 1)
            })
            .ok()
            .map(|_| Place(waiting))
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn past_the_queue_requests_are_refused_and_waiting_ones_get_their_turn() {
        let gate = Arc::new(Gate::new("test work", 1, 1));
        let running = gate.enter().await.unwrap();
        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.map(drop) }
        });
        while gate.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(gate.enter().await, Err(AppError::Busy)));
        drop(running);
        waiting.await.unwrap().unwrap();
        assert_eq!(gate.waiting(), 0);
        drop(gate.enter().await.unwrap());
    }
}
