use super::error_response;
use super::input::IdPath;
use super::input::JsonBody;
use crate::actor;
use crate::auth::{ApiUser, session_of};
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::api_tokens::{self, ApiToken, NewToken};
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct TokenBody {
    id: String,
    name: String,
    created_at: i64,
    expires_at: i64,
    last_used_at: Option<i64>,
    /// `read_only` or `read_write`.
    access: &'static str,
    /// The alias of the one Healthspace it reaches; `null` for all of them.
    healthspace: Option<String>,
    /// Only in the answer that created the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl TokenBody {
    fn new(token: ApiToken, secret: Option<String>) -> Self {
        TokenBody {
            id: token.id,
            name: token.name,
            created_at: token.created_at.millis(),
            expires_at: token.expires_at.millis(),
            last_used_at: token.last_used_at.map(|t| t.millis()),
            access: token.access.code(),
            healthspace: token.healthspace.map(|h| h.alias),
            token: secret,
        }
    }
}

pub async fn list(
    State(state): State<WebState>,
    ApiUser(auth): ApiUser,
) -> Result<Response, WebError> {
    let tokens = api_tokens::list(&state.app, &auth.account().id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenBody::new(t, None))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct CreateBody {
    name: String,
    days: u32,
    access: String,
    #[serde(default)]
    healthspace: Option<String>,
    password: String,
}

/// Only from a logged-in browser: the policy refuses a token making tokens at the door.
pub async fn create(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<Response, WebError> {
    let input = NewToken {
        name: body.name,
        days: body.days,
        access: body.access,
        healthspace: body.healthspace.unwrap_or_default(),
        password: Secret::new(body.password),
    };
    match api_tokens::create(&state.app, &actor::of(&auth, &client), input).await {
        Ok((token, secret)) => Ok((
            StatusCode::CREATED,
            Json(TokenBody::new(token, Some(secret))),
        )
            .into_response()),
        Err(error) => Ok(error_response(&page, error)),
    }
}

pub async fn revoke(
    State(state): State<WebState>,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Result<Response, WebError> {
    api_tokens::revoke(
        &state.app,
        &auth.account().id,
        &id,
        &origin(&client, session_of(&auth)),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
