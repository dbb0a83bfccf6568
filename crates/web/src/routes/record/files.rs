//! Uploading a document (a multipart form whose file streams through the pipeline, never held
//! whole) and downloading one's own documents' files.

use super::page_of;
use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::downloads;
use crate::errors::WebError;
use crate::forms::{FormState, multipart_text, problems};
use crate::page::Page;
use crate::state::WebState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::AppError;
use carespace_app::access::Actor;
use carespace_app::files::{self, Staged};
use carespace_app::record::documents::{self, FILE_FIELD, NewDocument};
use carespace_core::ids::RecordItemId;
use futures_util::TryStreamExt;
use http::{HeaderMap, StatusCode};

/// What the form sent beside its file.
#[derive(Default)]
pub(crate) struct Typed {
    title: String,
    note: String,
    file_name: String,
}

/// Reads the form, streaming its file to staging when it comes. Forms send their fields in
/// order, so the title and note are known by then; whatever follows the file is read too.
async fn read_form(
    state: &WebState,
    actor: &Actor,
    multipart: &mut Multipart,
) -> (Typed, Result<Option<Staged>, AppError>) {
    let mut typed = Typed::default();
    let mut staged: Option<Staged> = None;
    let read = loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break Ok(()),
            Err(_) => break Err(AppError::field(FILE_FIELD, files::problems::MISSING)),
        };
        match field.name().unwrap_or_default() {
            "title" => typed.title = multipart_text(field, TEXT_FIELD_MAX).await,
            "note" => typed.note = multipart_text(field, TEXT_FIELD_MAX).await,
            "file" if staged.is_none() => {
                typed.file_name = field.file_name().unwrap_or_default().to_owned();
                // A form sent without choosing a file has an empty, nameless part.
                if typed.file_name.is_empty() {
                    continue;
                }
                let body = field.map_err(std::io::Error::other);
                match documents::stage(&state.app, actor, Box::pin(body)).await {
                    Ok(done) => staged = Some(done),
                    Err(error) => break Err(error),
                }
            }
            _ => {}
        }
    };
    match (read, staged) {
        (Ok(()), staged) => (typed, Ok(staged)),
        (Err(error), staged) => {
            // What was staged before the form turned out bad goes again at once.
            if let Some(staged) = staged {
                let _ = files::remove(&state.app, &staged.id).await;
            }
            (typed, Err(error))
        }
    }
}

/// The most bytes of a text field read: more than any title or note may have, so a longer one
/// is refused by its own check, and a huge one is never held.
const TEXT_FIELD_MAX: usize = 16 * 1024;

/// Reads a document form (a page's or an API request's) and records its document: what was
/// typed, and the new item or why there is none.
pub(crate) async fn add_from(
    state: &WebState,
    actor: &Actor,
    multipart: Result<Multipart, MultipartRejection>,
) -> (Typed, Result<RecordItemId, AppError>) {
    let (typed, staged) = match multipart {
        Ok(mut multipart) => read_form(state, actor, &mut multipart).await,
        Err(_) => (Typed::default(), Ok(None)),
    };
    let added = match staged {
        Ok(Some(staged)) => {
            let input = NewDocument {
                title: &typed.title,
                note: &typed.note,
                file_name: &typed.file_name,
            };
            documents::add(&state.app, actor, staged, input).await
        }
        Ok(None) => Err(AppError::field(FILE_FIELD, files::problems::MISSING)),
        Err(error) => Err(error),
    };
    (typed, added)
}

pub async fn upload(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let (typed, added) = add_from(&state, &actor, multipart).await;
    let error = match added {
        Ok(_) => return Ok(Redirect::to("/record").into_response()),
        Err(error) => error,
    };
    let Some(found) = problems(&error) else {
        return Err(error.into());
    };
    let document_form = FormState::in_part("document")
        .with_value("title", &typed.title)
        .with_value("note", &typed.note)
        .with_problems(&page, found);
    let forms = (FormState::in_part("link"), document_form);
    let html = page_of(&state, page, &actor, None, forms).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

pub async fn download(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let asked = downloads::asked(&headers);
    let download = documents::open_own(&state.app, &actor, &id, |size| asked.range(size)).await?;
    Ok(downloads::respond(
        download,
        asked != downloads::Asked::Whole,
    ))
}
