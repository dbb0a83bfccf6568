//! The client's own record over the API: the timeline of items and events across every
//! Healthspace, adding links and documents, each item read, renamed, deleted and shared per
//! Healthspace, documents' files downloaded, and "Who viewed my record"; and, for connected
//! staff, what a client shares with their Healthspace. Same use cases as the record's pages.

pub mod access_log;
mod bodies;
pub mod files;
pub mod items;
pub mod staff;

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
use bodies::{EntryBody, ItemBody, TargetBody};
use carespace_app::record::links::{self, NewLink};
use carespace_app::record::mine::{self, RecordPage};
use http::StatusCode;
use http::header::LOCATION;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    #[serde(default)]
    before: String,
}

#[derive(Serialize)]
pub struct PageBody {
    entries: Vec<EntryBody>,
    /// Pass as `before` for the next (older) page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    /// The Healthspaces the client may share with: where they are a client now.
    share_targets: Vec<TargetBody>,
}

impl From<RecordPage> for PageBody {
    fn from(record: RecordPage) -> Self {
        PageBody {
            entries: record.entries.into_iter().map(EntryBody::from).collect(),
            next: record.next,
            share_targets: record.targets.into_iter().map(TargetBody::from).collect(),
        }
    }
}

/// `GET /api/v1/record`: one page of the timeline, newest first.
pub async fn page(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    QueryParams(query): QueryParams<RecordQuery>,
) -> Response {
    // The use case would take anything else as the first page.
    if !query.before.is_empty() && !is_time_id_cursor(&query.before) {
        return invalid_input(&page, vec![InputProblem::new("before", "cursor_invalid")]);
    }
    let actor = actor::of(&auth, &client);
    match mine::page(&state.app, &actor, non_empty(&query.before)).await {
        Ok(record) => Json(PageBody::from(record)).into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct LinkBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/record/links`: the new link, private, with where it is (`Location`).
pub async fn add_link(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    JsonBody(body): JsonBody<LinkBody>,
) -> Response {
    let actor = actor::of(&auth, &client);
    let input = NewLink {
        title: &body.title,
        url: &body.url,
        note: &body.note,
    };
    let added = match links::add(&state.app, &actor, input).await {
        Ok(id) => id,
        Err(error) => return error_response(&page, error),
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
