//! One item of the client's own record over the API: read, renamed, deleted, and shared with
//! (or made private to) each Healthspace where the client is a client.

use super::bodies::ItemBody;
use crate::actor;
use crate::api::error_response;
use crate::api::input::{IdPairPath, IdPath, JsonBody};
use crate::auth::ApiUser;
use crate::client::Client;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::access::Actor;
use carespace_app::record::{editing, mine, sharing};
use http::StatusCode;
use serde::Deserialize;

/// The item as its client sees it now.
async fn answer(state: &WebState, page: &Page, actor: &Actor, id: &str) -> Response {
    match mine::item(&state.app, actor, id).await {
        Ok((item, _)) => Json(ItemBody::own(item)).into_response(),
        Err(error) => error_response(page, error),
    }
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Response {
    answer(&state, &page, &actor::of(&auth, &client), &id).await
}

/// What stays as it is when absent or null; an empty `note` removes the note.
#[derive(Deserialize)]
pub struct ChangeBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// `PATCH /api/v1/record/items/{id}`: a new title, note, or both; the item as it is now.
pub async fn change(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody<ChangeBody>,
) -> Response {
    let actor = actor::of(&auth, &client);
    if body.title.is_some() || body.note.is_some() {
        let (title, note) = match (body.title, body.note) {
            (Some(title), Some(note)) => (title, note),
            (title, note) => match mine::item(&state.app, &actor, &id).await {
                Ok((item, _)) => (
                    title.unwrap_or(item.title),
                    note.or(item.note).unwrap_or_default(),
                ),
                Err(error) => return error_response(&page, error),
            },
        };
        if let Err(error) = editing::change(&state.app, &actor, &id, &title, &note).await {
            return error_response(&page, error);
        }
    }
    answer(&state, &page, &actor, &id).await
}

pub async fn delete(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match editing::delete(&state.app, &actor, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(&page, error),
    }
}

/// `PUT …/shares/{healthspace_id}`: shared with that Healthspace's connected staff.
pub async fn share(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPairPath(id, healthspace): IdPairPath,
) -> Response {
    set(
        &state,
        &page,
        &actor::of(&auth, &client),
        (&id, &healthspace),
        true,
    )
    .await
}

/// `DELETE …/shares/{healthspace_id}`: private to that Healthspace again.
pub async fn unshare(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPairPath(id, healthspace): IdPairPath,
) -> Response {
    set(
        &state,
        &page,
        &actor::of(&auth, &client),
        (&id, &healthspace),
        false,
    )
    .await
}

async fn set(
    state: &WebState,
    page: &Page,
    actor: &Actor,
    (id, healthspace): (&str, &str),
    shared: bool,
) -> Response {
    match sharing::set(&state.app, actor, id, healthspace, shared).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(page, error),
    }
}
