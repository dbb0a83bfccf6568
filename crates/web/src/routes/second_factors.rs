//! "Two-step verification" in My account: setting up an authenticator app (QR code drawn here,
//! the secret also as text), the recovery codes shown once, new recovery codes, and removing
//! the app with the password and a current code.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::passkeys::{self, PasskeySummary};
use carespace_app::second_factors::sms::SmsStatus;
use carespace_app::second_factors::{self, AppSetup, TwoStepStatus};
use carespace_core::ids::AccountId;
use carespace_core::policy::{self, Reach};
use carespace_core::secret::Secret;
use http::StatusCode;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "two_step.html")]
pub(super) struct StatusTemplate {
    page: Page,
    status: TwoStepStatus,
    sms: SmsStatus,
    start: FormState,
    renew: FormState,
    remove: FormState,
    /// Adding or changing the number for text messages.
    pub(super) sms_start: FormState,
    /// Having a code sent to confirm a change.
    pub(super) sms_code: FormState,
    pub(super) sms_remove: FormState,
    notice: Option<String>,
    passkeys: Vec<PasskeySummary>,
    /// Passkeys work with this installation's address.
    passkeys_offered: bool,
}

impl StatusTemplate {
    /// The page with its forms empty.
    pub(super) async fn load(
        state: &WebState,
        page: Page,
        account: &AccountId,
        notice: Option<String>,
    ) -> Result<Self, WebError> {
        Ok(StatusTemplate {
            page,
            status: second_factors::status(&state.app, account).await?,
            sms: second_factors::sms::status(&state.app, account).await?,
            start: FormState::in_part("app"),
            renew: FormState::in_part("renew"),
            remove: FormState::in_part("remove"),
            sms_start: FormState::in_part("sms"),
            sms_code: FormState::in_part("sms-code"),
            sms_remove: FormState::in_part("sms-remove"),
            notice,
            passkeys: passkeys::list(&state.app, account).await?,
            passkeys_offered: state.app.passkeys.is_some(),
        })
    }

    /// Whether any factor guards the logins (then recovery codes can be renewed).
    fn has_factor(&self) -> bool {
        self.status.app_since.is_some() || self.sms.number.is_some() || !self.passkeys.is_empty()
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let notice = match done.done.as_str() {
        "removed" => Some(page.t("two-step-removed")),
        "app-removed" => Some(page.t("two-step-app-removed")),
        "sms-added" => Some(page.t("two-step-sms-added")),
        "sms-removed" => Some(page.t("two-step-sms-removed")),
        "passkey-added" => Some(page.t("passkey-was-added")),
        "passkey-renamed" => Some(page.t("passkey-was-renamed")),
        "passkey-removed" => Some(page.t("passkey-was-removed")),
        _ if policy::second_factor_first(session.two_step, Reach::Care) => {
            Some(page.t("two-step-required"))
        }
        _ => None,
    };
    let template = StatusTemplate::load(&state, page, &session.account.id, notice).await?;
    Ok(render(&template)?.into_response())
}

#[derive(Template)]
#[template(path = "two_step_setup.html")]
struct SetupTemplate {
    page: Page,
    setup: AppSetup,
    /// The QR code of the setup's address, as SVG drawn here.
    qr_svg: String,
    form: FormState,
}

/// The QR code as an inline SVG element (without the XML declaration a file would carry).
fn qr_svg(url: &str) -> Result<String, WebError> {
    let code = QrCode::new(url.as_bytes()).map_err(|_| WebError::Internal)?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(image
        .split_once("?>")
        .map_or(image.clone(), |(_, svg)| svg.to_owned()))
}

fn setup_page(page: Page, setup: AppSetup, form: FormState) -> Result<Response, WebError> {
    let qr_svg = qr_svg(&setup.otpauth_url)?;
    let template = SetupTemplate {
        page,
        setup,
        qr_svg,
        form,
    };
    Ok(render(&template)?.into_response())
}

/// `POST /account/two-step/app`: after the password, a new secret to scan.
pub async fn start(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.password);
    let me = &session.account.id;
    match second_factors::start_app(&state.app, me, password, &origin).await {
        Ok(setup) => setup_page(page, setup, FormState::new()),
        Err(error) => refused(&state, page, &session, error, |t| &mut t.start).await,
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "two_step_codes.html")]
struct CodesTemplate {
    page: Page,
    /// Shown this once.
    codes: Vec<String>,
    /// What was set up just now, if anything (else the codes were renewed).
    notice: Option<String>,
}

/// The recovery codes, shown once; `notice` says what was set up with them.
pub(crate) fn codes_page(
    page: Page,
    codes: Vec<String>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let template = CodesTemplate {
        page,
        codes,
        notice,
    };
    Ok(render(&template)?.into_response())
}

/// `POST /account/two-step/app/confirm`: the first code finishes the setup.
pub async fn confirm(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let me = &session.account.id;
    let origin = origin(&client, Some(&session));
    match second_factors::confirm_app(&state.app, me, &form.code, &origin).await {
        Ok(codes) => {
            let notice = page.t("two-step-set-up");
            codes_page(page, codes, Some(notice))
        }
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let Some(setup) = second_factors::app_in_setup(&state.app, me).await? else {
                return Ok(Redirect::to("/account/two-step").into_response());
            };
            let form = FormState::new().with_problems(&page, problems);
            let response = setup_page(page, setup, form)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// Shows the status page again with a form's problems (and the values typed into it).
pub(super) async fn refused(
    state: &WebState,
    page: Page,
    session: &carespace_app::sessions::CurrentSession,
    error: carespace_app::AppError,
    which: fn(&mut StatusTemplate) -> &mut FormState,
) -> Result<Response, WebError> {
    refused_with(state, page, session, error, which, &[]).await
}

pub(super) async fn refused_with(
    state: &WebState,
    page: Page,
    session: &carespace_app::sessions::CurrentSession,
    error: carespace_app::AppError,
    which: fn(&mut StatusTemplate) -> &mut FormState,
    values: &[(&'static str, &str)],
) -> Result<Response, WebError> {
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let mut template = StatusTemplate::load(state, page, &session.account.id, None).await?;
    let slot = which(&mut template);
    let mut form = std::mem::take(slot).with_problems(&template.page, problems);
    for (field, value) in values {
        form = form.with_value(field, value);
    }
    *which(&mut template) = form;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}

/// `POST /account/two-step/recovery-codes`: new codes in place of the old, after the password
/// and a current code.
pub async fn renew(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.password);
    let me = &session.account.id;
    let result =
        second_factors::renew_recovery_codes(&state.app, me, password, &form.code, &origin);
    match result.await {
        Ok(codes) => codes_page(page, codes, None),
        Err(error) => refused(&state, page, &session, error, |t| &mut t.renew).await,
    }
}

/// `POST /account/two-step/remove`: with the password and a current code.
pub async fn remove(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let password = Secret::new(form.password);
    let me = &session.account.id;
    match second_factors::remove(&state.app, me, password, &form.code, &origin).await {
        Ok(true) => Ok(Redirect::to("/account/two-step?done=app-removed").into_response()),
        Ok(false) => Ok(Redirect::to("/account/two-step?done=removed").into_response()),
        Err(error) => refused(&state, page, &session, error, |t| &mut t.remove).await,
    }
}
