//! Documents over the API: uploading one as `multipart/form-data` (its file streams through
//! the pipeline, never held whole, as from the record's page), and downloading a document's
//! file, whole or one `Range` of it: one's own, or, for a connected staff member, one a client
//! shares with their Healthspace.

use super::bodies::ItemBody;
use crate::actor;
use crate::api::error_response;
use crate::api::input::{AliasIdItemPath, IdPath};
use crate::auth::ApiUser;
use crate::client::Client;
use crate::downloads::{self, Asked};
use crate::page::Page;
use crate::routes::record::files::add_from;
use crate::state::WebState;
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Response};
use carespace_app::AppResult;
use carespace_app::files::Download;
use carespace_app::record::documents;
use carespace_app::record::mine;
use http::header::LOCATION;
use http::{HeaderMap, StatusCode};

/// `POST /api/v1/record/documents`: the new document, private, with where it is (`Location`).
pub async fn upload(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let actor = actor::of(&auth, &client);
    let added = match add_from(&state, &actor, multipart).await {
        (_, Ok(id)) => id,
        (_, Err(error)) => return error_response(&page, error),
    };
    match mine::item(&state.app, &actor, added.as_str()).await {
        Ok((item, _)) => {
            let location = format!("/api/v1/record/items/{added}");
            let body = Json(ItemBody::own(item));
            (StatusCode::CREATED, [(LOCATION, location)], body).into_response()
        }
        Err(error) => error_response(&page, error),
    }
}

/// `GET /api/v1/record/items/{id}/file`: one's own document's file.
pub async fn download(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Response {
    let actor = actor::of(&auth, &client);
    let asked = downloads::asked(&headers);
    let opened = documents::open_own(&state.app, &actor, &id, |size| asked.range(size)).await;
    respond(&page, opened, asked)
}

/// `GET /api/v1/healthspaces/{alias}/clients/{id}/items/{item}/file`: a document the client
/// shares with the Healthspace, for a staff member connected to them; opening it shows in the
/// client's access log.
pub async fn shared_download(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasIdItemPath(alias, client_id, item): AliasIdItemPath,
    headers: HeaderMap,
) -> Response {
    let actor = actor::of(&auth, &client);
    let asked = downloads::asked(&headers);
    let whose = (alias.as_str(), client_id.as_str());
    let opened =
        documents::open_shared(&state.app, &actor, whose, &item, |size| asked.range(size)).await;
    respond(&page, opened, asked)
}

fn respond(page: &Page, opened: AppResult<Download>, asked: Asked) -> Response {
    match opened {
        Ok(download) => downloads::respond(download, asked != Asked::Whole),
        Err(error) => error_response(page, error),
    }
}
