//! The JSON API under `/api/v1`: the same use cases as the pages, for the site's own scripts
//! (session cookie plus CSRF header) and for programs (personal access tokens). Every endpoint is
//! listed once, in [`endpoints`]; the router is built from that list.
//!
//! The published OpenAPI document (`openapi.json`) is written by hand and held to the code
//! twice: the tests below check that it lists every endpoint and, for each, every status the
//! layers in front of the handlers send (401/403 for authentication and CSRF, 413/422 for a
//! body, 404 for a path id, 429 where requests are counted, 5XX); `scripts/api-contract` runs
//! schemathesis against a real server and fails on any status, body or header the document
//! does not describe. Bodies and query strings are read by [`input`], so that whatever cannot
//! be read is answered as the document says: 422 `invalid_input` with `problems`.

mod accounts;
mod connections;
mod healthspaces;
mod input;
mod invitations;
mod memberships;
mod messages;
mod passkeys;
mod record;
mod sessions;
mod tokens;

use crate::errors::WebError;
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use carespace_app::AppError;
use http::StatusCode;
use serde::Serialize;

pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every API endpoint: method, path (as in the OpenAPI document) and handler.
pub fn endpoints() -> Vec<(&'static str, &'static str, MethodRouter<WebState>)> {
    vec![
        ("get", "/api/v1/openapi.json", get(openapi)),
        ("post", "/api/v1/accounts", post(accounts::register)),
        (
            "post",
            "/api/v1/password-reset",
            post(accounts::request_reset),
        ),
        ("get", "/api/v1/me", get(accounts::me)),
        ("patch", "/api/v1/me", patch(accounts::update_me)),
        (
            "post",
            "/api/v1/me/birth-date",
            post(accounts::correct_birth_date),
        ),
        ("post", "/api/v1/session", post(sessions::login)),
        (
            "post",
            "/api/v1/session/second-step",
            post(sessions::second_step),
        ),
        (
            "post",
            "/api/v1/session/second-step/sms",
            post(sessions::second_step_sms),
        ),
        (
            "post",
            "/api/v1/session/second-step/passkey/options",
            post(passkeys::second_step_options),
        ),
        (
            "post",
            "/api/v1/session/second-step/passkey",
            post(passkeys::second_step),
        ),
        (
            "post",
            "/api/v1/session/passkey/options",
            post(passkeys::options),
        ),
        ("post", "/api/v1/session/passkey", post(passkeys::log_in)),
        ("get", "/api/v1/me/passkeys", get(passkeys::list)),
        ("delete", "/api/v1/session", delete(sessions::logout)),
        ("get", "/api/v1/sessions", get(sessions::list)),
        ("delete", "/api/v1/sessions/{id}", delete(sessions::end)),
        ("get", "/api/v1/tokens", get(tokens::list)),
        ("post", "/api/v1/tokens", post(tokens::create)),
        ("delete", "/api/v1/tokens/{id}", delete(tokens::revoke)),
        ("get", "/api/v1/memberships", get(memberships::mine)),
        (
            "delete",
            "/api/v1/memberships/{id}",
            delete(memberships::cancel),
        ),
        ("get", "/api/v1/connections", get(memberships::connections)),
        (
            "get",
            "/api/v1/healthspaces/{alias}/seats",
            get(memberships::seats),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/members",
            get(healthspaces::members),
        ),
        (
            "patch",
            "/api/v1/healthspaces/{alias}/members/{id}",
            patch(healthspaces::change_role),
        ),
        (
            "post",
            "/api/v1/healthspaces/{alias}/invitations",
            post(healthspaces::invite),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/invitations",
            get(invitations::list),
        ),
        (
            "delete",
            "/api/v1/healthspaces/{alias}/invitations/{id}",
            delete(invitations::revoke),
        ),
        (
            "post",
            "/api/v1/healthspaces/{alias}/invitations/{id}/resend",
            post(invitations::resend),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/connections",
            get(connections::list),
        ),
        (
            "post",
            "/api/v1/healthspaces/{alias}/connections",
            post(healthspaces::connect),
        ),
        (
            "delete",
            "/api/v1/healthspaces/{alias}/connections/{id}",
            delete(connections::end),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/audit",
            get(healthspaces::audit),
        ),
        // The record: the client's own, and what connected staff read of it.
        ("get", "/api/v1/record", get(record::page)),
        ("post", "/api/v1/record/links", post(record::add_link)),
        (
            "post",
            "/api/v1/record/documents",
            post(record::files::upload),
        ),
        ("get", "/api/v1/record/items/{id}", get(record::items::show)),
        (
            "patch",
            "/api/v1/record/items/{id}",
            patch(record::items::change),
        ),
        (
            "delete",
            "/api/v1/record/items/{id}",
            delete(record::items::delete),
        ),
        (
            "put",
            "/api/v1/record/items/{id}/shares/{healthspace_id}",
            put(record::items::share),
        ),
        (
            "delete",
            "/api/v1/record/items/{id}/shares/{healthspace_id}",
            delete(record::items::unshare),
        ),
        (
            "get",
            "/api/v1/record/items/{id}/file",
            get(record::files::download),
        ),
        (
            "get",
            "/api/v1/record/access-log",
            get(record::access_log::page),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/clients/{id}/record",
            get(record::staff::shared_record),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/clients/{id}/items/{item}/file",
            get(record::files::shared_download),
        ),
        // Messages: the inbox, and the conversations one is in.
        ("get", "/api/v1/conversations", get(messages::inbox)),
        ("post", "/api/v1/conversations", post(messages::start)),
        (
            "get",
            "/api/v1/conversations/{id}",
            get(messages::conversation::show),
        ),
        (
            "post",
            "/api/v1/conversations/{id}/read",
            post(messages::conversation::mark_read),
        ),
        (
            "post",
            "/api/v1/conversations/{id}/messages",
            post(messages::conversation::send),
        ),
        (
            "delete",
            "/api/v1/conversations/{id}/messages/{message}",
            delete(messages::conversation::remove),
        ),
        (
            "get",
            "/api/v1/conversations/{id}/messages/{message}/files/{position}",
            get(messages::conversation::attachment),
        ),
    ]
}

async fn openapi() -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// One field's problem in an `invalid_input` answer; `code` is the stem of its translation key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    field: String,
    code: &'static str,
}

impl InputProblem {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        InputProblem {
            field: field.into(),
            code,
        }
    }
}

#[derive(Serialize)]
struct ProblemBody {
    field: String,
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct InvalidError {
    code: &'static str,
    message: String,
    problems: Vec<ProblemBody>,
}

/// The same envelope as every other API error, with the problems added.
#[derive(Serialize)]
struct InvalidBody {
    error: InvalidError,
}

/// 422 `invalid_input`: each field's problem, in the user's language.
pub fn invalid_input(page: &Page, problems: Vec<InputProblem>) -> Response {
    let body = InvalidBody {
        error: InvalidError {
            code: "invalid_input",
            message: page.t("form-error-summary"),
            problems: problems
                .into_iter()
                .map(|p| ProblemBody {
                    message: page.problem(p.code),
                    field: p.field,
                    code: p.code,
                })
                .collect(),
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// An error as JSON: bad input lists each field's problem (in the user's language); anything
/// else becomes the site's usual error answer.
pub fn error_response(page: &Page, error: AppError) -> Response {
    match error {
        AppError::Invalid(problems) => invalid_input(
            page,
            problems
                .iter()
                .map(|p| InputProblem::new(p.field, p.code))
                .collect(),
        ),
        other => WebError::from(other).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Operations anyone may call: no `ApiUser` in their handlers.
    const PUBLIC: [&str; 10] = [
        "get /api/v1/openapi.json",
        "post /api/v1/accounts",
        "post /api/v1/password-reset",
        "post /api/v1/session",
        "post /api/v1/session/second-step",
        "post /api/v1/session/second-step/sms",
        "post /api/v1/session/second-step/passkey/options",
        "post /api/v1/session/second-step/passkey",
        "post /api/v1/session/passkey/options",
        "post /api/v1/session/passkey",
    ];
    /// Operations whose use case counts requests and refuses with 429.
    const LIMITED: [&str; 7] = [
        "post /api/v1/accounts",
        "post /api/v1/password-reset",
        "post /api/v1/session",
        "post /api/v1/session/second-step",
        "post /api/v1/session/second-step/sms",
        "post /api/v1/session/second-step/passkey",
        "post /api/v1/session/passkey",
    ];

    fn document() -> Value {
        serde_json::from_str(OPENAPI).unwrap()
    }

    fn operations(doc: &Value) -> Vec<(String, &Value)> {
        let mut found = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                found.push((format!("{method} {path}"), operation));
            }
        }
        found
    }

    #[test]
    fn the_openapi_document_describes_exactly_the_endpoints() {
        let doc = document();
        let mut documented: Vec<String> = operations(&doc).into_iter().map(|(o, _)| o).collect();
        let mut served: Vec<String> = endpoints()
            .into_iter()
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        // The live stream is a page route that programs use too, so it is documented here.
        served.extend(
            crate::routes::STREAMS
                .iter()
                .map(|path| format!("get {path}")),
        );
        documented.sort();
        served.sort();
        assert_eq!(documented, served);
    }

    /// The statuses every handler shares, from the layers in front of it: the ones an
    /// operation's own use case adds are held to the document by the contract test
    /// (`scripts/api-contract`), which fails on any status the document does not list.
    fn statuses_in_front(operation: &str, has_body: bool) -> Vec<&'static str> {
        let (method, path) = operation.split_once(' ').unwrap();
        // The request timeout (408; a stream has none) and a full hashing or decoding queue
        // (503, in 5XX).
        let mut statuses = vec!["5XX"];
        if !crate::routes::STREAMS.contains(&path) {
            statuses.push("408");
        }
        if !PUBLIC.contains(&operation) {
            // No (valid) session or token; an unverified address, or a token where a session
            // is needed.
            statuses.extend(["401", "403"]);
        }
        if method != "get" {
            statuses.push("403"); // CSRF
        }
        if has_body {
            statuses.extend(["413", "422"]); // too large; not a JSON object of the right shape
        }
        if path.contains('{') {
            statuses.push("404"); // an id or alias that names nothing (of the caller's)
        }
        if LIMITED.contains(&operation) {
            statuses.push("429");
        }
        statuses
    }

    #[test]
    fn every_operation_lists_every_status_the_layers_in_front_of_it_send() {
        let doc = document();
        for (operation, spec) in operations(&doc) {
            let responses = spec["responses"].as_object().unwrap();
            let has_body = spec.get("requestBody").is_some();
            for status in statuses_in_front(&operation, has_body) {
                assert!(
                    responses.contains_key(status),
                    "{operation} does not list {status}"
                );
            }
            let public = spec.get("security") == Some(&serde_json::json!([]));
            assert_eq!(
                public,
                PUBLIC.contains(&operation.as_str()),
                "{operation}: security"
            );
            if has_body {
                let types: Vec<&String> = spec["requestBody"]["content"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect();
                let path = operation.split_once(' ').unwrap().1;
                let expected = if crate::routes::uploads_at(path) > 0 {
                    "multipart/form-data"
                } else {
                    "application/json"
                };
                assert_eq!(types, [expected], "{operation}");
            }
        }
    }

    #[test]
    fn every_reference_in_the_document_resolves() {
        fn walk(value: &Value, doc: &Value) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("$ref") {
                        let pointer = target.trim_start_matches('#');
                        assert!(doc.pointer(pointer).is_some(), "{target}");
                    }
                    map.values().for_each(|v| walk(v, doc));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, doc)),
                _ => {}
            }
        }
        let doc = document();
        walk(&doc, &doc);
    }
}
