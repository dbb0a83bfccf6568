//! The privacy statement, public: signed in, it also names the care providers responsible for
//! the person's Healthspaces.

use crate::actor;
use crate::auth::{Auth, session_of};
use crate::errors::WebError;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use carespace_app::privacy::{self, PrivacyStatement};

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyTemplate {
    page: Page,
    statement: PrivacyStatement,
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    auth: Option<Extension<Auth>>,
) -> Result<Html<String>, WebError> {
    // Only a browser session reads this page as someone; a token is for the API.
    let viewer = auth
        .as_ref()
        .and_then(|Extension(auth)| session_of(auth))
        .map(actor::account);
    let statement = privacy::statement(&state.app, viewer.as_ref()).await?;
    render(&PrivacyTemplate { page, statement })
}
