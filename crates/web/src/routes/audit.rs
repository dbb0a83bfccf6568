//! A Healthspace's audit log for its admins and the owners: who did what, about which
//! client, when and from where; filtered by person, client and period.

use crate::actor;
use crate::auth::SignedIn;
use crate::client::Client;
use crate::errors::WebError;
use crate::forms::{FormState, problems};
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use carespace_app::audit::viewer::{self, LogPage, LogQuery};
use carespace_core::audit::{ActorRole, AuditAction, LogLine, Outcome};
use http::StatusCode;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditTemplate {
    page: Page,
    alias: String,
    log: LogPage,
    filter: FormState,
    query: LogQuery,
}

impl AuditTemplate {
    fn action_label(&self, entry: &LogLine) -> String {
        // An entry written by another version may carry a code this one does not know.
        match AuditAction::parse(&entry.action) {
            Some(action) => self
                .page
                .t(&format!("audit-action-{}", action.code().replace('_', "-"))),
            None => entry.action.clone(),
        }
    }

    fn role_label(&self, entry: &LogLine) -> String {
        let code = entry.actor_role.as_deref().unwrap_or("system");
        match ActorRole::parse(code) {
            Some(role) => self.page.t(&format!("audit-role-{}", role.code())),
            None => code.to_owned(),
        }
    }

    fn denied(&self, entry: &LogLine) -> bool {
        entry.outcome == Outcome::Denied
    }

    fn next_link(&self, before: &str) -> String {
        let q = &self.query;
        let query = [
            ("person", q.person.as_str()),
            ("client", &q.client),
            ("from", &q.from),
            ("to", &q.to),
            ("before", before),
        ];
        format!(
            "/h/{}/audit?{}",
            self.alias,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

pub async fn show(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    SignedIn(session): SignedIn,
    Path(alias): Path<String>,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    let filter = FormState::new()
        .with_value("person", &query.person)
        .with_value("client", &query.client)
        .with_value("from", &query.from)
        .with_value("to", &query.to);
    let actor = actor::of_session(&session, &client);
    let (status, log, filter) =
        match viewer::healthspace_log(&state.app, &actor, &alias, &query).await {
            Ok(log) => (StatusCode::OK, log, filter),
            Err(error) => {
                let Some(problems) = problems(&error) else {
                    return Err(error.into());
                };
                let unfiltered = LogQuery::default();
                let log = viewer::healthspace_log(&state.app, &actor, &alias, &unfiltered).await?;
                let filter = filter.with_problems(&page, problems);
                (StatusCode::UNPROCESSABLE_ENTITY, log, filter)
            }
        };
    let template = AuditTemplate {
        page,
        alias,
        log,
        filter,
        query,
    };
    Ok((status, render(&template)?).into_response())
}
