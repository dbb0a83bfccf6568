//! "My account": name, language, phone number, date of birth, photo, email address, password,
//! and whether an email comes when a message waits unread.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, file_field, problems};
use crate::page::{Page, render};
use crate::routes::message::message;
use crate::routes::register::{TokenForm, TokenQuery, confirm_page, link_invalid};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::accounts::{self, Account, ProfileInput};
use carespace_app::{AppError, AppResult};
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::passwords::RECOMMENDED_CHARS;
use carespace_core::secret::Secret;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    page: Page,
    account: Account,
    /// Whether an email comes when a message waits unread.
    message_notices: bool,
    notice: Option<String>,
    profile: FormState,
    birth_date: FormState,
    photo: FormState,
    email: FormState,
    password: FormState,
    recommended: usize,
}

impl AccountTemplate {
    fn new(page: Page, account: Account, message_notices: bool) -> Self {
        let profile = FormState::new()
            .with_value("full_name", &account.full_name)
            .with_value("phone", account.phone.as_deref().unwrap_or_default());
        AccountTemplate {
            page,
            account,
            message_notices,
            notice: None,
            profile,
            birth_date: FormState::new(),
            photo: FormState::new(),
            email: FormState::new(),
            password: FormState::new(),
            recommended: RECOMMENDED_CHARS,
        }
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    let account = accounts::find(&state.app, &session.account.id).await?;
    let notices = accounts::message_notices(&state.app, &session.account.id).await?;
    let mut template = AccountTemplate::new(page, account, notices);
    let key = match query.done.as_str() {
        "profile" => Some("account-saved-profile"),
        "birth-date" => Some("account-saved-birth-date"),
        "photo" => Some("account-saved-photo"),
        "email" => Some("account-email-sent"),
        "password" => Some("account-saved-password"),
        "message-notices" if notices => Some("account-saved-message-notices-on"),
        "message-notices" => Some("account-saved-message-notices-off"),
        _ => None,
    };
    template.notice = key.map(|key| template.page.t(key));
    render(&template)
}

/// After a change: back to the page with a notice, or the page again with the problems.
async fn answer(
    state: &WebState,
    page: Page,
    account_id: &AccountId,
    section: &'static str,
    result: AppResult<()>,
    keep: impl FnOnce(FormState) -> FormState,
) -> Result<Response, WebError> {
    let error = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/account?done={section}")).into_response()),
        Err(error) => error,
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let account = accounts::find(&state.app, account_id).await?;
    let notices = accounts::message_notices(&state.app, account_id).await?;
    let mut template = AccountTemplate::new(page, account, notices);
    let form = keep(FormState::new()).with_problems(&template.page, problems);
    match section {
        "profile" => template.profile = form,
        "birth-date" => template.birth_date = form,
        "photo" => template.photo = form,
        "email" => template.email = form,
        _ => template.password = form,
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    phone_password: String,
}

pub async fn profile(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<ProfileForm>,
) -> Result<Response, WebError> {
    let input = ProfileInput {
        full_name: form.full_name.clone(),
        language: form.language.parse().unwrap_or(page.lang),
        phone: form.phone.clone(),
        password: Some(Secret::new(form.phone_password)),
    };
    let origin = origin(&client, Some(&session));
    let result = accounts::update_profile(&state.app, &session.account.id, input, &origin).await;
    answer(&state, page, &session.account.id, "profile", result, |f| {
        f.with_value("full_name", &form.full_name)
            .with_value("phone", &form.phone)
    })
    .await
}

#[derive(Deserialize)]
pub struct BirthDateForm {
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    birth_date_password: String,
}

pub async fn birth_date(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<BirthDateForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.birth_date_password);
    let account_id = &session.account.id;
    let result =
        accounts::correct_birth_date(&state.app, account_id, &form.birth_date, password, &origin)
            .await;
    answer(&state, page, account_id, "birth-date", result, |f| {
        f.with_value("birth_date", &form.birth_date)
    })
    .await
}

pub async fn photo_upload(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let upload = file_field(&mut multipart, "photo").await?;
    let origin = origin(&client, Some(&session));
    let result = accounts::set_photo(&state.app, &session.account.id, upload, &origin).await;
    answer(&state, page, &session.account.id, "photo", result, |f| f).await
}

pub async fn photo_remove(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    accounts::remove_photo(&state.app, &session.account.id, &origin).await?;
    Ok(Redirect::to("/account?done=photo").into_response())
}

/// The user's own photo. Never cached by shared caches.
pub async fn photo(
    State(state): State<WebState>,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let bytes = accounts::photo(&state.app, &session.account.id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "private, no-cache"),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct MessageNoticesForm {
    /// A checkbox: present when checked.
    #[serde(default)]
    message_notices: Option<String>,
}

/// Turns the email notices of unread messages on or off.
pub async fn message_notices(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<MessageNoticesForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let on = form.message_notices.is_some();
    accounts::set_message_notices(&state.app, &session.account.id, on, &origin).await?;
    Ok(Redirect::to("/account?done=message-notices").into_response())
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    password: String,
}

pub async fn email(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    let result = accounts::request_email_change(
        &state.app,
        &session.account.id,
        Secret::new(form.password),
        &form.new_email,
        &origin(&client, Some(&session)),
    )
    .await;
    answer(&state, page, &session.account.id, "email", result, |f| {
        f.with_value("new_email", &form.new_email)
    })
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn password(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let result = accounts::change_password(
        &state.app,
        &session.account.id,
        &session.session_id,
        Secret::new(form.current_password),
        Secret::new(form.new_password),
        &origin(&client, Some(&session)),
    )
    .await;
    answer(&state, page, &session.account.id, "password", result, |f| f).await
}

pub async fn email_confirm_show(
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Result<Html<String>, WebError> {
    confirm_page(page, "email-confirm", "/email/confirm", query.token)
}

pub async fn email_confirm_submit(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    match accounts::confirm_email_change(&state.app, &form.token, &origin(&client, None)).await {
        Ok(()) => Ok(message(
            &page,
            "email-confirm-done-title",
            "email-confirm-done-text",
            Some(("/account", "nav-account")),
        )?
        .into_response()),
        Err(AppError::LinkInvalid) => link_invalid(&page),
        Err(error) => Err(error.into()),
    }
}

/// The languages to choose from on the profile form.
impl AccountTemplate {
    fn languages(&self) -> [Language; 2] {
        Language::ALL
    }
}
