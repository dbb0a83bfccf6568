//! A conversation: its messages, newest at the bottom as in any chat, older pages above; the
//! form to answer with attachments (a multipart form whose files stream through the file
//! pipeline); removing one's own message within five minutes.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::downloads;
use crate::errors::WebError;
use crate::forms::{FormState, multipart_text, non_empty, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::AppError;
use carespace_app::access::Actor;
use carespace_app::files;
use carespace_app::messages::sending::{self, FILES_FIELD, StagedAttachment};
use carespace_app::messages::thread::{self, ConversationPage};
use carespace_app::messages::{MessageView, attachments, removing};
use carespace_core::messages::{Segment, segments};
use futures_util::TryStreamExt;
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ConversationQuery {
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "conversation.html")]
struct ConversationTemplate {
    page: Page,
    view: ConversationPage,
    form: FormState,
    /// Oldest first, as they are read.
    messages: Vec<MessageView>,
}

impl ConversationTemplate {
    fn names(&self) -> String {
        super::names(&self.view.conversation)
    }

    fn parts<'a>(&self, text: &'a str) -> Vec<Segment<'a>> {
        segments(text)
    }

    fn read_by(&self, message: &MessageView) -> String {
        self.page
            .t1("messages-read-by", "names", &message.read_by.join(", "))
    }
}

async fn page_of(
    state: &WebState,
    page: Page,
    actor: &Actor,
    (id, before): (&str, Option<&str>),
    form: FormState,
) -> Result<String, WebError> {
    let view = thread::open(&state.app, actor, id, before).await?;
    let mut messages = view.messages.clone();
    messages.reverse();
    let template = ConversationTemplate {
        page,
        view,
        form,
        messages,
    };
    Ok(render(&template)?.0)
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ConversationQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let before = non_empty(&query.before);
    let html = page_of(&state, page, &actor, (&id, before), FormState::new()).await?;
    Ok(Html(html).into_response())
}

/// The most bytes of the text field read: more than the longest message may have (in any
/// script), so a longer one is refused by its own check, and a huge one is never held.
const TEXT_FIELD_MAX: usize = 64 * 1024;

/// Reads a message form (the page's or the API's): its text, and its files streamed to staging
/// as they come. On a problem, whatever was staged is removed at once.
pub(crate) async fn read_form(
    state: &WebState,
    actor: &Actor,
    id: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> (String, Result<Vec<StagedAttachment>, AppError>) {
    let mut text = String::new();
    let mut staged: Vec<StagedAttachment> = Vec::new();
    // Not a multipart form: no text and no files, which the use case tells as such (or "not
    // found", to someone who is not in the conversation).
    let Ok(mut multipart) = multipart else {
        return (text, Ok(Vec::new()));
    };
    let read = loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break Ok(()),
            Err(_) => break Err(AppError::field(FILES_FIELD, files::problems::MISSING)),
        };
        match field.name().unwrap_or_default() {
            "text" => text = multipart_text(field, TEXT_FIELD_MAX).await,
            FILES_FIELD => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                // A form sent without choosing a file has an empty, nameless part.
                if file_name.is_empty() {
                    continue;
                }
                if staged.len() == carespace_core::messages::ATTACHMENTS_MAX {
                    break Err(AppError::field(FILES_FIELD, "attachments_too_many"));
                }
                let body = field.map_err(std::io::Error::other);
                match sending::stage(&state.app, actor, id, Box::pin(body)).await {
                    Ok(done) => staged.push(StagedAttachment {
                        staged: done,
                        file_name,
                    }),
                    Err(error) => break Err(error),
                }
            }
            _ => {}
        }
    };
    match read {
        Ok(()) => (text, Ok(staged)),
        Err(error) => {
            for attachment in staged {
                let _ = files::remove(&state.app, &attachment.staged.id).await;
            }
            (text, Err(error))
        }
    }
}

pub async fn send(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let (text, staged) = read_form(&state, &actor, &id, multipart).await;
    let sent = match staged {
        Ok(attached) => sending::send(&state.app, &actor, &id, &text, attached).await,
        Err(error) => Err(error),
    };
    let error = match sent {
        Ok(sent) => {
            let to = format!("/messages/{id}#message-{}", sent.id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(error) => error,
    };
    let Some(found) = problems(&error) else {
        return Err(error.into());
    };
    let form = FormState::new()
        .with_value("text", &text)
        .with_problems(&page, found);
    let html = page_of(&state, page, &actor, (&id, None), form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

pub async fn remove(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path((id, message)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let error = match removing::remove(&state.app, &actor, &id, &message).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/messages/{id}")).into_response());
        }
        Err(error) => error,
    };
    let Some(found) = problems(&error) else {
        return Err(error.into());
    };
    let form = FormState::new().with_problems(&page, found);
    let html = page_of(&state, page, &actor, (&id, None), form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

pub async fn attachment(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path((id, message, position)): Path<(String, String, String)>,
    headers: http::HeaderMap,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let position: i64 = position.parse().map_err(|_| WebError::NotFound)?;
    let asked = downloads::asked(&headers);
    let opened = attachments::open(&state.app, &actor, (&id, &message, position), |size| {
        asked.range(size)
    })
    .await?;
    Ok(downloads::respond(opened, asked != downloads::Asked::Whole))
}
