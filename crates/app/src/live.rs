//! The live channel: events about messages (ids and counts, never content) pushed to the
//! recipients' open streams (`GET /events`). A use case publishes after its transaction
//! committed; this instance hands the event to the recipient's own streams here and, on
//! PostgreSQL, to the other instances through `NOTIFY`. On SQLite there is one instance.
//!
//! Every event gets an id `<instance>.<sequence>`; each account's last events are kept a few
//! minutes, so a stream that reconnects with `Last-Event-ID` resumes, and one that cannot
//! (another instance's id, or one older than what is kept) is told to `reload` first.

mod event;
mod hub;
mod remote;
mod settings;

pub use event::{Delivery, Item, LiveEvent, Sent};
pub use hub::Subscription;
pub use settings::LiveSettings;

use carespace_core::ids::AccountId;
use carespace_store::Db;
use hub::Hub;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The hub of this instance; one per process, shared through `AppContext::live`.
pub struct Live {
    hub: Arc<Hub>,
    db: Db,
}

impl Live {
    pub fn new(db: Db, settings: LiveSettings) -> Live {
        // The random part of a fresh UUIDv7: short, and new at every start.
        let id = carespace_core::ids::new_id();
        let instance = id.rsplit('-').next().unwrap_or(&id).to_owned();
        Live {
            hub: Arc::new(Hub::new(instance, settings)),
            db,
        }
    }

    /// Called after the use case's transaction committed. Delivers to this instance's streams
    /// of each recipient and, on PostgreSQL, to other instances through NOTIFY. Never fails
    /// the caller: a failed NOTIFY is logged (the pages are right after a reload anyway).
    pub async fn publish(&self, deliveries: Vec<Delivery>) {
        for delivery in &deliveries {
            self.hub.deliver(&delivery.to, &delivery.event);
        }
        remote::send(self, deliveries).await;
    }

    /// Opens a stream of `account`'s events, resuming after `last_event_id` when given.
    pub fn subscribe(&self, account: &AccountId, last_event_id: Option<&str>) -> Subscription {
        self.hub.subscribe(account, last_event_id)
    }

    /// A session of `account` ended here (logout, "Active sessions"): its streams check their
    /// own sessions at once, and those that ended close.
    pub fn sessions_ended(&self, account: &AccountId) {
        self.hub.recheck(account);
    }

    pub fn settings(&self) -> &LiveSettings {
        self.hub.settings()
    }

    /// How many streams are open on this instance.
    pub fn open_streams(&self) -> usize {
        self.hub.streams()
    }

    /// Listens for the other instances (PostgreSQL) and forgets old events, until `stop`;
    /// then ends every stream, so that a shutdown does not wait for them.
    pub async fn run_until(self: Arc<Self>, stop: CancellationToken) {
        let sweep = async {
            let mut ticks = tokio::time::interval(self.hub.sweep_interval());
            loop {
                ticks.tick().await;
                self.hub.sweep();
            }
        };
        let listen = async {
            remote::listen(&self).await;
            std::future::pending::<()>().await;
        };
        tokio::select! {
            () = stop.cancelled() => {}
            () = sweep => {}
            () = listen => {}
        }
        self.hub.close();
    }
}
