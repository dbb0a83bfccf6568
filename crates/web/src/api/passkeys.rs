//! Passkeys over the API: the account's list, and logging in with a passkey (alone, or as the
//! second step after the password). Options come with a `ceremony` token to send back with the
//! credential the authenticator made, as `navigator.credentials.get` returns it (buffers as
//! base64url).

use super::error_response;
use super::input::JsonBody;
use super::sessions::{login_error, signed_in};
use crate::auth::{self, ApiUser};
use crate::client::Client;
use crate::i18n::cookie_value;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::passkeys::{self, Ceremony};
use carespace_app::sessions::{self, ClientInfo, PasskeyAnswer};
use http::HeaderMap;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct PasskeyBody {
    id: String,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

/// `GET /api/v1/me/passkeys`
pub async fn list(State(state): State<WebState>, page: Page, ApiUser(auth): ApiUser) -> Response {
    match passkeys::list(&state.app, &auth.account().id).await {
        Ok(list) => {
            let body: Vec<PasskeyBody> = list
                .into_iter()
                .map(|k| PasskeyBody {
                    id: k.id.to_string(),
                    name: k.name,
                    created_at: k.created_at.millis(),
                    last_used_at: k.last_used_at.map(|t| t.millis()),
                })
                .collect();
            Json(body).into_response()
        }
        Err(error) => error_response(&page, error),
    }
}

/// A ceremony's start: the token and the `publicKey` options.
fn options_response(page: &Page, result: Result<Ceremony, carespace_app::AppError>) -> Response {
    match result {
        Ok(ceremony) => {
            let mut body = ceremony.options;
            body["ceremony"] = ceremony.token.into();
            Json(body).into_response()
        }
        Err(error) => error_response(page, error),
    }
}

/// `POST /api/v1/session/passkey/options`
pub async fn options(State(state): State<WebState>, page: Page) -> Response {
    options_response(&page, sessions::start_passwordless(&state.app).await)
}

#[derive(Deserialize)]
pub struct ChallengeBody {
    #[serde(default)]
    challenge: String,
}

/// `POST /api/v1/session/second-step/passkey/options`
pub async fn second_step_options(
    State(state): State<WebState>,
    page: Page,
    JsonBody(body): JsonBody<ChallengeBody>,
) -> Response {
    let result = sessions::start_passkey_second_step(&state.app, &body.challenge).await;
    options_response(&page, result)
}

#[derive(Deserialize)]
pub struct AnswerBody {
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: serde_json::Value,
}

fn answer(
    state: &WebState,
    headers: &HeaderMap,
    body: AnswerBody,
    client: ClientInfo,
) -> PasskeyAnswer {
    PasskeyAnswer {
        ceremony: body.ceremony,
        credential: body.credential.to_string(),
        device_token: cookie_value(headers, auth::device_cookie_name(state)),
        client,
    }
}

/// `POST /api/v1/session/passkey`: logs in with the passkey alone.
pub async fn log_in(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Response {
    let input = answer(&state, &headers, body, client);
    match sessions::log_in_passwordless(&state.app, input).await {
        Ok(session) => signed_in(&state, &page, &session).await,
        Err(error) => login_error(&page, error),
    }
}

/// `POST /api/v1/session/second-step/passkey`: the second step with a passkey.
pub async fn second_step(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Response {
    let challenge = body.challenge.clone();
    let input = answer(&state, &headers, body, client);
    match sessions::complete_second_step_with_passkey(&state.app, &challenge, input).await {
        Ok(session) => signed_in(&state, &page, &session).await,
        Err(error) => login_error(&page, error),
    }
}
