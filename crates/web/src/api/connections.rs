//! A Healthspace's connections over the API, for its admins and the owners: listing them and
//! ending one. Same use cases as the connections page.

use super::input::{AliasIdPath, AliasPath, QueryParams, is_time_id_cursor};
use super::{InputProblem, error_response, invalid_input};
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::connections::listing::{self, ConnectionQuery, ConnectionView};
use carespace_core::accounts::Email;
use http::StatusCode;
use serde::Serialize;

#[derive(Serialize)]
pub struct ListedBody {
    id: String,
    staff: String,
    staff_email: String,
    client: String,
    client_email: String,
    since: i64,
    made_by: Option<String>,
}

impl From<ConnectionView> for ListedBody {
    fn from(c: ConnectionView) -> Self {
        ListedBody {
            id: c.id.to_string(),
            staff: c.staff_name,
            staff_email: c.staff_email,
            client: c.client_name,
            client_email: c.client_email,
            since: c.since.millis(),
            made_by: c.made_by,
        }
    }
}

#[derive(Serialize)]
pub struct PageBody {
    connections: Vec<ListedBody>,
    /// Pass as `before` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The addresses and the cursor as the document describes them (the use case would take
/// anything else as a filter that matches nothing).
fn query_problems(query: &ConnectionQuery) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    for (field, email) in [("staff", &query.staff), ("client", &query.client)] {
        if !email.is_empty() && Email::parse(email).is_err() {
            problems.push(InputProblem::new(field, "email_invalid"));
        }
    }
    if !query.before.is_empty() && !is_time_id_cursor(&query.before) {
        problems.push(InputProblem::new("before", "cursor_invalid"));
    }
    problems
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
    QueryParams(query): QueryParams<ConnectionQuery>,
) -> Response {
    let problems = query_problems(&query);
    if !problems.is_empty() {
        return invalid_input(&page, problems);
    }
    let actor = actor::of(&auth, &client);
    match listing::of_healthspace(&state.app, &actor, &alias, &query).await {
        Ok(list) => Json(PageBody {
            connections: list.connections.into_iter().map(ListedBody::from).collect(),
            next: list.next,
        })
        .into_response(),
        Err(error) => error_response(&page, error),
    }
}

pub async fn end(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasIdPath(alias, id): AliasIdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match listing::end(&state.app, &actor, &alias, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => error_response(&page, error),
    }
}
