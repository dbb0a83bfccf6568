//! One conversation over the API: a page of its messages (the newest page marks it read, as
//! the page does), a read marker alone, answering as `multipart/form-data` (read by the same
//! code as the page's form, its files streamed to staging as they come), removing one's own
//! message, and an attachment whole or one `Range` of it.

use super::bodies::{ConversationPageBody, SentBody};
use super::cursor_problem;
use crate::actor;
use crate::api::error_response;
use crate::api::input::{AttachmentPath, IdPairPath, IdPath, QueryParams};
use crate::auth::ApiUser;
use crate::client::Client;
use crate::downloads::{self, Asked};
use crate::forms::non_empty;
use crate::page::Page;
use crate::routes::messages::conversation::read_form;
use crate::state::WebState;
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use carespace_app::messages::{attachments, removing, sending, thread};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ConversationQuery {
    #[serde(default)]
    before: String,
}

/// `GET /api/v1/conversations/{id}`: the conversation with a page of its messages.
pub async fn show(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ConversationQuery>,
) -> Response {
    if let Some(refused) = cursor_problem(&page, &query.before) {
        return refused;
    }
    let actor = actor::of(&auth, &client);
    match thread::open(&state.app, &actor, &id, non_empty(&query.before)).await {
        Ok(view) => Json(ConversationPageBody::from(view)).into_response(),
        Err(error) => error_response(&page, error),
    }
}

/// `POST /api/v1/conversations/{id}/read`: nothing unread here any more.
pub async fn mark_read(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match thread::mark_read(&state.app, &actor, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(&page, error),
    }
}

/// `POST /api/v1/conversations/{id}/messages`: the message sent.
pub async fn send(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let actor = actor::of(&auth, &client);
    let (text, staged) = read_form(&state, &actor, &id, multipart).await;
    let sent = match staged {
        Ok(attached) => sending::send(&state.app, &actor, &id, &text, attached).await,
        Err(error) => Err(error),
    };
    match sent {
        Ok(sent) => (StatusCode::CREATED, Json(SentBody::from(&sent))).into_response(),
        Err(error) => error_response(&page, error),
    }
}

/// `DELETE /api/v1/conversations/{id}/messages/{message}`: one's own message removed; "message
/// removed" stays in its place. Removing it again changes nothing.
pub async fn remove(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPairPath(id, message): IdPairPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match removing::remove(&state.app, &actor, &id, &message).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(&page, error),
    }
}

/// `GET /api/v1/conversations/{id}/messages/{message}/files/{position}`: an attachment.
pub async fn attachment(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AttachmentPath(id, message, position): AttachmentPath,
    headers: HeaderMap,
) -> Response {
    let actor = actor::of(&auth, &client);
    let asked = downloads::asked(&headers);
    let opened = attachments::open(&state.app, &actor, (&id, &message, position), |size| {
        asked.range(size)
    })
    .await;
    match opened {
        Ok(download) => downloads::respond(download, asked != Asked::Whole),
        Err(error) => error_response(&page, error),
    }
}
