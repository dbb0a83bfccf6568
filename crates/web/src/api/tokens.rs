use super::error_response;
use super::input::IdPath;
use super::input::JsonBody;
use crate::auth::{ApiUser, api_session, session_of};
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::api_tokens::{self, ApiToken};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct TokenBody {
    id: String,
    name: String,
    created_at: i64,
    expires_at: i64,
    last_used_at: Option<i64>,
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
}

/// Only from a logged-in browser: a token cannot mint further tokens.
pub async fn create(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    user: ApiUser,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<Response, WebError> {
    let session = api_session(&user)?;
    match api_tokens::create(
        &state.app,
        &session.account.id,
        &body.name,
        body.days,
        &origin(&client, Some(session)),
    )
    .await
    {
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
