//! "My organisation": only owners see it; every route answers 404 to anyone
//! else. Details, and the Healthspaces: create, activate, deactivate.

use crate::auth::SignedIn;
use crate::client::{Client, origin};
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::healthspaces::{self, Healthspace};
use carespace_app::organisations::{self, Details, Organisation, Owner};
use carespace_app::sessions::CurrentSession;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::OrganisationId;
use http::StatusCode;
use http::request::Parts;
use serde::Deserialize;

/// One organisation: straight to it. Several: a list. None: not found.
pub async fn index(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let owned = organisations::owned(&state.app, &session.account.id).await?;
    match owned.as_slice() {
        [] => Err(WebError::NotFound),
        [only] => Ok(Redirect::to(&format!("/organisation/{}", only.id)).into_response()),
        _ => Ok(render(&ListTemplate {
            page,
            organisations: owned,
        })?
        .into_response()),
    }
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListTemplate {
    page: Page,
    organisations: Vec<Organisation>,
}

#[derive(Template)]
#[template(path = "organisation.html")]
pub(crate) struct OrganisationTemplate {
    pub(crate) page: Page,
    organisation: Organisation,
    healthspaces: Vec<Healthspace>,
    owners: Vec<Owner>,
    details: FormState,
    create: FormState,
    pub(crate) owner_form: FormState,
    notice: Option<String>,
}

impl OrganisationTemplate {
    fn is_active(&self, healthspace: &Healthspace) -> bool {
        healthspace.state == HealthspaceState::Active
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The `{id}` of an organisation's path; what is not an organisation id names nothing: 404.
pub struct OrganisationPath(pub OrganisationId);

impl FromRequestParts<WebState> for OrganisationPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        OrganisationId::parse(&id)
            .map(OrganisationPath)
            .ok_or(WebError::NotFound)
    }
}

pub(crate) async fn page_for(
    state: &WebState,
    page: Page,
    session: &CurrentSession,
    id: &OrganisationId,
) -> Result<OrganisationTemplate, WebError> {
    let organisation = organisations::get(&state.app, &session.account.id, id).await?;
    let healthspaces = healthspaces::of_organisation(&state.app, &session.account.id, id).await?;
    let owners = organisations::owners(&state.app, &session.account.id, id).await?;
    let details = FormState::new()
        .with_value("name", &organisation.name)
        .with_value("address", &organisation.address)
        .with_value("billing_address", &organisation.billing_address);
    Ok(OrganisationTemplate {
        page,
        organisation,
        healthspaces,
        owners,
        details,
        create: FormState::new(),
        owner_form: FormState::new(),
        notice: None,
    })
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    OrganisationPath(id): OrganisationPath,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    let mut template = page_for(&state, page, &session, &id).await?;
    let key = match query.done.as_str() {
        "details" => Some("organisation-saved"),
        "created" => Some("organisation-healthspace-created"),
        "activated" => Some("organisation-healthspace-activated"),
        "deactivated" => Some("organisation-healthspace-deactivated"),
        "deactivated-cancelled" => Some("organisation-healthspace-deactivated-cancelled"),
        "owner-added" => Some("owners-added"),
        "owner-removed" => Some("owners-removed"),
        _ => None,
    };
    template.notice = key.map(|key| template.page.t(key));
    render(&template)
}

#[derive(Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    billing_address: String,
}

pub async fn update(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    OrganisationPath(id): OrganisationPath,
    Form(form): Form<DetailsForm>,
) -> Result<Response, WebError> {
    let details = Details {
        name: form.name.clone(),
        address: form.address.clone(),
        billing_address: form.billing_address.clone(),
    };
    let origin = origin(&client, Some(&session));
    match organisations::update(&state.app, &session.account.id, &id, details, &origin).await {
        Ok(()) => Ok(Redirect::to(&format!("/organisation/{id}?done=details")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let mut template = page_for(&state, page, &session, &id).await?;
            template.details = FormState::new()
                .with_value("name", &form.name)
                .with_value("address", &form.address)
                .with_value("billing_address", &form.billing_address)
                .with_problems(&template.page, problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    alias: String,
}

pub async fn create_healthspace(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    OrganisationPath(id): OrganisationPath,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let origin = origin(&client, Some(&session));
    let result = healthspaces::create(
        &state.app,
        &session.account.id,
        &id,
        &form.name,
        &form.alias,
        &origin,
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/organisation/{id}?done=created")).into_response()),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let mut template = page_for(&state, page, &session, &id).await?;
            template.create = FormState::new()
                .with_value("hs_name", &form.name)
                .with_value("alias", &form.alias)
                .with_problems(&template.page, problems);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
        }
    }
}

pub async fn activate(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    change_state(
        &state,
        &client,
        &session,
        &id,
        HealthspaceState::Active,
        "activated",
    )
    .await
}

async fn change_state(
    state: &WebState,
    client: &carespace_app::sessions::ClientInfo,
    session: &CurrentSession,
    id: &str,
    to: HealthspaceState,
    done: &str,
) -> Result<Response, WebError> {
    let origin = origin(client, Some(session));
    let healthspace =
        healthspaces::set_state(&state.app, &session.account.id, id, to, &origin).await?;
    Ok(Redirect::to(&format!(
        "/organisation/{}?done={done}",
        healthspace.organisation_id
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "deactivate.html")]
struct DeactivateTemplate {
    page: Page,
    healthspace: Healthspace,
    memberships: i64,
}

/// Before deactivating: what it does and does not do.
pub async fn deactivate_confirm(
    State(state): State<WebState>,
    page: Page,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let (healthspace, memberships) =
        healthspaces::with_existing_memberships(&state.app, &session.account.id, &id).await?;
    render(&DeactivateTemplate {
        page,
        healthspace,
        memberships,
    })
}

#[derive(Deserialize)]
pub struct DeactivateForm {
    /// Present when the owner chose to cancel every membership first.
    #[serde(default)]
    cancel_memberships: Option<String>,
}

pub async fn deactivate(
    State(state): State<WebState>,
    Client(client): Client,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<DeactivateForm>,
) -> Result<Response, WebError> {
    if form.cancel_memberships.is_some() {
        let origin = origin(&client, Some(&session));
        let account = &session.account.id;
        let healthspace =
            healthspaces::deactivate_cancelling_memberships(&state.app, account, &id, &origin)
                .await?;
        let to = format!(
            "/organisation/{}?done=deactivated-cancelled",
            healthspace.organisation_id
        );
        return Ok(Redirect::to(&to).into_response());
    }
    change_state(
        &state,
        &client,
        &session,
        &id,
        HealthspaceState::Inactive,
        "deactivated",
    )
    .await
}
