//! A Healthspace's management over the API, for its admins and the organisation's owners: the
//! members list and role changes, invitations, connections and the audit log. Same use cases as the pages.

use super::input::JsonBody;
use super::input::{AliasIdPath, AliasPath, QueryParams, is_id, is_log_cursor};
use super::{InputProblem, error_response, invalid_input};
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::non_empty;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::audit::viewer::{self, LogQuery};
use carespace_app::connections;
use carespace_app::memberships::invitations::{self, InvitationInput};
use carespace_app::memberships::{self, MemberFilter, MemberView, roles};
use carespace_core::accounts::Email;
use carespace_core::audit::LogLine;
use carespace_core::memberships::{MembershipState, Role};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct MembersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    after: String,
}

#[derive(Serialize)]
pub struct MemberBody {
    id: String,
    name: String,
    email: String,
    role: String,
    state: String,
    since: i64,
    cancelled_at: Option<i64>,
}

impl From<MemberView> for MemberBody {
    fn from(m: MemberView) -> Self {
        MemberBody {
            id: m.membership_id.to_string(),
            name: m.full_name,
            email: m.email,
            role: m.role.code().to_owned(),
            state: m.state.code().to_owned(),
            since: m.since.millis(),
            cancelled_at: m.cancelled_at.map(|t| t.millis()),
        }
    }
}

#[derive(Serialize)]
pub struct MembersBody {
    members: Vec<MemberBody>,
    /// Pass as `after` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The longest search text, in characters.
const MAX_SEARCH_CHARS: usize = 100;

/// The filters as the document describes them; the use case would take anything else as a
/// filter that matches nothing.
fn members_problems(query: &MembersQuery) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    if query.q.chars().count() > MAX_SEARCH_CHARS {
        problems.push(InputProblem::new("q", "too_long"));
    } else if query.q.chars().any(char::is_control) {
        problems.push(InputProblem::new("q", "value_invalid"));
    }
    if !query.role.is_empty() && Role::parse(&query.role).is_err() {
        problems.push(InputProblem::new("role", "role_invalid"));
    }
    if !matches!(query.state.as_str(), "" | "active" | "cancelled") {
        problems.push(InputProblem::new("state", "state_invalid"));
    }
    if !query.after.is_empty() && !is_id(&query.after) {
        problems.push(InputProblem::new("after", "cursor_invalid"));
    }
    problems
}

pub async fn members(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
    QueryParams(query): QueryParams<MembersQuery>,
) -> Response {
    let problems = members_problems(&query);
    if !problems.is_empty() {
        return invalid_input(&page, problems);
    }
    let filter = MemberFilter {
        role: non_empty(&query.role).and_then(|r| Role::parse(r).ok()),
        state: non_empty(&query.state).and_then(MembershipState::parse),
        search: non_empty(&query.q),
        after: non_empty(&query.after),
    };
    let actor = actor::of(&auth, &client);
    match memberships::members(&state.app, &actor, &alias, &filter).await {
        Ok(page) => Json(MembersBody {
            members: page.members.into_iter().map(MemberBody::from).collect(),
            next: page.next,
        })
        .into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct RoleBody {
    #[serde(default)]
    role: String,
}

/// `PATCH …/members/{id}`: the member's role changes in place; the member as listed now.
pub async fn change_role(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    AliasIdPath(alias, id): AliasIdPath,
    JsonBody(body): JsonBody<RoleBody>,
) -> Response {
    let actor = actor::of(&auth, &client);
    match roles::change_role(&state.app, &actor, &alias, &id, &body.role).await {
        Ok(member) => Json(MemberBody::from(member)).into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct InvitationBody {
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
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
    JsonBody(body): JsonBody<InvitationBody>,
) -> Result<Response, WebError> {
    let input = InvitationInput {
        email: body.email,
        role: body.role,
        birth_date: body.birth_date,
    };
    let actor = actor::of(&auth, &client);
    match invitations::invite(&state.app, &actor, &alias, input).await {
        Ok(()) => Ok(StatusCode::ACCEPTED.into_response()),
        Err(error) => Ok(error_response(&page, error)),
    }
}

#[derive(Deserialize)]
pub struct ConnectionBody {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    client: String,
}

pub async fn connect(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
    JsonBody(body): JsonBody<ConnectionBody>,
) -> Result<Response, WebError> {
    // Both are looked up by address; one that is not an address is no one's.
    let problems: Vec<InputProblem> = [("staff", &body.staff), ("client", &body.client)]
        .into_iter()
        .filter(|(_, email)| Email::parse(email).is_err())
        .map(|(field, _)| InputProblem::new(field, "email_invalid"))
        .collect();
    if !problems.is_empty() {
        return Ok(invalid_input(&page, problems));
    }
    let actor = actor::of(&auth, &client);
    let result = connections::connect(&state.app, &actor, &alias, &body.staff, &body.client).await;
    match result {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(error) => Ok(error_response(&page, error)),
    }
}

#[derive(Serialize)]
pub struct EntryBody {
    at: i64,
    actor: Option<String>,
    actor_email: Option<String>,
    role: Option<String>,
    action: String,
    object_type: String,
    object_id: Option<String>,
    client: Option<String>,
    ip: Option<String>,
    outcome: &'static str,
}

impl From<LogLine> for EntryBody {
    fn from(e: LogLine) -> Self {
        EntryBody {
            at: e.at.millis(),
            actor: e.actor_name,
            actor_email: e.actor_email,
            role: e.actor_role,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            client: e.client_name,
            ip: e.ip,
            outcome: e.outcome.code(),
        }
    }
}

#[derive(Serialize)]
pub struct LogBody {
    entries: Vec<EntryBody>,
    /// Pass as `before` for the next (older) page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The dates are checked by the use case; the addresses and the cursor here, as the document
/// describes them (the use case would take anything else as a filter that matches nothing).
fn log_problems(query: &LogQuery) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    for (field, email) in [("person", &query.person), ("client", &query.client)] {
        if !email.is_empty() && Email::parse(email).is_err() {
            problems.push(InputProblem::new(field, "email_invalid"));
        }
    }
    if !query.before.is_empty() && !is_log_cursor(&query.before) {
        problems.push(InputProblem::new("before", "cursor_invalid"));
    }
    problems
}

pub async fn audit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
    QueryParams(query): QueryParams<LogQuery>,
) -> Response {
    let problems = log_problems(&query);
    if !problems.is_empty() {
        return invalid_input(&page, problems);
    }
    let actor = actor::of(&auth, &client);
    match viewer::healthspace_log(&state.app, &actor, &alias, &query).await {
        Ok(log) => Json(LogBody {
            entries: log.entries.into_iter().map(EntryBody::from).collect(),
            next: log.next,
        })
        .into_response(),
        Err(error) => error_response(&page, error),
    }
}
