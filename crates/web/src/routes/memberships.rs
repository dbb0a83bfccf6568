//! A member's own memberships (My account → Memberships) and connections ("My connections").

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::connections::{self, MyConnection};
use carespace_app::memberships::waiting::{self, WaitingInvitation};
use carespace_app::memberships::{self, MyMembership};
use carespace_core::ids::AccountId;
use carespace_core::memberships::MembershipState;
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "memberships.html")]
struct MembershipsTemplate {
    page: Page,
    memberships: Vec<MyMembership>,
    waiting: Vec<WaitingInvitation>,
    /// The waiting invitation whose acceptance failed, with the problem.
    refused: Option<(String, FormState)>,
    notice: Option<String>,
}

impl MembershipsTemplate {
    /// The form state of a waiting invitation's accept form.
    fn accept_form(&self, invitation: &WaitingInvitation) -> FormState {
        match &self.refused {
            Some((id, form)) if id == invitation.id.as_str() => form.clone(),
            _ => FormState::new(),
        }
    }

    fn role_label(&self, invitation: &WaitingInvitation) -> String {
        self.page.t(&format!("role-{}", invitation.role.code()))
    }

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
    let notice = (query.done == "cancelled").then(|| page.t("memberships-cancelled"));
    let account = actor::account(&session);
    render(&list_page(&state, page, &account, notice, None).await?)
}

async fn list_page(
    state: &WebState,
    page: Page,
    account_id: &AccountId,
    notice: Option<String>,
    refused: Option<(String, FormState)>,
) -> Result<MembershipsTemplate, WebError> {
    Ok(MembershipsTemplate {
        memberships: memberships::mine(&state.app, account_id).await?,
        waiting: waiting::waiting_for(&state.app, account_id).await?,
        page,
        refused,
        notice,
    })
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    birth_date: String,
}

/// Accepts an invitation waiting for the account's verified address; into the Healthspace.
pub async fn accept_waiting(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let result = waiting::accept_waiting(&state.app, &actor, &id, &form.birth_date).await;
    let error = match result {
        Ok(alias) => return Ok(Redirect::to(&format!("/h/{alias}")).into_response()),
        Err(error) => error,
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let refused = FormState::new()
        .with_value("birth_date", &form.birth_date)
        .with_problems(&page, problems);
    let refused = Some((id, refused));
    let template = list_page(&state, page, &actor.account, None, refused).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}

#[derive(Template)]
#[template(path = "cancel_membership.html")]
struct CancelTemplate {
    page: Page,
    membership: MyMembership,
}

pub async fn cancel_confirm(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let actor = actor::of_session(&session, &client);
    let membership = memberships::leavable(&state.app, &actor, &id).await?;
    render(&CancelTemplate { page, membership })
}

pub async fn cancel(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    memberships::cancel_own(&state.app, &actor, &id).await?;
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
    let account = actor::account(&session);
    let connections = connections::mine(&state.app, &account).await?;
    render(&ConnectionsTemplate { page, connections })
}
