//! "Active sessions": every browser logged in to the account, and ending them; the browsers
//! remembered at the second step of a login, and forgetting them.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::sessions::remembered::{self, RememberedBrowser};
use carespace_app::sessions::{self, SessionInfo};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsTemplate {
    page: Page,
    sessions: Vec<SessionInfo>,
    remembered: Vec<RememberedBrowser>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct EndedQuery {
    #[serde(default)]
    ended: Option<u64>,
    #[serde(default)]
    forgotten: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<EndedQuery>,
) -> Result<Html<String>, WebError> {
    let sessions = sessions::list(&state.app, &session).await?;
    let remembered = remembered::list(&state.app, &session.account.id).await?;
    let notice = match (query.ended, query.forgotten) {
        (Some(n), _) => Some(page.t1("sessions-ended", "count", &n.to_string())),
        (None, Some(_)) => Some(page.t("remembered-forgotten")),
        (None, None) => None,
    };
    render(&SessionsTemplate {
        page,
        sessions,
        remembered,
        notice,
    })
}

pub async fn end(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if id == session.session_id {
        // Ending the current session is logging out, which has its own button.
        return Err(WebError::BadRequest);
    }
    sessions::end(
        &state.app,
        &session.account.id,
        &id,
        &origin(&client, Some(&session)),
    )
    .await?;
    Ok(Redirect::to("/account/sessions?ended=1").into_response())
}

pub async fn end_others(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let ended =
        sessions::end_others(&state.app, &session, &origin(&client, Some(&session))).await?;
    Ok(Redirect::to(&format!("/account/sessions?ended={ended}")).into_response())
}

/// Forgets a browser remembered at a login's second step.
pub async fn forget_browser(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    remembered::forget(&state.app, &session.account.id, &id, &origin).await?;
    Ok(Redirect::to("/account/sessions?forgotten=1").into_response())
}
