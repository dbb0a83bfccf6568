//! Reading an API request's JSON body and query string. Whatever cannot be read is bad input
//! and answers like any other: 422 `invalid_input`, one problem per field (the field `body`
//! when the body as a whole is not JSON), never the framework's own plain-text rejection.

use super::{InputProblem, invalid_input};
use crate::errors::WebError;
use crate::page::Page;
use crate::state::WebState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
use carespace_core::healthspaces::Alias;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON request body, sent as `application/json` (or a `+json` type).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<WebState> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let page = Page::from_parts(&parts, state);
        if !is_json(&parts) {
            return Err(invalid_input(
                &page,
                vec![InputProblem::new("body", "body_not_json")],
            ));
        }
        // Only the body-size limit makes reading fail.
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::PayloadTooLarge.into_response())?;
        let value = parse(&bytes).map_err(|problem| invalid_input(&page, vec![problem]))?;
        Ok(JsonBody(value))
    }
}

/// Reads the body as a JSON object (serde would also take an array for a struct) into `T`.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| InputProblem::new("body", "body_malformed"))?;
    if !value.is_object() {
        return Err(InputProblem::new("body", "body_not_object"));
    }
    serde_path_to_error::deserialize(value).map_err(|error| field_problem(&error))
}

/// A query string's parameters; every field of `T` should have a default. A parameter given
/// with no value (`?before=`) is bad input, as the document describes every value's form:
/// leave a parameter out to leave it unset.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<WebState> for QueryParams<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let query = parts.uri.query().unwrap_or_default();
        let empty: Vec<InputProblem> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, value)| value.is_empty())
            .map(|(name, _)| InputProblem::new(name, "value_empty"))
            .collect();
        if !empty.is_empty() {
            let page = Page::from_parts(parts, state);
            return Err(invalid_input(&page, empty));
        }
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|_| {
                let page = Page::from_parts(parts, state);
                invalid_input(&page, vec![InputProblem::new("query", "query_invalid")])
            })
    }
}

/// The `{alias}` of a Healthspace path. One that no Healthspace could have names nothing: 404.
pub struct AliasPath(pub String);

impl FromRequestParts<WebState> for AliasPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path(alias) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        Alias::parse(&alias)
            .map(|alias| AliasPath(alias.as_str().to_owned()))
            .map_err(|_| WebError::NotFound)
    }
}

/// The `{id}` of a path: a UUID, as every id is. Anything else names nothing: 404.
pub struct IdPath(pub String);

impl FromRequestParts<WebState> for IdPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        if is_id(&id) {
            Ok(IdPath(id))
        } else {
            Err(WebError::NotFound)
        }
    }
}

/// `{alias}` and `{id}` of a path inside a Healthspace: anything that is not an alias or a UUID
/// names nothing: 404.
pub struct AliasIdPath(pub String, pub String);

impl FromRequestParts<WebState> for AliasIdPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path((alias, id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        let alias = Alias::parse(&alias).map_err(|_| WebError::NotFound)?;
        if is_id(&id) {
            Ok(AliasIdPath(alias.as_str().to_owned(), id))
        } else {
            Err(WebError::NotFound)
        }
    }
}

/// Two ids of a path (`{id}` and `{healthspace_id}` of one's own item in a Healthspace, `{id}`
/// and `{message}` of a message in a conversation): anything that is not a UUID names nothing:
/// 404.
pub struct IdPairPath(pub String, pub String);

impl FromRequestParts<WebState> for IdPairPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path((first, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        if is_id(&first) && is_id(&second) {
            Ok(IdPairPath(first, second))
        } else {
            Err(WebError::NotFound)
        }
    }
}

/// `{alias}`, `{id}` and `{item}` of a path to a client's item in a Healthspace: anything that
/// is not an alias or a UUID names nothing: 404.
pub struct AliasIdItemPath(pub String, pub String, pub String);

impl FromRequestParts<WebState> for AliasIdItemPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path((alias, id, item)) =
            Path::<(String, String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| WebError::NotFound)?;
        let alias = Alias::parse(&alias).map_err(|_| WebError::NotFound)?;
        if is_id(&id) && is_id(&item) {
            Ok(AliasIdItemPath(alias.as_str().to_owned(), id, item))
        } else {
            Err(WebError::NotFound)
        }
    }
}

/// `{id}`, `{message}` and `{position}` of a path to a message's attachment: two UUIDs and a
/// number; anything else names nothing: 404.
pub struct AttachmentPath(pub String, pub String, pub i64);

impl FromRequestParts<WebState> for AttachmentPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Path((id, message, position)) =
            Path::<(String, String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| WebError::NotFound)?;
        let position = Some(position.as_str())
            .filter(|text| is_number(text))
            .and_then(|text| text.parse().ok())
            .ok_or(WebError::NotFound)?;
        if is_id(&id) && is_id(&message) {
            Ok(AttachmentPath(id, message, position))
        } else {
            Err(WebError::NotFound)
        }
    }
}

/// A page cursor `millis:id` (a time and a UUID), as the previous page's `next` gives it.
pub fn is_time_id_cursor(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(at, id)| is_number(at) && is_id(id))
}

/// A page cursor `millis:seq` of the audit log, as the previous page's `next` gives it.
pub fn is_log_cursor(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(at, seq)| is_number(at) && is_number(seq))
}

/// Up to 19 decimal digits: an `i64` that is not negative, give or take its top values.
fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit())
}

/// A UUID as ids are written: 8-4-4-4-12 hexadecimal digits.
pub fn is_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_json(parts: &Parts) -> bool {
    let Some(value) = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Which field is wrong and how: a missing field names itself, a value of the wrong type or
/// outside its choices names its path.
fn field_problem(error: &serde_path_to_error::Error<serde_json::Error>) -> InputProblem {
    if let Some(field) = missing_field(&error.inner().to_string()) {
        return InputProblem::new(field, "required");
    }
    let path = error.path().to_string();
    if path == "." {
        InputProblem::new("body", "value_invalid")
    } else {
        InputProblem::new(path, "value_invalid")
    }
}

/// serde reports a missing field as "missing field `name`".
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split_once('`').map(|(field, _)| field.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        days: u32,
    }

    fn problem(json: &str) -> InputProblem {
        parse::<Sample>(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn ids_are_uuids() {
        assert!(is_id("0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9d"));
        assert!(!is_id("0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9"));
        assert!(!is_id("0190f5a2_7c3e-7b1a-9c4d-2e5f6a7b8c9d"));
        assert!(!is_id("0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9d-"));
    }

    #[test]
    fn cursors_are_a_time_and_an_id_or_a_sequence_number() {
        assert!(is_time_id_cursor(
            "1700000000000:0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9d"
        ));
        assert!(!is_time_id_cursor(
            "yesterday:0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9d"
        ));
        assert!(!is_time_id_cursor("1700000000000"));
        assert!(is_log_cursor("1700000000000:42"));
        assert!(!is_log_cursor("1700000000000:-1"));
        assert!(!is_log_cursor(&format!("{}:1", "9".repeat(20))));
    }

    #[test]
    fn each_way_a_body_can_be_wrong_names_its_field() {
        assert_eq!(
            problem(r#"{"name": "a", "days": "ten"}"#),
            InputProblem::new("days", "value_invalid")
        );
        assert_eq!(
            problem(r#"{"days": 3}"#),
            InputProblem::new("name", "required")
        );
        assert_eq!(
            problem(r#"{"name": "#),
            InputProblem::new("body", "body_malformed")
        );
        assert_eq!(
            problem(r#"["a", 3]"#),
            InputProblem::new("body", "body_not_object")
        );
    }
}
