//! A Healthspace's own address, `/h/<alias>`: its dashboard for members and owners, its login
//! page (logo, name, address, colours) for everyone else; its stylesheet and logo. An old alias
//! leads to the new one; an inactive Healthspace (and an old alias of one) is a plain "not
//! found" to everyone but its owners.

use crate::actor;
use crate::auth::{Auth, SignedIn, session_of};
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use carespace_app::connections;
use carespace_app::healthspaces::settings;
use carespace_app::healthspaces::{self, Healthspace, HomePage, Inside, PublicPage};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::AccountId;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "healthspace_login.html")]
struct LoginPageTemplate {
    page: Page,
    healthspace: Healthspace,
    form: FormState,
    next: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardTemplate {
    page: Page,
    inside: Inside,
    connect: FormState,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

impl DashboardTemplate {
    fn role_label(&self) -> Option<String> {
        let role = self.inside.role?;
        Some(self.page.t(&format!("role-{}", role.code())))
    }

    fn is_active(&self) -> bool {
        self.inside.healthspace.state == HealthspaceState::Active
    }
}

fn viewer(auth: Option<&Extension<Auth>>) -> Option<AccountId> {
    auth.map(|Extension(auth)| actor::account_of(auth))
}

pub async fn home(
    State(state): State<WebState>,
    page: Page,
    auth: Option<Extension<Auth>>,
    Path(alias): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let viewer = viewer(auth.as_ref());
    let session = auth.as_ref().and_then(|Extension(auth)| session_of(auth));
    let seen = session.and_then(|session| session.seen.as_deref());
    match healthspaces::home(&state.app, &alias, viewer.as_ref(), seen).await? {
        HomePage::MovedTo(alias) => Ok(Redirect::permanent(&format!("/h/{alias}")).into_response()),
        HomePage::Visitor(healthspace) => Ok(render(&LoginPageTemplate {
            page: page.branded(&healthspace),
            next: format!("/h/{}", healthspace.alias),
            healthspace: *healthspace,
            form: FormState::new(),
        })?
        .into_response()),
        HomePage::Inside(inside) => {
            let notice = (query.done == "connected").then(|| page.t("dashboard-connected"));
            let template = dashboard(page, *inside, FormState::new(), notice);
            Ok(render(&template)?.into_response())
        }
    }
}

fn dashboard(
    page: Page,
    inside: Inside,
    connect: FormState,
    notice: Option<String>,
) -> DashboardTemplate {
    DashboardTemplate {
        page: page.branded(&inside.healthspace),
        inside,
        connect,
        notice,
    }
}

/// The Healthspace's colours as CSS custom properties. Versioned by the URL's `v`, so cached
/// for a year; a stylesheet keeps the strict CSP free of inline styles.
pub async fn brand_css(
    State(state): State<WebState>,
    auth: Option<Extension<Auth>>,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let viewer = viewer(auth.as_ref());
    let PublicPage::Open(healthspace) =
        healthspaces::public_page(&state.app, &alias, viewer.as_ref()).await?
    else {
        return Err(WebError::NotFound);
    };
    let brand = &healthspace.settings;
    if brand.brand_primary.is_empty() {
        return Err(WebError::NotFound);
    }
    let css = format!(
        ":root {{ --brand-primary: {}; --brand-primary-text: {}; }}\n",
        brand.brand_primary, brand.brand_primary_text
    );
    Ok((
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "private, max-age=31536000, immutable"),
        ],
        css,
    )
        .into_response())
}

/// The Healthspace's logo, a PNG drawn again at upload.
pub async fn logo(
    State(state): State<WebState>,
    auth: Option<Extension<Auth>>,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let viewer = viewer(auth.as_ref());
    let png = settings::logo(&state.app, &alias, viewer.as_ref())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "private, max-age=31536000, immutable"),
        ],
        png,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ConnectSelfForm {
    #[serde(default)]
    client_email: String,
}

/// A staff member connects themselves to a client (when the Healthspace allows it).
pub async fn connect_self(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Form(form): Form<ConnectSelfForm>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let result = connections::connect_self(&state.app, &actor, &alias, &form.client_email).await;
    let Err(error) = result else {
        return Ok(Redirect::to(&format!("/h/{alias}?done=connected")).into_response());
    };
    let Some(problems) = problems(&error) else {
        return Err(error.into());
    };
    let HomePage::Inside(inside) =
        healthspaces::home(&state.app, &alias, Some(&actor.account), None).await?
    else {
        return Err(WebError::NotFound);
    };
    let connect = FormState::new()
        .with_value("client_email", &form.client_email)
        .with_problems(&page, problems);
    let html = render(&dashboard(page, *inside, connect, None))?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}
