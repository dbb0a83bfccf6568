//! A Healthspace's connections for its admins and the owners: who is connected to whom, since
//! when and made by whom, filtered by staff member or client, and ending one.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::FormState;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::connections::listing::{self, ConnectionQuery, ConnectionsPage};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "healthspace_connections.html")]
struct ConnectionsTemplate {
    page: Page,
    alias: String,
    list: ConnectionsPage,
    filter: FormState,
    query: ConnectionQuery,
    notice: Option<String>,
}

impl ConnectionsTemplate {
    fn next_link(&self, before: &str) -> String {
        let query = [
            ("staff", self.query.staff.as_str()),
            ("client", &self.query.client),
            ("before", before),
        ];
        format!(
            "/h/{}/connections?{}",
            self.alias,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    done: String,
}

pub async fn list(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Query(query): Query<ConnectionQuery>,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let list = listing::of_healthspace(&state.app, &actor, &alias, &query).await?;
    let filter = FormState::new()
        .with_value("staff", &query.staff)
        .with_value("client", &query.client);
    let notice = (notice.done == "ended").then(|| page.t("connections-ended"));
    let template = ConnectionsTemplate {
        page,
        alias,
        list,
        filter,
        query,
        notice,
    };
    Ok(render(&template)?.into_response())
}

/// `POST /h/{alias}/connections/{id}/end`.
pub async fn end(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path((alias, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    listing::end(&state.app, &actor, &alias, &id).await?;
    Ok(Redirect::to(&format!("/h/{alias}/connections?done=ended")).into_response())
}
