//! "Who viewed my record" over the API: every access to the client's data by someone else,
//! by period, newest first. Reading it is in the audit log too.

use crate::actor;
use crate::api::input::{QueryParams, is_log_cursor};
use crate::api::{InputProblem, error_response, invalid_input};
use crate::auth::ApiUser;
use crate::client::Client;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::record::access_log::{self, Access, Query};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct AccessQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

#[derive(Serialize)]
pub struct LineBody {
    at: i64,
    who: Option<String>,
    /// In which capacity (`staff`, `admin`, …).
    role: Option<&'static str>,
    on_behalf_of: Option<String>,
    healthspace: Option<String>,
    organisation: Option<String>,
    /// What was done (`client_viewed`, `record_item_opened`, `access_refused`, …).
    action: String,
    refused: bool,
}

impl From<Access> for LineBody {
    fn from(line: Access) -> Self {
        LineBody {
            at: line.at.millis(),
            who: line.who,
            role: line.role.map(|role| role.code()),
            on_behalf_of: line.on_behalf_of,
            healthspace: line.healthspace,
            organisation: line.organisation,
            action: line
                .action
                .map_or_else(|code| code, |action| action.code().to_owned()),
            refused: line.refused,
        }
    }
}

#[derive(Serialize)]
pub struct LogBody {
    lines: Vec<LineBody>,
    /// Pass as `before` for the next (older) page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// `GET /api/v1/record/access-log`: the dates are checked by the use case, the cursor here
/// (the use case would take anything else as the first page).
pub async fn page(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    ApiUser(auth): ApiUser,
    QueryParams(query): QueryParams<AccessQuery>,
) -> Response {
    if !query.before.is_empty() && !is_log_cursor(&query.before) {
        return invalid_input(&page, vec![InputProblem::new("before", "cursor_invalid")]);
    }
    let actor = actor::of(&auth, &client);
    let typed = Query {
        from: &query.from,
        to: &query.to,
        before: &query.before,
    };
    match access_log::page(&state.app, &actor, typed).await {
        Ok(log) => Json(LogBody {
            lines: log.lines.into_iter().map(LineBody::from).collect(),
            next: log.next,
        })
        .into_response(),
        Err(error) => error_response(&page, error),
    }
}
