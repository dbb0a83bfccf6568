//! Events between instances on PostgreSQL: each is sent as a notification on one channel and
//! every instance hands it to its own streams. The payload is ids and counts only.

use super::Live;
use super::event::{Delivery, LiveEvent};
use carespace_core::ids::AccountId;
use carespace_store::live::{self as store, Listener};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One delivery as a notification: who sent it, for whom, what.
#[derive(Debug, Serialize, Deserialize)]
struct Notice<'a> {
    instance: &'a str,
    to: AccountId,
    event: LiveEvent,
}

/// Sends each delivery to the other instances. A failure is logged, not returned: the
/// pages are right after a reload anyway.
pub(super) async fn send(live: &Live, deliveries: Vec<Delivery>) {
    for Delivery { to, event } in deliveries {
        let notice = Notice {
            instance: live.hub.instance(),
            to,
            event,
        };
        let sent = match serde_json::to_string(&notice) {
            Ok(payload) => store::notify(&live.db, &payload)
                .await
                .map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        if let Err(error) = sent {
            tracing::warn!(target: "live", %error, "a live event did not reach the other instances");
        }
    }
}

/// Listens for the other instances' events until the task is dropped, connecting again with
/// a growing pause when the connection fails. Returns at once on SQLite.
pub(super) async fn listen(live: &Live) {
    let mut pause = Duration::from_secs(1);
    let mut lost = false;
    loop {
        match Listener::connect(&live.db).await {
            Ok(None) => return,
            Ok(Some(mut listener)) => {
                pause = Duration::from_secs(1);
                if lost {
                    // Events sent while no one listened are not known: every page refreshes.
                    live.hub.reload_all();
                }
                loop {
                    match listener.next().await {
                        Ok(Some(payload)) => receive(live, &payload),
                        Ok(None) => {
                            tracing::warn!(target: "live", "listening connection lost; reconnecting");
                            live.hub.reload_all();
                        }
                        Err(error) => {
                            tracing::warn!(target: "live", %error, "listening failed");
                            break;
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(target: "live", %error, "cannot listen for live events"),
        }
        lost = true;
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

fn receive(live: &Live, payload: &str) {
    match serde_json::from_str::<Notice>(payload) {
        // This instance delivered its own events when it published them.
        Ok(notice) if notice.instance == live.hub.instance() => {}
        Ok(notice) => live.hub.deliver(&notice.to, &notice.event),
        Err(error) => tracing::warn!(target: "live", %error, "an unreadable live notification"),
    }
}
