//! "Who viewed my record": the accesses by others to the client's data, by period.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use carespace_app::record::access_log::{self, Access, AccessPage};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AccessQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogTemplate {
    page: Page,
    query: AccessQuery,
    form: FormState,
    log: AccessPage,
}

impl AccessLogTemplate {
    fn what(&self, line: &Access) -> String {
        match &line.action {
            Ok(action) => self
                .page
                .t(&format!("audit-action-{}", action.code().replace('_', "-"))),
            Err(code) => code.clone(),
        }
    }

    fn role(&self, line: &Access) -> String {
        line.role.map_or_else(String::new, |role| {
            self.page
                .t(&format!("audit-role-{}", role.code().replace('_', "-")))
        })
    }

    fn next_link(&self, before: &str) -> String {
        let query = [
            ("from", self.query.from.as_str()),
            ("to", self.query.to.as_str()),
            ("before", before),
        ];
        format!(
            "/record/access-log?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Query(query): Query<AccessQuery>,
) -> Result<Response, WebError> {
    let actor = actor::of_session(&session, &client);
    let typed = access_log::Query {
        from: &query.from,
        to: &query.to,
        before: &query.before,
    };
    let form = FormState::new()
        .with_value("from", &query.from)
        .with_value("to", &query.to);
    match access_log::page(&state.app, &actor, typed).await {
        Ok(log) => {
            let template = AccessLogTemplate {
                page,
                query,
                form,
                log,
            };
            Ok(render(&template)?.into_response())
        }
        Err(error) => {
            let Some(found) = problems(&error) else {
                return Err(error.into());
            };
            let form = form.with_problems(&page, found);
            let log = AccessPage {
                lines: Vec::new(),
                next: None,
            };
            let template = AccessLogTemplate {
                page,
                query,
                form,
                log,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&template)?).into_response())
        }
    }
}
