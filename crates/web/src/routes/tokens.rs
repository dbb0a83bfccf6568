//! Personal access tokens for the API, on the account pages.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::api_tokens::{self, ApiToken};
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensTemplate {
    page: Page,
    tokens: Vec<ApiToken>,
    form: FormState,
    /// A token just created: shown this once.
    created: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, WebError> {
    let tokens = api_tokens::list(&state.app, &session.account.id).await?;
    render(&TokensTemplate {
        page,
        tokens,
        form: FormState::new().with_value("days", "90"),
        created: None,
    })
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

pub async fn create(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let days = form.days.trim().parse().unwrap_or(0);
    let result = api_tokens::create(
        &state.app,
        &session.account.id,
        &form.name,
        days,
        &origin(&client, Some(&session)),
    )
    .await;
    let tokens_after =
        |state: WebState, id: String| async move { api_tokens::list(&state.app, &id).await };
    match result {
        Ok((_, secret)) => {
            let tokens = tokens_after(state, session.account.id.clone()).await?;
            let html = render(&TokensTemplate {
                page,
                tokens,
                form: FormState::new().with_value("days", "90"),
                created: Some(secret),
            })?;
            Ok((StatusCode::CREATED, html).into_response())
        }
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("name", &form.name)
                .with_value("days", &form.days)
                .with_problems(&page, problems);
            let tokens = tokens_after(state, session.account.id.clone()).await?;
            let html = render(&TokensTemplate {
                page,
                tokens,
                form,
                created: None,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn revoke(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    api_tokens::revoke(
        &state.app,
        &session.account.id,
        &id,
        &origin(&client, Some(&session)),
    )
    .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
