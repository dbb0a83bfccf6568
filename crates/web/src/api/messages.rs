//! Messages over the API: the inbox, starting a conversation, a conversation read a page at a
//! time (and marked read), answering with attachments, removing one's own message within five
//! minutes, and opening an attachment. Same use cases as the messages' pages; a token for one
//! Healthspace reaches that Healthspace's conversations only, a read-only one sends nothing.

mod bodies;
pub mod conversation;

use super::input::{JsonBody, QueryParams, is_time_id_cursor};
use super::{InputProblem, error_response, invalid_input};
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::forms::non_empty;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bodies::{InboxBody, SentBody};
use carespace_app::messages::inbox;
use carespace_app::messages::starting::{self, NewConversationInput};
use http::StatusCode;
use http::header::LOCATION;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    before: String,
    /// A name to look for among the people in a conversation.
    #[serde(default)]
    q: String,
}

/// A page cursor as the previous page's `next` gives it, or a 422 naming `before`: the use
/// cases would take anything else as the first page.
fn cursor_problem(page: &Page, before: &str) -> Option<Response> {
    (!before.is_empty() && !is_time_id_cursor(before))
        .then(|| invalid_input(page, vec![InputProblem::new("before", "cursor_invalid")]))
}

/// `GET /api/v1/conversations`: one page of the inbox, newest message first.
pub async fn inbox(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    QueryParams(query): QueryParams<InboxQuery>,
) -> Response {
    if let Some(refused) = cursor_problem(&page, &query.before) {
        return refused;
    }
    let actor = actor::of(&auth, &client);
    let name = non_empty(&query.q);
    match inbox::page(&state.app, &actor, name, non_empty(&query.before)).await {
        Ok(found) => Json(InboxBody::from(found)).into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct StartBody {
    /// The Healthspace's alias.
    healthspace: String,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    text: String,
}

/// `POST /api/v1/conversations`: the new conversation with its first message, and where it is
/// (`Location`).
pub async fn start(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    JsonBody(body): JsonBody<StartBody>,
) -> Response {
    let actor = actor::of(&auth, &client);
    let input = NewConversationInput {
        alias: &body.healthspace,
        with: body.with.iter().map(String::as_str).collect(),
        text: &body.text,
    };
    match starting::start(&state.app, &actor, input).await {
        Ok(sent) => {
            let location = format!("/api/v1/conversations/{}", sent.conversation_id);
            let body = Json(SentBody::from(&sent));
            (StatusCode::CREATED, [(LOCATION, location)], body).into_response()
        }
        Err(error) => error_response(&page, error),
    }
}
