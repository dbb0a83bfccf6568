use super::input::IdPath;
use super::input::JsonBody;
use super::{InputProblem, error_response, invalid_input};
use crate::auth::{self, ApiUser, api_session, session_of};
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::i18n::cookie_value;
use crate::page::Page;
use crate::sms::SiteSmsTexts;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::AppError;
use carespace_app::sessions::{
    self, LoginInput, LoginOutcome, NewSession, SecondStepInput, SessionInfo,
};
use carespace_core::accounts::Email;
use carespace_core::secret::Secret;
use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct LoginAnswer {
    verified: bool,
    /// What the session's state-changing requests send as `X-CSRF-Token`: the session's own
    /// token, new at each login, so a script need not read it from a page.
    csrf_token: String,
}

/// Logs in with the session cookie, for the site's own scripts. Programs use tokens instead.
pub async fn login(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LoginBody>,
) -> Response {
    // No account has an address that is not one; saying so reveals nothing about accounts.
    if Email::parse(&body.email).is_err() {
        return invalid_input(&page, vec![InputProblem::new("email", "email_invalid")]);
    }
    let input = LoginInput {
        email: body.email,
        password: Secret::new(body.password),
        device_token: cookie_value(&headers, auth::device_cookie_name(&state)),
        client,
    };
    match sessions::login(&state.app, input).await {
        Ok(LoginOutcome::Session(session)) => signed_in(&state, &page, &session).await,
        Ok(LoginOutcome::SecondStep { challenge }) => {
            (StatusCode::ACCEPTED, Json(SecondStepBody { challenge })).into_response()
        }
        Err(error) => login_error(&page, error),
    }
}

/// The answer to a password whose account has a second factor: send a code with this.
#[derive(Serialize)]
pub struct SecondStepBody {
    challenge: String,
}

#[derive(Deserialize)]
pub struct SecondStepRequest {
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    code: String,
}

/// The second step of a login, with the challenge of the first and a code.
pub async fn second_step(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SecondStepRequest>,
) -> Response {
    let input = SecondStepInput {
        challenge: body.challenge,
        code: body.code,
        device_token: cookie_value(&headers, auth::device_cookie_name(&state)),
        // A program keeps no browser to remember.
        remember: false,
        client,
    };
    match sessions::complete_second_step(&state.app, input).await {
        Ok(session) => signed_in(&state, &page, &session).await,
        Err(error) => login_error(&page, error),
    }
}

#[derive(Deserialize)]
pub struct SmsRequest {
    #[serde(default)]
    challenge: String,
}

/// Where a code by text message went, masked.
#[derive(Serialize)]
struct SmsSent {
    sent_to: String,
}

/// A code by text message for the second step of a login.
pub async fn second_step_sms(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    JsonBody(body): JsonBody<SmsRequest>,
) -> Response {
    let texts = SiteSmsTexts(&state);
    let sent = sessions::send_second_step_sms(&state.app, &texts, &body.challenge, &client);
    match sent.await {
        Ok(number) => {
            let sent_to = number.masked();
            (StatusCode::ACCEPTED, Json(SmsSent { sent_to })).into_response()
        }
        // The hourly limit of sends is a rate limit like the others.
        Err(AppError::Invalid(problems)) if problems.iter().any(|p| p.code == "sms_send_limit") => {
            WebError::TooManyRequests.into_response()
        }
        Err(error) => login_error(&page, error),
    }
}

/// The answer to a new session: its CSRF token, with its cookies set.
pub(super) async fn signed_in(state: &WebState, page: &Page, session: &NewSession) -> Response {
    // The session just made, read back as every later request will see it.
    let csrf_token = match sessions::authenticate(&state.app, &session.token, None).await {
        Ok(Some(current)) => current.csrf_token,
        Ok(None) => return WebError::Internal.into_response(),
        Err(error) => return error_response(page, error),
    };
    let mut response = Json(LoginAnswer {
        verified: session.verified,
        csrf_token,
    })
    .into_response();
    auth::set_login_cookies(&mut response, state, session);
    response
}

pub(super) fn login_error(page: &Page, error: AppError) -> Response {
    match error {
        AppError::LoginFailed => WebError::Unauthorized.into_response(),
        AppError::LoginThrottled { retry_after_secs } => {
            let mut response = WebError::TooManyRequests.into_response();
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        error => error_response(page, error),
    }
}

pub async fn logout(
    State(state): State<WebState>,
    Client(client): Client,
    user: ApiUser,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let session = api_session(&user)?;
    let name = auth::session_cookie_name(&state);
    if let Some(token) = cookie_value(&headers, name) {
        sessions::logout(&state.app, &token, &origin(&client, Some(session))).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    auth::clear_cookie(&mut response, &state, name);
    Ok(response)
}

#[derive(Serialize)]
pub struct SessionBody {
    id: String,
    browser: String,
    browser_version: String,
    os: String,
    device_type: &'static str,
    browser_language: String,
    ip: String,
    created_at: i64,
    last_seen_at: i64,
    current: bool,
}

impl From<SessionInfo> for SessionBody {
    fn from(s: SessionInfo) -> Self {
        SessionBody {
            id: s.id,
            browser: s.browser,
            browser_version: s.browser_version,
            os: s.os,
            device_type: s.device_type.code(),
            browser_language: s.browser_language,
            ip: s.ip,
            created_at: s.created_at.millis(),
            last_seen_at: s.last_seen_at.millis(),
            current: s.is_current,
        }
    }
}

pub async fn list(State(state): State<WebState>, user: ApiUser) -> Result<Response, WebError> {
    let current = match api_session(&user) {
        Ok(session) => session.clone(),
        // A token holder sees the sessions, none of them marked current.
        Err(_) => sessions::CurrentSession {
            session_id: String::new(),
            csrf_token: String::new(),
            account: user.0.account().clone(),
            is_owner: false,
            healthspaces: Vec::new(),
            two_step: user.0.two_step(),
            seen: None,
            unread_messages: 0,
        },
    };
    let list = sessions::list(&state.app, &current).await?;
    Ok(Json(list.into_iter().map(SessionBody::from).collect::<Vec<_>>()).into_response())
}

pub async fn end(
    State(state): State<WebState>,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    IdPath(id): IdPath,
) -> Result<Response, WebError> {
    sessions::end(
        &state.app,
        &auth.account().id,
        &id,
        &origin(&client, session_of(&auth)),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
