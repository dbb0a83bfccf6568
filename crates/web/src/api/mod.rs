//! The JSON API under `/api/v1`: the same use cases as the pages, for the site's own scripts
//! (session cookie plus CSRF header) and for programs (personal access tokens). Every endpoint is
//! listed once, in [`endpoints`]; the router is built from that list, and a test holds the
//! published OpenAPI document to it.

mod accounts;
mod healthspaces;
mod memberships;
mod sessions;
mod tokens;

use crate::errors::WebError;
use crate::state::WebState;
use axum::Json;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post};
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
        ("post", "/api/v1/session", post(sessions::login)),
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
            "post",
            "/api/v1/healthspaces/{alias}/invitations",
            post(healthspaces::invite),
        ),
        (
            "post",
            "/api/v1/healthspaces/{alias}/connections",
            post(healthspaces::connect),
        ),
        (
            "get",
            "/api/v1/healthspaces/{alias}/audit",
            get(healthspaces::audit),
        ),
    ]
}

async fn openapi() -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct ProblemBody {
    field: &'static str,
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

/// An error as JSON: bad input lists each field's problem (in the user's language); anything
/// else becomes the site's usual error answer.
pub fn error_response(page: &crate::page::Page, error: AppError) -> Response {
    match error {
        AppError::Invalid(problems) => {
            let body = InvalidBody {
                error: InvalidError {
                    code: "invalid_input",
                    message: page.t("form-error-summary"),
                    problems: problems
                        .iter()
                        .map(|p| ProblemBody {
                            field: p.field,
                            code: p.code,
                            message: page.problem(p.code),
                        })
                        .collect(),
                },
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        other => WebError::from(other).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_describes_exactly_the_endpoints() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let mut documented = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push(format!("{method} {path}"));
            }
        }
        let mut served: Vec<String> = endpoints()
            .into_iter()
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        documented.sort();
        served.sort();
        assert_eq!(documented, served);
    }
}
