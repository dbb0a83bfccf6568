//! A client's record as a connected staff member (or admin) reads it in their Healthspace: the
//! items the client shares there and the events there. Anyone else gets 404; every read is in
//! the client's "Who viewed my record".

use super::bodies::SharedRecordBody;
use crate::actor;
use crate::api::error_response;
use crate::api::input::AliasIdPath;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::connections::clients;

/// `GET /api/v1/healthspaces/{alias}/clients/{id}/record`.
pub async fn shared_record(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasIdPath(alias, id): AliasIdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match clients::page(&state.app, &actor, &alias, &id).await {
        Ok(view) => Json(SharedRecordBody::from(view.record)).into_response(),
        Err(error) => error_response(&page, error),
    }
}
