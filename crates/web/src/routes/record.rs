//! "My Record": the client's own documents, links and events, and the forms that add to it.

pub mod access_log;
pub mod files;
pub mod items;

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, non_empty, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::record::links::{self, NewLink};
use carespace_app::record::mine::{self, Entry, RecordPage};
use carespace_app::record::{EventView, ItemView};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordTemplate {
    page: Page,
    record: RecordPage,
    link_form: FormState,
    document_form: FormState,
    /// The most bytes a document may have, for the form's hint.
    document_max_mb: u64,
}

impl RecordTemplate {
    fn event_text(&self, event: &EventView) -> String {
        event_text(&self.page, event)
    }

    fn shared_text(&self, item: &ItemView) -> String {
        shared_text(&self.page, item)
    }

    fn at(&self, entry: &Entry) -> String {
        self.page.datetime(&mine::at(entry))
    }
}

/// What an event says, in the reader's language.
pub(crate) fn event_text(page: &Page, event: &EventView) -> String {
    let key = format!("record-event-{}", event.kind.code().replace('_', "-"));
    let staff = event.staff.as_deref().unwrap_or_default();
    page.t2(&key, ("healthspace", &event.healthspace), ("staff", staff))
}

/// With whom an item is shared, or that it is private.
pub(crate) fn shared_text(page: &Page, item: &ItemView) -> String {
    if item.shared_with.is_empty() {
        return page.t("record-private");
    }
    let names: Vec<&str> = item.shared_with.iter().map(|s| s.name.as_str()).collect();
    page.t1("record-shared-with", "names", &names.join(", "))
}

async fn page_of(
    state: &WebState,
    page: Page,
    actor: &carespace_app::access::Actor,
    before: Option<&str>,
    (link_form, document_form): (FormState, FormState),
) -> Result<String, WebError> {
    let record = mine::page(&state.app, actor, before).await?;
    let template = RecordTemplate {
        page,
        record,
        link_form,
        document_form,
        document_max_mb: state.app.document_max_bytes / 1_000_000,
    };
    Ok(render(&template)?.0)
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<RecordQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let forms = (FormState::in_part("link"), FormState::in_part("document"));
    let html = page_of(&state, page, &actor, non_empty(&query.before), forms).await?;
    Ok(axum::response::Html(html).into_response())
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    note: String,
}

pub async fn add_link(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let input = NewLink {
        title: &form.title,
        url: &form.url,
        note: &form.note,
    };
    match links::add(&state.app, &actor, input).await {
        Ok(_) => Ok(Redirect::to("/record").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let link_form = FormState::in_part("link")
                .with_value("title", &form.title)
                .with_value("url", &form.url)
                .with_value("note", &form.note)
                .with_problems(&page, problems);
            let forms = (link_form, FormState::in_part("document"));
            let html = page_of(&state, page, &actor, None, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(html)).into_response())
        }
    }
}
