//! Memberships, connections and the seats report over the API: a person's own memberships and
//! who is connected to them (and leaving a Healthspace), and the seats report for its managers.

use super::input::{AliasPath, IdPath};
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::errors::WebError;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::connections::{self, MyConnection};
use carespace_app::memberships::{self, MyMembership};
use carespace_app::seats::{self, SeatsMonth};
use carespace_core::memberships::MembershipState;
use http::StatusCode;
use serde::Serialize;

#[derive(Serialize)]
pub struct MembershipBody {
    id: String,
    healthspace: String,
    alias: String,
    role: &'static str,
    active: bool,
    since: i64,
    cancelled_at: Option<i64>,
}

impl From<MyMembership> for MembershipBody {
    fn from(m: MyMembership) -> Self {
        MembershipBody {
            id: m.id.to_string(),
            healthspace: m.healthspace,
            alias: m.alias,
            role: m.role.code(),
            active: m.state == MembershipState::Active,
            since: m.since.millis(),
            cancelled_at: m.cancelled_at.map(|t| t.millis()),
        }
    }
}

pub async fn mine(
    State(state): State<WebState>,
    ApiUser(auth): ApiUser,
) -> Result<Response, WebError> {
    let list = memberships::mine(&state.app, &actor::account_of(&auth)).await?;
    let body: Vec<MembershipBody> = list.into_iter().map(MembershipBody::from).collect();
    Ok(Json(body).into_response())
}

/// Cancels one's own membership: staff of that Healthspace lose access at once.
pub async fn cancel(
    State(state): State<WebState>,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Result<Response, WebError> {
    let actor = actor::of(&auth, &client);
    memberships::cancel_own(&state.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
pub struct ConnectionBody {
    staff: String,
    healthspace: String,
    since: i64,
}

impl From<MyConnection> for ConnectionBody {
    fn from(c: MyConnection) -> Self {
        ConnectionBody {
            staff: c.staff_name,
            healthspace: c.healthspace,
            since: c.since.millis(),
        }
    }
}

pub async fn connections(
    State(state): State<WebState>,
    ApiUser(auth): ApiUser,
) -> Result<Response, WebError> {
    let list = connections::mine(&state.app, &actor::account_of(&auth)).await?;
    let body: Vec<ConnectionBody> = list.into_iter().map(ConnectionBody::from).collect();
    Ok(Json(body).into_response())
}

#[derive(Serialize)]
pub struct SeatsBody {
    month: String,
    clients: i64,
    staff: i64,
    admins: i64,
    total: i64,
}

impl From<&SeatsMonth> for SeatsBody {
    fn from(m: &SeatsMonth) -> Self {
        SeatsBody {
            month: m.month.to_string(),
            clients: m.clients,
            staff: m.staff,
            admins: m.admins,
            total: m.total(),
        }
    }
}

pub async fn seats(
    State(state): State<WebState>,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
) -> Result<Response, WebError> {
    let actor = actor::of(&auth, &client);
    let report = seats::report(&state.app, &actor, &alias).await?;
    let body: Vec<SeatsBody> = report.months.iter().map(SeatsBody::from).collect();
    Ok(Json(body).into_response())
}
