//! A Healthspace's own login page, `/h/<alias>`: its name and address; an old alias leads to
//! the new one; an inactive Healthspace is "not available" to everyone but its owners.

use crate::auth::Auth;
use crate::errors::WebError;
use crate::page::{Page, render};
use crate::routes::message::message;
use crate::state::WebState;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use carespace_app::healthspaces::{self, Healthspace, PublicPage};
use http::StatusCode;

#[derive(Template)]
#[template(path = "healthspace_login.html")]
struct LoginPageTemplate {
    page: Page,
    healthspace: Healthspace,
}

pub async fn login_page(
    State(state): State<WebState>,
    page: Page,
    auth: Option<Extension<Auth>>,
    Path(alias): Path<String>,
) -> Result<Response, WebError> {
    let viewer = auth
        .as_ref()
        .map(|Extension(auth)| auth.account().id.clone());
    match healthspaces::public_page(&state.app, &alias, viewer.as_deref()).await? {
        PublicPage::MovedTo(alias) => {
            Ok(Redirect::permanent(&format!("/h/{alias}")).into_response())
        }
        PublicPage::Open(healthspace) => {
            Ok(render(&LoginPageTemplate { page, healthspace })?.into_response())
        }
        PublicPage::Unavailable => {
            let html = message(
                &page,
                "healthspace-unavailable-title",
                "healthspace-unavailable-text",
                Some(("/", "back-to-start")),
            )?;
            Ok((StatusCode::NOT_FOUND, html).into_response())
        }
    }
}
