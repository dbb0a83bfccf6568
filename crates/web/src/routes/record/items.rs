//! One item of the client's own record: its page, renaming, deleting and sharing it.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::record::mine::{self, Target};
use carespace_app::record::{ItemView, editing, sharing};
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "record_item.html")]
struct ItemTemplate {
    page: Page,
    item: ItemView,
    targets: Vec<Target>,
    form: FormState,
}

impl ItemTemplate {
    fn is_shared_with(&self, target: &Target) -> bool {
        self.item
            .shared_with
            .iter()
            .any(|s| s.healthspace_id == target.healthspace_id)
    }

    fn shared_text(&self) -> String {
        super::shared_text(&self.page, &self.item)
    }
}

async fn page_of(
    state: &WebState,
    page: Page,
    actor: &carespace_app::access::Actor,
    id: &str,
    form: Option<FormState>,
) -> Result<Html<String>, WebError> {
    let (item, targets) = mine::item(&state.app, actor, id).await?;
    let form = form.unwrap_or_else(|| {
        FormState::new()
            .with_value("title", &item.title)
            .with_value("note", item.note.as_deref().unwrap_or_default())
    });
    render(&ItemTemplate {
        page,
        item,
        targets,
        form,
    })
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let actor = actor::of_session(&session, &client);
    page_of(&state, page, &actor, &id, None).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    note: String,
}

pub async fn change(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    match editing::change(&state.app, &actor, &id, &form.title, &form.note).await {
        Ok(()) => Ok(Redirect::to(&format!("/record/items/{id}")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("title", &form.title)
                .with_value("note", &form.note)
                .with_problems(&page, problems);
            let html = page_of(&state, page, &actor, &id, Some(form)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn delete(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let actor = actor::of_session(&session, &client);
    editing::delete(&state.app, &actor, &id).await?;
    Ok(Redirect::to("/record"))
}

#[derive(Deserialize)]
pub struct SharingForm {
    #[serde(default)]
    healthspace: String,
    /// "shared" or "private".
    #[serde(default)]
    choice: String,
}

pub async fn set_sharing(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<SharingForm>,
) -> Result<Redirect, WebError> {
    let actor = actor::of_session(&session, &client);
    let shared = match form.choice.as_str() {
        "shared" => true,
        "private" => false,
        // The form's buttons send one of the two; anything else asks for nothing that exists.
        _ => return Err(WebError::NotFound),
    };
    sharing::set(&state.app, &actor, &id, &form.healthspace, shared).await?;
    Ok(Redirect::to(&format!("/record/items/{id}")))
}
