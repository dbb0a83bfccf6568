//! A Healthspace's management over the API, for its admins and the organisation's owners: the
//! members list, invitations, connections and the audit log. Same use cases as the pages.

use super::error_response;
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::errors::WebError;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use carespace_app::audit::viewer::{self, LogQuery, NamedEntry};
use carespace_app::connections;
use carespace_app::memberships::invitations::{self, InvitationInput};
use carespace_app::memberships::{self, MemberFilter, MemberView};
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

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

pub async fn members(
    State(state): State<WebState>,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    Path(alias): Path<String>,
    Query(query): Query<MembersQuery>,
) -> Result<Response, WebError> {
    let filter = MemberFilter {
        role: non_empty(&query.role).and_then(|r| Role::parse(r).ok()),
        state: non_empty(&query.state).and_then(MembershipState::parse),
        search: non_empty(&query.q),
        after: non_empty(&query.after),
    };
    let actor = actor::of(&auth, &client);
    let page = memberships::members(&state.app, &actor, &alias, &filter).await?;
    Ok(Json(MembersBody {
        members: page.members.into_iter().map(MemberBody::from).collect(),
        next: page.next,
    })
    .into_response())
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
    Path(alias): Path<String>,
    Json(body): Json<InvitationBody>,
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
    Path(alias): Path<String>,
    Json(body): Json<ConnectionBody>,
) -> Result<Response, WebError> {
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

impl From<NamedEntry> for EntryBody {
    fn from(e: NamedEntry) -> Self {
        EntryBody {
            at: e.record.at.millis(),
            actor: e.actor_name,
            actor_email: e.actor_email,
            role: e.record.actor_role,
            action: e.record.action,
            object_type: e.record.object_type,
            object_id: e.record.object_id,
            client: e.client_name,
            ip: e.record.ip,
            outcome: e.record.outcome.code(),
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

pub async fn audit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    Path(alias): Path<String>,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of(&auth, &client);
    match viewer::healthspace_log(&state.app, &actor, &alias, &query).await {
        Ok(log) => Ok(Json(LogBody {
            entries: log.entries.into_iter().map(EntryBody::from).collect(),
            next: log.next,
        })
        .into_response()),
        Err(error) => Ok(error_response(&page, error)),
    }
}
