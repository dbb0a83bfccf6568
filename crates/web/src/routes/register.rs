//! Registering, and confirming the email address.

use crate::auth::SignedInUnverified;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::routes::message::message;
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::AppError;
use carespace_app::accounts::{self, Registration};

use carespace_core::passwords::RECOMMENDED_CHARS;
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterTemplate {
    page: Page,
    form: FormState,
    recommended: usize,
}

pub async fn show(page: Page) -> Result<Html<String>, WebError> {
    render(&RegisterTemplate {
        page,
        form: FormState::new(),
        recommended: RECOMMENDED_CHARS,
    })
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    Form(form): Form<RegisterForm>,
) -> Result<Response, WebError> {
    let input = Registration {
        email: form.email.clone(),
        full_name: form.full_name.clone(),
        birth_date: form.birth_date.clone(),
        password: Secret::new(form.password),
        language: page.lang,
    };
    match accounts::register(&state.app, input, &origin(&client, None)).await {
        Ok(()) => Ok(Redirect::to("/register/done").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("email", &form.email)
                .with_value("full_name", &form.full_name)
                .with_value("birth_date", &form.birth_date)
                .with_problems(&page, problems);
            let html = render(&RegisterTemplate {
                page,
                form,
                recommended: RECOMMENDED_CHARS,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The same page whether the address was new or already known.
pub async fn done(page: Page) -> Result<Html<String>, WebError> {
    message(&page, "register-done-title", "register-done-text", None)
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

#[derive(Template)]
#[template(path = "confirm_link.html")]
struct ConfirmLinkTemplate {
    page: Page,
    title: String,
    text: String,
    button: String,
    action: &'static str,
    token: String,
}

/// Opening a link shows a button; only pressing it uses the link, so a mail scanner that
/// follows links cannot use it up.
pub fn confirm_page(
    page: Page,
    prefix: &str,
    action: &'static str,
    token: String,
) -> Result<Html<String>, WebError> {
    render(&ConfirmLinkTemplate {
        title: page.t(&format!("{prefix}-title")),
        text: page.t(&format!("{prefix}-text")),
        button: page.t(&format!("{prefix}-button")),
        page,
        action,
        token,
    })
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct VerifyTemplate {
    page: Page,
    token: String,
    form: FormState,
}

/// The confirm page of a verification link asks for the account's password: only the person
/// who registered can confirm the address.
pub async fn verify_show(
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Result<Html<String>, WebError> {
    render(&VerifyTemplate {
        page,
        token: query.token,
        form: FormState::new(),
    })
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub token: String,
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn verify_submit(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    Form(form): Form<VerifyForm>,
) -> Result<Response, WebError> {
    let password = Secret::new(form.password);
    match accounts::verify_email(&state.app, &form.token, password, &origin(&client, None)).await {
        Ok(()) => Ok(message(
            &page,
            "verify-done-title",
            "verify-done-text",
            Some(("/login", "nav-login")),
        )?
        .into_response()),
        Err(AppError::LinkInvalid) => link_invalid(&page),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form_state = FormState::new().with_problems(&page, problems);
            let html = render(&VerifyTemplate {
                page,
                token: form.token,
                form: form_state,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub fn link_invalid(page: &Page) -> Result<Response, WebError> {
    let html = message(
        page,
        "link-invalid-title",
        "link-invalid-text",
        Some(("/", "back-to-start")),
    )?;
    Ok((StatusCode::BAD_REQUEST, html).into_response())
}

#[derive(Template)]
#[template(path = "verify_pending.html")]
struct PendingTemplate {
    page: Page,
    email: String,
    notice: Option<String>,
}

pub async fn pending(
    page: Page,
    SignedInUnverified(session): SignedInUnverified,
) -> Result<Response, WebError> {
    if session.account.verified {
        return Ok(Redirect::to("/account").into_response());
    }
    Ok(render(&PendingTemplate {
        page,
        email: session.account.email.clone(),
        notice: None,
    })?
    .into_response())
}

pub async fn resend(
    State(state): State<WebState>,
    page: Page,
    SignedInUnverified(session): SignedInUnverified,
) -> Result<Response, WebError> {
    let (status, notice) =
        match accounts::resend_verification(&state.app, &session.account.id).await {
            Ok(()) => (StatusCode::OK, page.t("verify-pending-sent")),
            Err(AppError::TooManyRequests) => {
                (StatusCode::TOO_MANY_REQUESTS, page.t("verify-pending-wait"))
            }
            Err(error) => return Err(error.into()),
        };
    let html = render(&PendingTemplate {
        page,
        email: session.account.email.clone(),
        notice: Some(notice),
    })?;
    Ok((status, html).into_response())
}
