//! An organisation's owners add and remove owners, never the last one.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::routes::organisation::{OrganisationPath, page_for};
use crate::state::WebState;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::organisations;
use carespace_core::ids::OrganisationId;
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct OwnerForm {
    #[serde(default)]
    email: String,
}

pub async fn add(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    OrganisationPath(id): OrganisationPath,
    Form(form): Form<OwnerForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let account = &session.account.id;
    let result = organisations::add_owner(&state.app, account, &id, &form.email, &origin).await;
    answer(
        &state,
        page,
        &session,
        &id,
        &form.email,
        "owner-added",
        result,
    )
    .await
}

pub async fn remove(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    OrganisationPath(id): OrganisationPath,
    Form(form): Form<OwnerForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let account = &session.account.id;
    let result = organisations::remove_owner(&state.app, account, &id, &form.email, &origin).await;
    answer(&state, page, &session, &id, "", "owner-removed", result).await
}

async fn answer(
    state: &WebState,
    page: Page,
    session: &carespace_app::sessions::CurrentSession,
    id: &OrganisationId,
    typed: &str,
    done: &str,
    result: carespace_app::AppResult<()>,
) -> Result<Response, WebError> {
    let error = match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/organisation/{id}?done={done}")).into_response());
        }
        Err(error) => error,
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let mut template = page_for(state, page, session, id).await?;
    template.owner_form = FormState::new()
        .with_value("email", typed)
        .with_problems(&template.page, problems);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}
