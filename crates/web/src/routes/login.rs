//! Logging in (with the second step for an account with a second factor) and out.

use crate::auth::{self, Auth, SignedInUnverified};
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::FormState;
use crate::i18n::cookie_value;
use crate::page::{Page, render};
use crate::routes::language::local_path_or_root;
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::AppError;
use carespace_app::memberships::waiting;
use carespace_app::sessions::{self, LoginInput, LoginOutcome, NewSession, SecondStepInput};
use carespace_core::secret::Secret;
use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    page: Page,
    form: FormState,
    next: String,
    /// "Log in with a passkey" is offered (the installation's address allows passkeys).
    passkeys: bool,
}

/// The login page, with a problem to show.
pub(crate) fn login_page(
    page: Page,
    form: FormState,
    next: String,
    passkeys: bool,
) -> Result<axum::response::Html<String>, WebError> {
    render(&LoginTemplate {
        page,
        form,
        next,
        passkeys,
    })
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    auth: Option<axum::Extension<Auth>>,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    if auth.is_some() {
        return Ok(Redirect::to(local_path_or_root(&query.next)).into_response());
    }
    let passkeys = state.app.passkeys.is_some();
    Ok(login_page(page, FormState::new(), query.next, passkeys)?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let input = LoginInput {
        email: form.email.clone(),
        password: Secret::new(form.password),
        device_token: cookie_value(&headers, auth::device_cookie_name(&state)),
        client,
    };
    let (status, message, retry_after) = match sessions::login(&state.app, input).await {
        Ok(LoginOutcome::Session(session)) => {
            return signed_in(&state, &session, &form.next).await;
        }
        Ok(LoginOutcome::SecondStep { challenge }) => {
            let query =
                serde_urlencoded::to_string([("next", form.next.as_str())]).unwrap_or_default();
            let mut response = Redirect::to(&format!("/login/second-step?{query}")).into_response();
            let name = auth::challenge_cookie_name(&state);
            auth::set_cookie(&mut response, &state, name, &challenge, None);
            return Ok(response);
        }
        Err(AppError::LoginFailed) => (StatusCode::UNAUTHORIZED, page.t("login-failed"), None),
        Err(AppError::LoginThrottled { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let text = page.t1("login-throttled", "minutes", &minutes.to_string());
            (StatusCode::TOO_MANY_REQUESTS, text, Some(retry_after_secs))
        }
        Err(error) => return Err(error.into()),
    };
    let problem = FormState::new()
        .with_value("email", &form.email)
        .with_general(message);
    let passkeys = state.app.passkeys.is_some();
    let html = login_page(page, problem, form.next, passkeys)?;
    let mut response = (status, html).into_response();
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    Ok(response)
}

/// Where a new session goes: the page asked for, "confirm your address", or the landing page the
/// app chooses; with the session's cookies set.
pub(crate) async fn signed_in(
    state: &WebState,
    session: &NewSession,
    next: &str,
) -> Result<Response, WebError> {
    let target = if session.verified {
        local_path_or_root(next).to_owned()
    } else {
        "/verify-pending".to_owned()
    };
    let target = if target == "/" {
        waiting::landing_after_login(&state.app, &session.account_id)
            .await?
            .to_owned()
    } else {
        target
    };
    let mut response = Redirect::to(&target).into_response();
    auth::set_login_cookies(&mut response, state, session);
    Ok(response)
}

pub async fn logout(
    State(state): State<WebState>,
    Client(client): Client,
    SignedInUnverified(session): SignedInUnverified,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let name = auth::session_cookie_name(&state);
    if let Some(token) = cookie_value(&headers, name) {
        sessions::logout(&state.app, &token, &origin(&client, Some(&session))).await?;
    }
    let mut response = Redirect::to("/").into_response();
    auth::clear_cookie(&mut response, &state, name);
    Ok(response)
}

#[derive(Template)]
#[template(path = "login_second_step.html")]
struct SecondStepTemplate {
    page: Page,
    form: FormState,
    next: String,
    /// The challenge is over: only logging in again helps.
    expired: bool,
    /// "Use a passkey" is offered: the account has one.
    passkey: bool,
}

/// The second step's page, with a problem to show.
pub(crate) fn second_step_page(
    page: Page,
    form: FormState,
    next: String,
    expired: bool,
    passkey: bool,
) -> Result<axum::response::Html<String>, WebError> {
    render(&SecondStepTemplate {
        page,
        form,
        next,
        expired,
        passkey,
    })
}

/// The second step of a login: a code from the authenticator app or a recovery code.
pub async fn second_step(
    State(state): State<WebState>,
    page: Page,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let Some(challenge) = cookie_value(&headers, auth::challenge_cookie_name(&state)) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let passkey = sessions::second_step_offers_passkey(&state.app, &challenge).await?;
    let html = second_step_page(page, FormState::new(), query.next, false, passkey)?;
    Ok(html.into_response())
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

pub async fn second_step_submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<SecondStepForm>,
) -> Result<Response, WebError> {
    let challenge_cookie = auth::challenge_cookie_name(&state);
    let challenge = cookie_value(&headers, challenge_cookie).unwrap_or_default();
    let input = SecondStepInput {
        challenge: challenge.clone(),
        code: form.code,
        device_token: cookie_value(&headers, auth::device_cookie_name(&state)),
        client,
    };
    let mut expired = false;
    let (status, problems, retry_after) =
        match sessions::complete_second_step(&state.app, input).await {
            Ok(session) => {
                let mut response = signed_in(&state, &session, &form.next).await?;
                auth::clear_cookie(&mut response, &state, challenge_cookie);
                return Ok(response);
            }
            Err(AppError::LoginThrottled { retry_after_secs }) => {
                let minutes = (retry_after_secs + 59) / 60;
                let text = page.t1("login-throttled", "minutes", &minutes.to_string());
                let form = FormState::new().with_general(text);
                (StatusCode::TOO_MANY_REQUESTS, form, Some(retry_after_secs))
            }
            Err(AppError::Invalid(problems)) => {
                expired = problems.iter().any(|p| p.code == "second_step_expired");
                let form = FormState::new().with_problems(&page, &problems);
                (StatusCode::UNPROCESSABLE_ENTITY, form, None)
            }
            Err(error) => return Err(error.into()),
        };
    let passkey = !expired && sessions::second_step_offers_passkey(&state.app, &challenge).await?;
    let html = second_step_page(page, problems, form.next, expired, passkey)?;
    let mut response = (status, html).into_response();
    if expired {
        auth::clear_cookie(&mut response, &state, challenge_cookie);
    }
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    Ok(response)
}
