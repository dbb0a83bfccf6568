//! Messages: the inbox, starting a conversation, a conversation with its form to answer, and
//! removing one's own message within five minutes. Every page works without JavaScript; with
//! it, the live channel refreshes what changed.

pub mod conversation;
pub mod starting;

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::non_empty;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use carespace_app::messages::ConversationView;
use carespace_app::messages::inbox::{self, InboxPage};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    before: String,
    /// A name to look for among the people in a conversation.
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct InboxTemplate {
    page: Page,
    inbox: InboxPage,
    q: String,
}

impl InboxTemplate {
    fn names(&self, conversation: &ConversationView) -> String {
        names(conversation)
    }

    fn next_href(&self, next: &str) -> String {
        let mut query = vec![("before", next)];
        if !self.q.is_empty() {
            query.push(("q", &self.q));
        }
        format!(
            "/messages?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

/// The names of the others in a conversation.
pub(crate) fn names(conversation: &ConversationView) -> String {
    let names: Vec<&str> = conversation
        .others
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    names.join(", ")
}

pub async fn inbox(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let name = non_empty(&query.q);
    let inbox = inbox::page(&state.app, &actor, name, non_empty(&query.before)).await?;
    let template = InboxTemplate {
        page,
        inbox,
        q: query.q.trim().to_owned(),
    };
    Ok(render(&template)?.into_response())
}
