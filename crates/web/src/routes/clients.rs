//! "My clients" for staff and admins: the clients they are connected to in a Healthspace
//! (searchable by name, paged), and each client's page there.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::downloads;
use crate::errors::WebError;
use crate::forms::non_empty;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use carespace_app::connections::clients::{self, ClientPage, ClientsPage};
use carespace_app::record::documents;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ClientsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ClientsTemplate {
    page: Page,
    alias: String,
    query: ClientsQuery,
    list: ClientsPage,
}

impl ClientsTemplate {
    fn next_link(&self, before: &str) -> String {
        let query = [("q", self.query.q.as_str()), ("before", before)];
        format!(
            "/h/{}/clients?{}",
            self.alias,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }

    fn searched(&self) -> bool {
        !self.query.q.trim().is_empty()
    }
}

pub async fn list(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Query(query): Query<ClientsQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let (search, before) = (non_empty(&query.q), non_empty(&query.before));
    let list = clients::mine(&state.app, &actor, &alias, search, before).await?;
    let template = ClientsTemplate {
        page,
        alias,
        query,
        list,
    };
    Ok(render(&template)?.into_response())
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientTemplate {
    page: Page,
    alias: String,
    view: ClientPage,
}

impl ClientTemplate {
    fn event_text(&self, event: &carespace_app::record::EventView) -> String {
        super::record::event_text(&self.page, event)
    }
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path((alias, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let view = clients::page(&state.app, &actor, &alias, &id).await?;
    Ok(render(&ClientTemplate { page, alias, view })?.into_response())
}

/// A document the client shares with this Healthspace, for a staff member connected to them.
pub async fn document_file(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path((alias, client_id, item)): Path<(String, String, String)>,
    headers: http::HeaderMap,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let asked = downloads::asked(&headers);
    let whose = (alias.as_str(), client_id.as_str());
    let download =
        documents::open_shared(&state.app, &actor, whose, &item, |size| asked.range(size)).await?;
    Ok(downloads::respond(
        download,
        asked != downloads::Asked::Whole,
    ))
}
