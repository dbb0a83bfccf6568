//! "Text message (SMS)" under Two-step verification: adding a number (a first code is sent to
//! it), changing it, having a code sent to confirm a change, and removing it.

use super::second_factors::{StatusTemplate, codes_page, refused, refused_with};
use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::sms::SiteSmsTexts;
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::second_factors::sms::{self, NumberInput};
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NumberForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "two_step_sms_confirm.html")]
struct ConfirmTemplate {
    page: Page,
    /// The number the code went to, as typed back in international form.
    number: String,
    form: FormState,
}

fn confirm_page(page: Page, number: String, form: FormState) -> Result<Response, WebError> {
    Ok(render(&ConfirmTemplate { page, number, form })?.into_response())
}

/// `POST /account/two-step/sms`: after the password (and for a change a current code), a
/// first code goes to the number typed.
pub async fn start(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<NumberForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let input = NumberInput {
        phone: form.phone.clone(),
        password: Secret::new(form.password),
        code: form.code,
    };
    let texts = SiteSmsTexts(&state);
    let me = &session.account.id;
    match sms::start(&state.app, &texts, me, input, &origin).await {
        Ok(number) => confirm_page(page, number.as_str().to_owned(), FormState::new()),
        Err(error) => {
            let kept = [("phone", form.phone.as_str())];
            refused_with(&state, page, &session, error, |t| &mut t.sms_start, &kept).await
        }
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /account/two-step/sms/confirm`: the code sent to the new number puts it in use.
pub async fn confirm(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let me = &session.account.id;
    let origin = origin(&client, Some(&session));
    match sms::confirm(&state.app, me, &form.code, &origin).await {
        Ok(Some(codes)) => {
            let notice = page.t("two-step-sms-set-up");
            codes_page(page, codes, Some(notice))
        }
        Ok(None) => Ok(Redirect::to("/account/two-step?done=sms-added").into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let Some(number) = sms::waiting(&state.app, me).await? else {
                return Ok(Redirect::to("/account/two-step").into_response());
            };
            let form = FormState::new().with_problems(&page, problems);
            let response = confirm_page(page, number.as_str().to_owned(), form)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

/// `POST /account/two-step/sms/code`: a code to the number in use, to confirm a change.
pub async fn send_code(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let texts = SiteSmsTexts(&state);
    let me = &session.account.id;
    match sms::send_action_code(&state.app, &texts, me, &origin).await {
        Ok(number) => {
            let notice = page.t1_text("two-step-sms-code-sent", "number", &number.masked());
            let template = StatusTemplate::load(&state, page, me, Some(notice)).await?;
            Ok(render(&template)?.into_response())
        }
        Err(error) => refused(&state, page, &session, error, |t| &mut t.sms_code).await,
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/two-step/sms/remove`: with the password and a current code.
pub async fn remove(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.password);
    let me = &session.account.id;
    match sms::remove(&state.app, me, password, &form.code, &origin).await {
        Ok(()) => Ok(Redirect::to("/account/two-step?done=sms-removed").into_response()),
        Err(error) => refused(&state, page, &session, error, |t| &mut t.sms_remove).await,
    }
}
