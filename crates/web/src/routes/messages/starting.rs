//! Starting a conversation: choose the people (per Healthspace: those one may write to) and
//! write the first message.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use carespace_app::access::Actor;
use carespace_app::messages::starting::{self, Candidates, NewConversationInput};
use http::StatusCode;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "conversation_new.html")]
struct NewTemplate {
    page: Page,
    groups: Vec<Candidates>,
    form: FormState,
    /// The Healthspace and people chosen (kept when the form comes back with a problem).
    chosen_alias: String,
    chosen: Vec<String>,
}

impl NewTemplate {
    fn is_chosen(&self, alias: &str, account: &str) -> bool {
        self.chosen_alias == alias && self.chosen.iter().any(|c| c == account)
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// Someone to write to, chosen already (from a client's page, say), as `alias:account`.
    #[serde(default)]
    to: String,
}

async fn render_new(
    state: &WebState,
    page: Page,
    actor: &Actor,
    form: FormState,
    (chosen_alias, chosen): (String, Vec<String>),
) -> Result<String, WebError> {
    let groups = starting::candidates(&state.app, actor).await?;
    let template = NewTemplate {
        page,
        groups,
        form,
        chosen_alias,
        chosen,
    };
    Ok(render(&template)?.0)
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let chosen = match query.to.split_once(':') {
        Some((alias, account)) => (alias.to_owned(), vec![account.to_owned()]),
        None => (String::new(), Vec::new()),
    };
    let html = render_new(&state, page, &actor, FormState::new(), chosen).await?;
    Ok(Html(html).into_response())
}

/// The form as sent: `to` repeats, one `alias:account` per person chosen.
fn read_form(body: &str) -> (String, Vec<String>, String) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let mut alias = String::new();
    let mut with = Vec::new();
    let mut text = String::new();
    for (name, value) in pairs {
        match name.as_str() {
            "to" => {
                if let Some((a, account)) = value.split_once(':') {
                    // People of one Healthspace only: the first one chosen decides which.
                    if alias.is_empty() {
                        alias = a.to_owned();
                    }
                    if a == alias {
                        with.push(account.to_owned());
                    }
                }
            }
            "text" => text = value,
            _ => {}
        }
    }
    (alias, with, text)
}

pub async fn submit(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    body: String,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let (alias, with, text) = read_form(&body);
    let input = NewConversationInput {
        alias: &alias,
        with: with.iter().map(String::as_str).collect(),
        text: &text,
    };
    let error = match starting::start(&state.app, &actor, input).await {
        Ok(sent) => {
            let to = format!("/messages/{}", sent.conversation_id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(error) => error,
    };
    let Some(found) = problems(&error) else {
        return Err(error.into());
    };
    let form = FormState::new()
        .with_value("text", &text)
        .with_problems(&page, found);
    let html = render_new(&state, page, &actor, form, (alias, with)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}
