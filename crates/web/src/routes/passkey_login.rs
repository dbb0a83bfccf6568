//! Logging in with a passkey: alone from the login page, or as the second step after the
//! password. The script asks for the options (JSON), the browser signs, and the answer comes
//! back as an ordinary form; the session starts as every login's does.

use super::login::{self, signed_in};
use super::passkeys::ceremony_json;
use crate::auth;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::FormState;
use crate::i18n::cookie_value;
use crate::page::Page;
use crate::state::WebState;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::AppError;
use carespace_app::sessions::{self, ClientInfo, PasskeyAnswer};
use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

/// `POST /login/passkey/options`: options for whichever passkey of this site the browser holds.
pub async fn options(State(state): State<WebState>, page: Page) -> Response {
    ceremony_json(&page, sessions::start_passwordless(&state.app).await)
}

/// `POST /login/second-step/passkey/options`: options for the passkeys of the account whose
/// password was right.
pub async fn second_step_options(
    State(state): State<WebState>,
    page: Page,
    headers: HeaderMap,
) -> Response {
    let challenge = cookie_value(&headers, auth::challenge_cookie_name(&state)).unwrap_or_default();
    ceremony_json(
        &page,
        sessions::start_passkey_second_step(&state.app, &challenge).await,
    )
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    next: String,
}

fn answer(
    state: &WebState,
    headers: &HeaderMap,
    form: &AnswerForm,
    client: ClientInfo,
) -> PasskeyAnswer {
    PasskeyAnswer {
        ceremony: form.ceremony.clone(),
        credential: form.credential.clone(),
        device_token: cookie_value(headers, auth::device_cookie_name(state)),
        client,
    }
}

/// The problem to show again on the page the answer came from; `None` for an error that is not
/// the person's (a server error page then).
fn problem_of(page: &Page, error: &AppError) -> Option<(StatusCode, FormState, Option<i64>)> {
    match error {
        AppError::Invalid(problems) => {
            let form = FormState::new().with_problems(page, problems);
            Some((StatusCode::UNPROCESSABLE_ENTITY, form, None))
        }
        AppError::LoginThrottled { retry_after_secs } => {
            let minutes = (retry_after_secs + 59) / 60;
            let text = page.t1("login-throttled", "minutes", &minutes.to_string());
            let form = FormState::new().with_general(text);
            Some((StatusCode::TOO_MANY_REQUESTS, form, Some(*retry_after_secs)))
        }
        _ => None,
    }
}

fn with_retry_after(mut response: Response, retry_after: Option<i64>) -> Response {
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// `POST /login/passkey`: logs in with the passkey alone.
pub async fn submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let input = answer(&state, &headers, &form, client);
    match sessions::log_in_passwordless(&state.app, input).await {
        Ok(session) => signed_in(&state, &session, &form.next).await,
        Err(error) => {
            let Some((status, problem, retry_after)) = problem_of(&page, &error) else {
                return Err(error.into());
            };
            let offered = state.app.passkeys.is_some();
            let html = login::login_page(page, problem, form.next, offered)?;
            Ok(with_retry_after(
                (status, html).into_response(),
                retry_after,
            ))
        }
    }
}

/// `POST /login/second-step/passkey`: completes the login whose password was right.
pub async fn second_step_submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let challenge_cookie = auth::challenge_cookie_name(&state);
    let challenge = cookie_value(&headers, challenge_cookie).unwrap_or_default();
    let input = answer(&state, &headers, &form, client);
    match sessions::complete_second_step_with_passkey(&state.app, &challenge, input).await {
        Ok(session) => {
            let mut response = signed_in(&state, &session, &form.next).await?;
            auth::clear_cookie(&mut response, &state, challenge_cookie);
            Ok(response)
        }
        Err(error) => {
            let Some((status, problem, retry_after)) = problem_of(&page, &error) else {
                return Err(error.into());
            };
            let expired = matches!(&error, AppError::Invalid(problems)
                if problems.iter().any(|p| p.code == "second_step_expired"));
            let html =
                login::second_step_page(&state, page, problem, form.next, &challenge, expired)
                    .await?;
            let mut response = with_retry_after((status, html).into_response(), retry_after);
            if expired {
                auth::clear_cookie(&mut response, &state, challenge_cookie);
            }
            Ok(response)
        }
    }
}
