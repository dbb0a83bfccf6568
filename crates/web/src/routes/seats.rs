//! The seats report of a Healthspace, as a page and as CSV, for its admins and the owners.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use carespace_app::seats::{self, SeatsReport};
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};

#[derive(Template)]
#[template(path = "seats.html")]
struct SeatsTemplate {
    page: Page,
    report: SeatsReport,
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let report = seats::report(&state.app, &actor, &alias).await?;
    Ok(render(&SeatsTemplate { page, report })?.into_response())
}

/// The same numbers as CSV, with the column names in the reader's language.
pub async fn csv(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let report = seats::report(&state.app, &actor, &alias).await?;
    let header = [
        "seats-month",
        "seats-clients",
        "seats-staff",
        "seats-admins",
        "seats-total",
    ]
    .map(|key| page.t(key))
    .join(",");
    let mut body = format!("{header}\r\n");
    for row in &report.months {
        body.push_str(&format!(
            "{},{},{},{},{}\r\n",
            row.month,
            row.clients,
            row.staff,
            row.admins,
            row.total()
        ));
    }
    let disposition = format!("attachment; filename=\"seats-{}.csv\"", report.alias);
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
