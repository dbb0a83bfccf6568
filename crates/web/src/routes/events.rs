//! `GET /events`: the signed-in person's live stream (Server-Sent Events), by session cookie or
//! API token. Events carry ids and counts only; the page fetches what it shows.
//!
//! An open stream is not activity: its session was read without recording a visit (`auth`),
//! and at each keep-alive it is checked again the same way, so an idle session still times
//! out and the stream ends with it. A logout or revoke here ends it at once (the hub asks).

use crate::auth::{self, ApiUser, Auth};
use crate::state::WebState;
use axum::extract::State;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use carespace_app::live::{Item, Sent, Subscription};
use carespace_app::{api_tokens, sessions};
use futures_util::stream;
use http::HeaderMap;
use std::convert::Infallible;
use tokio::time::{Instant, Interval, MissedTickBehavior};

pub use crate::auth::EVENTS_PATH as PATH;

/// What the stream was opened with, to check again while it is open.
enum Credential {
    Session(String),
    Token(String),
}

/// An open stream's state: kept small, as ten thousand of them may wait at once (the session
/// check's larger future is boxed only while it runs).
struct Open {
    state: WebState,
    credential: Credential,
    subscription: Subscription,
    keep_alive: Interval,
}

pub async fn stream(State(state): State<WebState>, user: ApiUser, headers: HeaderMap) -> Response {
    let credential = match &user.0 {
        Auth::Session(_) => auth::session_token(&state, &headers).map(Credential::Session),
        Auth::Token(_) => auth::bearer(&headers).map(Credential::Token),
    };
    let Some(credential) = credential else {
        return crate::errors::WebError::Unauthorized.into_response();
    };
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok());
    let live = &state.app.live;
    let subscription = live.subscribe(&user.0.account().id, last_event_id);
    let period = live.settings().keep_alive();
    let mut keep_alive = tokio::time::interval_at(Instant::now() + period, period);
    keep_alive.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let open = Open {
        state: state.clone(),
        credential,
        subscription,
        keep_alive,
    };
    Sse::new(stream::unfold(open, next)).into_response()
}

/// The stream's next frame: an event, or a keep-alive comment once the session was found
/// still live; `None` ends the stream.
async fn next(mut open: Open) -> Option<(Result<Event, Infallible>, Open)> {
    loop {
        tokio::select! {
            item = open.subscription.next() => match item? {
                Item::Event(sent) => return Some((Ok(frame(&sent)), open)),
                Item::Recheck => {
                    if !open.still_valid().await {
                        return None;
                    }
                }
            },
            _ = open.keep_alive.tick() => {
                if !open.still_valid().await {
                    return None;
                }
                return Some((Ok(Event::default().comment("")), open));
            }
        }
    }
}

fn frame(sent: &Sent) -> Event {
    Event::default()
        .id(&sent.id)
        .event(sent.kind)
        .data(&sent.data)
}

impl Open {
    /// Whether the session or token still works. When the database cannot tell, the stream
    /// stays: it is checked again at the next keep-alive.
    async fn still_valid(&self) -> bool {
        let app = &self.state.app;
        let checked = match &self.credential {
            Credential::Session(token) => Box::pin(sessions::still_signed_in(app, token)).await,
            Credential::Token(token) => Box::pin(api_tokens::still_live(app, token)).await,
        };
        checked.unwrap_or_else(|error| {
            tracing::warn!(target: "live", %error, "cannot check a stream's session");
            true
        })
    }
}
