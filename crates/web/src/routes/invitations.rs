//! Accepting an invitation into a Healthspace: log in or register first, then confirm (with
//! the date of birth when the admin gave one).

use crate::actor;
use crate::auth::Auth;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::routes::register::link_invalid;
use crate::state::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use carespace_app::AppError;
use carespace_app::memberships::invitations::{self, InvitationView};
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationTemplate {
    page: Page,
    invitation: InvitationView,
    token: String,
    /// Where to come back to after logging in or registering.
    here: String,
    form: FormState,
}

impl InvitationTemplate {
    fn role_label(&self) -> String {
        self.page
            .t(&format!("role-{}", self.invitation.role.code()))
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn here(token: &str) -> String {
    serde_urlencoded::to_string([("next", format!("/invitations/accept?token={token}"))])
        .unwrap_or_default()
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Result<Response, WebError> {
    match invitations::view(&state.app, &query.token).await {
        Ok(invitation) => Ok(render(&InvitationTemplate {
            page,
            invitation,
            here: here(&query.token),
            token: query.token,
            form: FormState::new(),
        })?
        .into_response()),
        Err(AppError::LinkInvalid) => link_invalid(&page),
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    birth_date: String,
}

pub async fn accept(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    auth: Option<Extension<Auth>>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, WebError> {
    let Some(Extension(Auth::Session(session))) = auth else {
        return Ok(Redirect::to(&format!("/login?{}", here(&form.token))).into_response());
    };
    if !session.account.verified {
        return Ok(Redirect::to("/verify-pending").into_response());
    }
    let actor = actor::of_session(&session, &client);
    match invitations::accept(&state.app, &actor, &form.token, &form.birth_date).await {
        Ok(alias) => Ok(Redirect::to(&format!("/h/{alias}")).into_response()),
        Err(AppError::LinkInvalid) => link_invalid(&page),
        Err(error) => {
            let Some(problems) = problems(&error) else {
                return Err(error.into());
            };
            let invitation = invitations::view(&state.app, &form.token).await?;
            let form_state = FormState::new()
                .with_value("birth_date", &form.birth_date)
                .with_problems(&page, problems);
            let html = render(&InvitationTemplate {
                page,
                invitation,
                here: here(&form.token),
                token: form.token,
                form: form_state,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
