//! Personal access tokens for the API, on the account pages.

use crate::actor;
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
use carespace_app::access::TokenAccess;
use carespace_app::api_tokens::{self, ApiToken, NewToken};
use carespace_app::sessions::{CurrentSession, HealthspaceLink};
use carespace_core::policy;
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensTemplate {
    page: Page,
    tokens: Vec<ApiToken>,
    /// The Healthspaces a new token can be limited to.
    healthspaces: Vec<HealthspaceLink>,
    form: FormState,
    /// A token just created: shown this once.
    created: Option<String>,
    /// Only a session that passed two-step verification makes tokens.
    may_create: bool,
}

impl TokensTemplate {
    fn accesses(&self) -> [TokenAccess; 2] {
        TokenAccess::ALL
    }

    fn access_label(&self, access: &TokenAccess) -> String {
        self.page.t(&format!(
            "tokens-access-{}",
            access.code().replace('_', "-")
        ))
    }
}

/// A new token's form as it first shows: 90 days, read only, every Healthspace.
fn fresh_form() -> FormState {
    FormState::new()
        .with_value("days", "90")
        .with_value("access", TokenAccess::ReadOnly.code())
}

async fn page_of(
    state: &WebState,
    page: Page,
    session: &CurrentSession,
    form: FormState,
    created: Option<String>,
) -> Result<Html<String>, WebError> {
    let tokens = api_tokens::list(&state.app, &session.account.id).await?;
    render(&TokensTemplate {
        page,
        tokens,
        healthspaces: session.healthspaces.clone(),
        form,
        created,
        may_create: policy::may_make_tokens(session.two_step),
    })
}

pub async fn list(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, WebError> {
    page_of(&state, page, &session, fresh_form(), None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    healthspace: String,
    #[serde(default)]
    password: String,
}

pub async fn create(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let input = NewToken {
        name: form.name.clone(),
        days: form.days.trim().parse().unwrap_or(0),
        access: form.access.clone(),
        healthspace: form.healthspace.clone(),
        password: Secret::new(form.password),
    };
    match api_tokens::create(&state.app, &actor, input).await {
        Ok((_, secret)) => {
            let html = page_of(&state, page, &session, fresh_form(), Some(secret)).await?;
            Ok((StatusCode::CREATED, html).into_response())
        }
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("name", &form.name)
                .with_value("days", &form.days)
                .with_value("access", &form.access)
                .with_value("healthspace", &form.healthspace)
                .with_problems(&page, problems);
            let html = page_of(&state, page, &session, form, None).await?;
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
