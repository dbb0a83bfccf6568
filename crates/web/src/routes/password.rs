//! "Forgot your password?" and the reset link.

use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::routes::message::message;
use crate::routes::register::link_invalid;
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use carespace_app::AppError;
use carespace_app::accounts;
use carespace_core::passwords::RECOMMENDED_CHARS;
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotTemplate {
    page: Page,
    form: FormState,
}

pub async fn forgot_show(page: Page) -> Result<Html<String>, WebError> {
    render(&ForgotTemplate {
        page,
        form: FormState::new(),
    })
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// The same page whether or not the address has an account.
pub async fn forgot_submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    Form(form): Form<ForgotForm>,
) -> Result<Response, WebError> {
    match accounts::request_password_reset(&state.app, &form.email, &origin(&client, None)).await {
        Ok(()) => Ok(message(
            &page,
            "forgot-sent-title",
            "forgot-sent-text",
            Some(("/login", "nav-login")),
        )?
        .into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("email", &form.email)
                .with_problems(&page, problems);
            let html = render(&ForgotTemplate { page, form })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetTemplate {
    page: Page,
    form: FormState,
    token: String,
    recommended: usize,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn reset_show(
    State(state): State<WebState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Result<Response, WebError> {
    if !accounts::reset_link_is_valid(&state.app, &query.token).await? {
        return link_invalid(&page);
    }
    Ok(render(&ResetTemplate {
        page,
        form: FormState::new(),
        token: query.token,
        recommended: RECOMMENDED_CHARS,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset_submit(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    let token = form.token;
    match accounts::reset_password(
        &state.app,
        &token,
        Secret::new(form.password),
        &origin(&client, None),
    )
    .await
    {
        Ok(()) => Ok(message(
            &page,
            "reset-done-title",
            "reset-done-text",
            Some(("/login", "nav-login")),
        )?
        .into_response()),
        Err(AppError::LinkInvalid) => link_invalid(&page),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new().with_problems(&page, problems);
            let html = render(&ResetTemplate {
                page,
                form,
                token,
                recommended: RECOMMENDED_CHARS,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
