//! A Healthspace's members, for its admins and the organisation's owners: the list (search,
//! filters, keyset pages), invitations, role changes, cancelling memberships and connecting staff
//! to clients.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, non_empty, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::AppResult;
use carespace_app::access::Actor;
use carespace_app::connections;
use carespace_app::memberships::invitations::{self, Closing, InvitationInput, PendingInvitation};
use carespace_app::memberships::{self, MemberFilter, MembersPage, roles};
use carespace_core::memberships::{MembershipState, Role};

use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersTemplate {
    page: Page,
    alias: String,
    query: ListQuery,
    list: MembersPage,
    invitations: Vec<PendingInvitation>,
    invite: FormState,
    connect: FormState,
    /// A refused role change, shown above the list.
    role_change: FormState,
    notice: Option<String>,
}

impl MembersTemplate {
    fn roles(&self) -> [Role; 3] {
        Role::ALL
    }

    fn role_label(&self, code: &str) -> String {
        self.page.t(&format!("role-{code}"))
    }

    fn next_link(&self, after: &str) -> String {
        let query = [
            ("q", self.query.q.as_str()),
            ("role", &self.query.role),
            ("state", &self.query.state),
            ("after", after),
        ];
        format!(
            "/h/{}/members?{}",
            self.alias,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

async fn load(
    state: &WebState,
    actor: &Actor,
    alias: &str,
    query: &ListQuery,
) -> AppResult<(MembersPage, Vec<PendingInvitation>)> {
    let filter = MemberFilter {
        role: non_empty(&query.role).and_then(|r| Role::parse(r).ok()),
        state: non_empty(&query.state).and_then(MembershipState::parse),
        search: non_empty(&query.q),
        after: non_empty(&query.after),
    };
    memberships::overview(&state.app, actor, alias, &filter).await
}

async fn template(
    state: &WebState,
    page: Page,
    actor: &Actor,
    alias: String,
    query: ListQuery,
) -> Result<MembersTemplate, WebError> {
    let (list, invitations) = load(state, actor, &alias, &query).await?;
    let key = match query.done.as_str() {
        "invited" => Some("members-invited"),
        "cancelled" => Some("members-cancelled"),
        "connected" => Some("members-connected"),
        "revoked" => Some("members-revoked"),
        "resent" => Some("members-resent"),
        "role" => Some("members-role-changed"),
        _ => None,
    };
    let notice = key.map(|k| page.t(k));
    Ok(MembersTemplate {
        page,
        alias,
        query,
        list,
        invitations,
        invite: FormState::new(),
        connect: FormState::new(),
        role_change: FormState::new(),
        notice,
    })
}

pub async fn list(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    Ok(render(&template(&state, page, &actor, alias, query).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    birth_date: String,
}

pub async fn invite(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, WebError> {
    let input = InvitationInput {
        email: form.email.clone(),
        role: form.role.clone(),
        birth_date: form.birth_date.clone(),
    };
    let actor = actor::of_session(&session, &client);
    match invitations::invite(&state.app, &actor, &alias, input).await {
        Ok(()) => Ok(Redirect::to(&format!("/h/{alias}/members?done=invited")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let mut t = template(&state, page, &actor, alias, ListQuery::default()).await?;
            t.invite = FormState::new()
                .with_value("email", &form.email)
                .with_value("role", &form.role)
                .with_value("birth_date", &form.birth_date)
                .with_problems(&t.page, problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&t)?).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    client: String,
}

pub async fn connect(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Form(form): Form<ConnectForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    match connections::connect(&state.app, &actor, &alias, &form.staff, &form.client).await {
        Ok(()) => Ok(Redirect::to(&format!("/h/{alias}/members?done=connected")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let mut t = template(&state, page, &actor, alias, ListQuery::default()).await?;
            t.connect = FormState::new()
                .with_value("staff", &form.staff)
                .with_value("client", &form.client)
                .with_problems(&t.page, problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&t)?).into_response())
        }
    }
}

pub async fn cancel(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path((alias, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    memberships::cancel_by_provider(&state.app, &actor, &alias, &id).await?;
    Ok(Redirect::to(&format!("/h/{alias}/members?done=cancelled")).into_response())
}

/// Revokes an invitation, or sends it again: `POST …/invitations/{id}/revoke` or `…/resend`.
pub async fn close_invitation(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path((alias, id, action)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let (closing, done) = match action.as_str() {
        "revoke" => (Closing::Revoke, "revoked"),
        "resend" => (Closing::SendAgain, "resent"),
        _ => return Err(WebError::NotFound),
    };
    let actor = actor::of_session(&session, &client);
    invitations::close_pending(&state.app, &actor, &alias, &id, closing).await?;
    Ok(Redirect::to(&format!("/h/{alias}/members?done={done}")).into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// Changes a member's role in place: `POST …/memberships/{id}/role`.
pub async fn change_role(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path((alias, id)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    match roles::change_role(&state.app, &actor, &alias, &id, &form.role).await {
        Ok(_) => Ok(Redirect::to(&format!("/h/{alias}/members?done=role")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let mut t = template(&state, page, &actor, alias, ListQuery::default()).await?;
            // The problem belongs to a row of the list, not to a field of a form on the page.
            let message: Vec<String> = problems.iter().map(|p| t.page.problem(p.code)).collect();
            t.role_change = FormState::new().with_general(message.join(" "));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&t)?).into_response())
        }
    }
}
