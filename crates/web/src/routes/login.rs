//! Logging in (with the second step for an account with a second factor) and out.

use crate::auth::{self, Auth, SignedInUnverified};
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::FormState;
use crate::i18n::cookie_value;
use crate::page::{Page, render};
use crate::routes::language::local_path_or_root;
use crate::second_factor_gate;
use crate::sms::SiteSmsTexts;
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::AppError;
use carespace_app::memberships::waiting::{self, Landing};
use carespace_app::sessions::{
    self, ClientInfo, LoginInput, LoginOutcome, NewSession, SecondStepFactors, SecondStepInput,
};
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
    let client_copy = client.clone();
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
            let sms = sms_at_once(&state, &challenge, &client_copy).await?;
            let mut query = vec![("next", form.next.as_str())];
            if let Some(sms) = sms {
                query.push(("sms", sms));
            }
            let query = serde_urlencoded::to_string(query).unwrap_or_default();
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
        match waiting::landing_after_login(&state.app, &session.account_id).await? {
            Landing::SecondFactorSetup => second_factor_gate::SETUP_PAGE,
            Landing::WaitingInvitations => "/account/memberships",
            Landing::Account => "/account",
        }
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

/// When the waiting login's only factor is a number for text messages (no app, no passkey), its
/// code is sent at once; what became of it, for the second step's page (`sent`, or the
/// problem's code).
async fn sms_at_once(
    state: &WebState,
    challenge: &str,
    client: &ClientInfo,
) -> Result<Option<&'static str>, WebError> {
    let factors = sessions::second_step_factors(&state.app, challenge).await?;
    if !factors.is_some_and(|f| f.sms && !f.app && !f.passkey) {
        return Ok(None);
    }
    let texts = SiteSmsTexts(state);
    match sessions::send_second_step_sms(&state.app, &texts, challenge, client).await {
        Ok(_) => Ok(Some("sent")),
        Err(AppError::Invalid(problems)) => Ok(problems.first().map(|p| p.code)),
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "login_second_step.html")]
struct SecondStepTemplate {
    page: Page,
    form: FormState,
    next: String,
    /// The challenge is over: only logging in again helps.
    expired: bool,
    factors: SecondStepFactors,
    /// A code was just sent by text message (to the number ending so).
    sent: bool,
}

/// The second step's page for the login waiting with `challenge`, with a problem to show;
/// `expired` when the problem ended that login.
pub(crate) async fn second_step_page(
    state: &WebState,
    page: Page,
    form: FormState,
    next: String,
    challenge: &str,
    expired: bool,
) -> Result<axum::response::Html<String>, WebError> {
    let factors = sessions::second_step_factors(&state.app, challenge).await?;
    let mut template = SecondStepTemplate::new(page, form, next, factors);
    template.expired |= expired;
    render(&template)
}

impl SecondStepTemplate {
    fn new(page: Page, form: FormState, next: String, factors: Option<SecondStepFactors>) -> Self {
        SecondStepTemplate {
            page,
            form,
            next,
            expired: factors.is_none(),
            factors: factors.unwrap_or(SecondStepFactors {
                app: false,
                sms: false,
                passkey: false,
            }),
            sent: false,
        }
    }

    /// The code field's hint: which codes this login takes.
    fn code_hint(&self) -> &'static str {
        if self.factors.sms {
            "second-step-sms-code-hint"
        } else {
            "second-step-code-hint"
        }
    }
}

#[derive(Deserialize, Default)]
pub struct SecondStepQuery {
    #[serde(default)]
    next: String,
    /// What became of a text message sent at once: `sent`, or a problem's code.
    #[serde(default)]
    sms: String,
}

/// The second step of a login: a code from the authenticator app, by text message, or a
/// recovery code.
pub async fn second_step(
    State(state): State<WebState>,
    page: Page,
    headers: HeaderMap,
    Query(query): Query<SecondStepQuery>,
) -> Result<Response, WebError> {
    let Some(challenge) = cookie_value(&headers, auth::challenge_cookie_name(&state)) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let factors = sessions::second_step_factors(&state.app, &challenge).await?;
    let form = match query.sms.as_str() {
        "" | "sent" => FormState::new(),
        // Only the problems sending can end in are shown; the query is the browser's own.
        code @ ("sms_send_failed" | "sms_send_limit") => {
            FormState::new().with_general(page.problem(code))
        }
        _ => FormState::new(),
    };
    let mut template = SecondStepTemplate::new(page, form, query.next, factors);
    template.sent = query.sms == "sent";
    Ok(render(&template)?.into_response())
}

/// `POST /login/second-step/sms`: a code by text message for the waiting login.
pub async fn second_step_sms(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<NextQuery>,
) -> Result<Response, WebError> {
    let challenge = cookie_value(&headers, auth::challenge_cookie_name(&state)).unwrap_or_default();
    let texts = SiteSmsTexts(&state);
    let sent = sessions::send_second_step_sms(&state.app, &texts, &challenge, &client).await;
    let factors = sessions::second_step_factors(&state.app, &challenge).await?;
    match sent {
        Ok(_) => {
            let mut template = SecondStepTemplate::new(page, FormState::new(), form.next, factors);
            template.sent = true;
            Ok(render(&template)?.into_response())
        }
        Err(AppError::Invalid(problems)) => {
            let problems = FormState::new().with_problems(&page, &problems);
            let template = SecondStepTemplate::new(page, problems, form.next, factors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    /// "Remember this browser for 30 days".
    #[serde(default)]
    remember: Option<String>,
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
        remember: form.remember.is_some(),
        client,
    };
    let challenge = input.challenge.clone();
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
    let problems = if form.remember.is_some() {
        problems.with_value("remember", "on")
    } else {
        problems
    };
    let html = second_step_page(&state, page, problems, form.next, &challenge, expired).await?;
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
