//! "Beheer > Instellingen": a Healthspace's name, address, welcome text, opening hours, logo,
//! colours and whether staff may connect themselves, for its admins and the owners.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, file_field, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::AppResult;
use carespace_app::access::Actor;
use carespace_app::healthspaces::Healthspace;
use carespace_app::healthspaces::settings::{self, SettingsInput};
use http::StatusCode;
use serde::Deserialize;

/// The colours the pickers show when the Healthspace uses the product's own.
const DEFAULT_PRIMARY: &str = "#0b5c8a";
const DEFAULT_PRIMARY_TEXT: &str = "#ffffff";

#[derive(Template)]
#[template(path = "healthspace_settings.html")]
struct SettingsTemplate {
    page: Page,
    healthspace: Healthspace,
    form: FormState,
    logo: FormState,
    notice: Option<String>,
}

impl SettingsTemplate {
    fn new(page: Page, healthspace: Healthspace) -> Self {
        let s = &healthspace.settings;
        let or_default = |value: &str, default: &str| {
            if value.is_empty() {
                default.to_owned()
            } else {
                value.to_owned()
            }
        };
        let form = FormState::new()
            .with_value("name", &healthspace.name)
            .with_value("address", &healthspace.address)
            .with_value("welcome_text", &s.welcome_html)
            .with_value("opening_hours", &s.opening_hours)
            .with_value(
                "brand_primary",
                &or_default(&s.brand_primary, DEFAULT_PRIMARY),
            )
            .with_value(
                "brand_primary_text",
                &or_default(&s.brand_primary_text, DEFAULT_PRIMARY_TEXT),
            )
            .with_value(
                "own_colours",
                if s.brand_primary.is_empty() { "" } else { "on" },
            )
            .with_value(
                "staff_connect_self",
                if s.staff_connect_self { "on" } else { "" },
            )
            .with_value(
                "clients_two_step",
                if s.clients_two_step { "on" } else { "" },
            );
        SettingsTemplate {
            page: page.branded(&healthspace),
            healthspace,
            form,
            logo: FormState::new(),
            notice: None,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let healthspace = settings::editable(&state.app, &actor, &alias).await?;
    let mut template = SettingsTemplate::new(page, healthspace);
    let key = match query.done.as_str() {
        "saved" => Some("settings-saved"),
        "logo" => Some("settings-logo-saved"),
        _ => None,
    };
    template.notice = key.map(|key| template.page.t(key));
    Ok(render(&template)?.into_response())
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    welcome_text: String,
    #[serde(default)]
    opening_hours: String,
    #[serde(default)]
    own_colours: Option<String>,
    #[serde(default)]
    brand_primary: String,
    #[serde(default)]
    brand_primary_text: String,
    #[serde(default)]
    staff_connect_self: Option<String>,
    #[serde(default)]
    clients_two_step: Option<String>,
}

pub async fn update(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let own_colours = form.own_colours.is_some();
    let colour = |value: &str| {
        if own_colours {
            value.to_owned()
        } else {
            String::new()
        }
    };
    let input = SettingsInput {
        name: form.name.clone(),
        address: form.address.clone(),
        welcome_text: form.welcome_text.clone(),
        opening_hours: form.opening_hours.clone(),
        brand_primary: colour(&form.brand_primary),
        brand_primary_text: colour(&form.brand_primary_text),
        staff_connect_self: form.staff_connect_self.is_some(),
        clients_two_step: form.clients_two_step.is_some(),
    };
    let actor = actor::of_session(&session, &client);
    let error = match settings::update(&state.app, &actor, &alias, &input).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/h/{alias}/settings?done=saved")).into_response());
        }
        Err(error) => error,
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let healthspace = settings::editable(&state.app, &actor, &alias).await?;
    let mut template = SettingsTemplate::new(page, healthspace);
    template.form = FormState::new()
        .with_value("name", &form.name)
        .with_value("address", &form.address)
        .with_value("welcome_text", &form.welcome_text)
        .with_value("opening_hours", &form.opening_hours)
        .with_value("brand_primary", &form.brand_primary)
        .with_value("brand_primary_text", &form.brand_primary_text)
        .with_value("own_colours", if own_colours { "on" } else { "" })
        .with_value(
            "staff_connect_self",
            if input.staff_connect_self { "on" } else { "" },
        )
        .with_value(
            "clients_two_step",
            if input.clients_two_step { "on" } else { "" },
        )
        .with_problems(&template.page, problems);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}

pub async fn logo_upload(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    // Whoever may not change the settings learns nothing, not even that the form is wrong.
    settings::editable(&state.app, &actor, &alias).await?;
    let upload = file_field(&mut multipart.map_err(|_| WebError::BadRequest)?, "logo").await?;
    let result = settings::set_logo(&state.app, &actor, &alias, upload).await;
    after_logo(&state, page, &actor, &alias, result).await
}

pub async fn logo_remove(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let result = settings::remove_logo(&state.app, &actor, &alias).await;
    after_logo(&state, page, &actor, &alias, result).await
}

async fn after_logo(
    state: &WebState,
    page: Page,
    actor: &Actor,
    alias: &str,
    result: AppResult<()>,
) -> Result<Response, WebError> {
    let error = match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/h/{alias}/settings?done=logo")).into_response());
        }
        Err(error) => error,
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let healthspace = settings::editable(&state.app, actor, alias).await?;
    let mut template = SettingsTemplate::new(page, healthspace);
    template.logo = FormState::new().with_problems(&template.page, problems);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
}
