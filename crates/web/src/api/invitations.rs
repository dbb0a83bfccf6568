//! A Healthspace's pending invitations over the API, for its admins and the owners: listing
//! them, revoking one and sending one again. Same use cases as the members page.

use super::error_response;
use super::input::{AliasIdPath, AliasPath};
use crate::actor;
use crate::auth::ApiUser;
use crate::client::Client;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::access::Actor;
use carespace_app::memberships::invitations::{self, Closing, PendingInvitation};
use http::StatusCode;
use serde::Serialize;

#[derive(Serialize)]
pub struct PendingBody {
    id: String,
    email: String,
    role: &'static str,
    expires_at: i64,
    expired: bool,
    /// Three wrong dates of birth: it can only be sent again.
    blocked: bool,
}

impl From<PendingInvitation> for PendingBody {
    fn from(i: PendingInvitation) -> Self {
        PendingBody {
            id: i.id.to_string(),
            email: i.email,
            role: i.role.code(),
            expires_at: i.expires_at.millis(),
            expired: i.expired,
            blocked: i.blocked,
        }
    }
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasPath(alias): AliasPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    match invitations::pending(&state.app, &actor, &alias).await {
        Ok(list) => {
            let body: Vec<PendingBody> = list.into_iter().map(PendingBody::from).collect();
            Json(body).into_response()
        }
        Err(error) => error_response(&page, error),
    }
}

/// Revokes or sends again, as the use case decides; 204 or 202.
async fn close(
    state: &WebState,
    page: &Page,
    actor: &Actor,
    (alias, id): (&str, &str),
    closing: Closing,
) -> Response {
    match invitations::close_pending(&state.app, actor, alias, id, closing).await {
        Ok(()) => match closing {
            Closing::Revoke => StatusCode::NO_CONTENT.into_response(),
            Closing::SendAgain => StatusCode::ACCEPTED.into_response(),
        },
        Err(error) => error_response(page, error),
    }
}

/// `DELETE …/invitations/{id}`: its link and reminders stop working.
pub async fn revoke(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasIdPath(alias, id): AliasIdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    close(&state, &page, &actor, (&alias, &id), Closing::Revoke).await
}

/// `POST …/invitations/{id}/resend`: a new link with 14 fresh days; the old one stops working.
pub async fn resend(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    AliasIdPath(alias, id): AliasIdPath,
) -> Response {
    let actor = actor::of(&auth, &client);
    close(&state, &page, &actor, (&alias, &id), Closing::SendAgain).await
}
