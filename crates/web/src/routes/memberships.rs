//! A member's own memberships (My account → Memberships) and connections ("My connections").

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::memberships::{self, MyConnection, MyMembership};
use carespace_core::memberships::MembershipState;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "memberships.html")]
struct MembershipsTemplate {
    page: Page,
    memberships: Vec<MyMembership>,
    notice: Option<String>,
}

impl MembershipsTemplate {
    fn is_active(&self, membership: &MyMembership) -> bool {
        membership.state == MembershipState::Active
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    let memberships = memberships::mine(&state.app, &session.account.id).await?;
    let notice = (query.done == "cancelled").then(|| page.t("memberships-cancelled"));
    render(&MembershipsTemplate {
        page,
        memberships,
        notice,
    })
}

#[derive(Template)]
#[template(path = "cancel_membership.html")]
struct CancelTemplate {
    page: Page,
    membership: MyMembership,
}

pub async fn cancel_confirm(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let membership = memberships::mine(&state.app, &session.account.id)
        .await?
        .into_iter()
        .find(|m| m.id == id && m.state == MembershipState::Active)
        .ok_or(WebError::NotFound)?;
    render(&CancelTemplate { page, membership })
}

pub async fn cancel(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    memberships::cancel_own(&state.app, &session.account.id, &id, &origin).await?;
    Ok(Redirect::to("/account/memberships?done=cancelled").into_response())
}

#[derive(Template)]
#[template(path = "connections.html")]
struct ConnectionsTemplate {
    page: Page,
    connections: Vec<MyConnection>,
}

pub async fn connections(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, WebError> {
    let connections = memberships::my_connections(&state.app, &session.account.id).await?;
    render(&ConnectionsTemplate { page, connections })
}
