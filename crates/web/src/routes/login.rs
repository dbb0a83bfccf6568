//! Logging in and out.

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
use carespace_app::sessions::{self, LoginInput};
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
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn show(
    page: Page,
    auth: Option<axum::Extension<Auth>>,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    if auth.is_some() {
        return Ok(Redirect::to(local_path_or_root(&query.next)).into_response());
    }
    Ok(render(&LoginTemplate {
        page,
        form: FormState::new(),
        next: query.next,
    })?
    .into_response())
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
        Ok(session) => {
            let target = if session.verified {
                local_path_or_root(&form.next).to_owned()
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
            auth::set_login_cookies(&mut response, &state, &session);
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
    let html = render(&LoginTemplate {
        form: FormState::new()
            .with_value("email", &form.email)
            .with_general(message),
        page,
        next: form.next,
    })?;
    let mut response = (status, html).into_response();
    if let Some(seconds) = retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
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
