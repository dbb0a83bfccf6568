//! Passkeys in My account: adding one (a name and the password, then the browser makes the
//! passkey), and a page per passkey to rename or remove it (the password and a current factor:
//! the passkey itself, an app code or a recovery code). The browser side is `passkeys.js`; the
//! options endpoints answer JSON, every other step is an ordinary form.

use super::second_factors::codes_page;
use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use carespace_app::AppError;
use carespace_app::passkeys::{self, Ceremony, PasskeyAdded, PasskeyProof, PasskeySummary};
use carespace_core::ids::PasskeyId;
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::Deserialize;

/// A ceremony's start as the script reads it: the token and `publicKey` options, or a
/// message to show (422, 429).
pub(crate) fn ceremony_json(page: &Page, result: Result<Ceremony, AppError>) -> Response {
    match result {
        Ok(ceremony) => {
            let mut body = ceremony.options;
            body["ceremony"] = ceremony.token.into();
            Json(body).into_response()
        }
        Err(AppError::Invalid(problems)) => {
            let message = problems
                .first()
                .map(|p| page.problem(p.code))
                .unwrap_or_default();
            let body = serde_json::json!({ "message": message });
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(AppError::LoginThrottled { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let message = page.t1("login-throttled", "minutes", &minutes.to_string());
            let body = serde_json::json!({ "message": message });
            (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
        }
        Err(error) => WebError::from(error).into_response(),
    }
}

#[derive(Template)]
#[template(path = "passkey_new.html")]
struct NewTemplate {
    page: Page,
    form: FormState,
    /// Passkeys work with this installation's address.
    offered: bool,
}

fn new_page(state: &WebState, page: Page, form: FormState) -> Result<Response, WebError> {
    let offered = state.app.passkeys.is_some();
    Ok(render(&NewTemplate {
        page,
        form,
        offered,
    })?
    .into_response())
}

/// `GET /account/passkeys/new`
pub async fn new(
    State(state): State<WebState>,
    page: Page,
    _: SignedIn,
) -> Result<Response, WebError> {
    new_page(&state, page, FormState::new())
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /account/passkeys/options`: after the name and the password, the options to make
/// the passkey with.
pub async fn options(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<StartForm>,
) -> Response {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.password);
    let me = &session.account.id;
    let result = passkeys::start_registration(&state.app, me, &form.name, password, &origin).await;
    ceremony_json(&page, result)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
}

/// `POST /account/passkeys`: the browser's new passkey.
pub async fn create(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let me = &session.account.id;
    let result =
        passkeys::finish_registration(&state.app, me, &form.ceremony, &form.credential, &origin);
    match result.await {
        Ok(PasskeyAdded {
            recovery_codes: Some(codes),
            ..
        }) => {
            let notice = page.t("passkey-was-added-with-codes");
            codes_page(page, codes, Some(notice))
        }
        Ok(_) => Ok(Redirect::to("/account/two-step?done=passkey-added").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let form = FormState::new()
                .with_value("name", &form.name)
                .with_problems(&page, problems);
            let response = new_page(&state, page, form)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "passkey.html")]
struct PasskeyTemplate {
    page: Page,
    passkey: PasskeySummary,
    rename: FormState,
    remove: FormState,
}

async fn find(
    state: &WebState,
    session: &carespace_app::sessions::CurrentSession,
    id: &str,
) -> Result<PasskeySummary, WebError> {
    let id = PasskeyId::parse(id).ok_or(WebError::NotFound)?;
    passkeys::list(&state.app, &session.account.id)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or(WebError::NotFound)
}

fn passkey_page(
    page: Page,
    passkey: PasskeySummary,
    rename: FormState,
    remove: FormState,
) -> Result<Response, WebError> {
    let template = PasskeyTemplate {
        page,
        passkey,
        rename,
        remove,
    };
    Ok(render(&template)?.into_response())
}

/// `GET /account/passkeys/{id}`
pub async fn show(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let passkey = find(&state, &session, &id).await?;
    let rename = FormState::new().with_value("name", &passkey.name);
    passkey_page(page, passkey, rename, FormState::new())
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// `POST /account/passkeys/{id}/rename`
pub async fn rename(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    let passkey = find(&state, &session, &id).await?;
    let origin = origin(&client, Some(&session));
    let me = &session.account.id;
    match passkeys::rename(&state.app, me, &passkey.id, &form.name, &origin).await {
        Ok(()) => Ok(Redirect::to("/account/two-step?done=passkey-renamed").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let rename = FormState::new()
                .with_value("name", &form.name)
                .with_problems(&page, problems);
            let response = passkey_page(page, passkey, rename, FormState::new())?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

/// `POST /account/passkeys/confirm-options`: the options to confirm a removal with a passkey.
pub async fn confirm_options(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
) -> Response {
    let result = passkeys::start_confirmation(&state.app, &session.account.id).await;
    ceremony_json(&page, result)
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    ceremony: String,
    #[serde(default)]
    credential: String,
}

/// `POST /account/passkeys/{id}/remove`: with the password and a passkey's answer or a code.
pub async fn remove(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let passkey = find(&state, &session, &id).await?;
    let origin = origin(&client, Some(&session));
    let proof = if form.credential.is_empty() {
        PasskeyProof::Code(form.code.clone())
    } else {
        PasskeyProof::Passkey {
            ceremony: form.ceremony,
            credential: form.credential,
        }
    };
    let password = Secret::new(form.password);
    let me = &session.account.id;
    match passkeys::remove(&state.app, me, &passkey.id, password, proof, &origin).await {
        Ok(()) => Ok(Redirect::to("/account/two-step?done=passkey-removed").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let remove = FormState::new()
                .with_value("code", &form.code)
                .with_problems(&page, problems);
            let response = passkey_page(page, passkey, FormState::new(), remove)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}
