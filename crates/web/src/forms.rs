//! What a form shows again after bad input: the values typed (never passwords) and each
//! field's problem in the user's language, plus a summary at the top that links to the fields.

use crate::errors::WebError;
use crate::page::Page;
use axum::extract::Multipart;
use carespace_app::AppError;
use carespace_core::accounts::FieldProblem;

#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: Vec<(&'static str, String)>,
    errors: Vec<(&'static str, String)>,
    /// A problem that belongs to no single field (e.g. "email or password is wrong").
    pub general: Option<String>,
    /// Set for one of several forms on a page: its fields' ids start with it, so that no two
    /// fields share an id (and each label names its own field).
    id_prefix: Option<&'static str>,
}

impl FormState {
    pub fn new() -> Self {
        Self::default()
    }

    /// One of several forms on a page, whose fields' ids start with `prefix-`.
    pub fn in_part(prefix: &'static str) -> Self {
        FormState {
            id_prefix: Some(prefix),
            ..Self::default()
        }
    }

    /// The id of the field `name` on the page.
    pub fn id(&self, name: &str) -> String {
        match self.id_prefix {
            Some(prefix) => format!("{prefix}-{name}"),
            None => name.to_owned(),
        }
    }

    /// Keeps a typed value to show again.
    pub fn with_value(mut self, field: &'static str, value: &str) -> Self {
        self.values.push((field, value.to_owned()));
        self
    }

    pub fn with_problems(mut self, page: &Page, problems: &[FieldProblem]) -> Self {
        for problem in problems {
            self.errors
                .push((problem.field, page.problem(problem.code)));
        }
        self
    }

    pub fn with_general(mut self, message: String) -> Self {
        self.general = Some(message);
        self
    }

    pub fn value(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(name, _)| *name == field)
            .map_or("", |(_, value)| value.as_str())
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn errors(&self) -> &[(&'static str, String)] {
        &self.errors
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }
}

/// A filter typed into a list's form or query string, trimmed; `None` when left empty.
pub fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// The field problems of an error, when it is about bad input.
pub fn problems(error: &AppError) -> Option<&[FieldProblem]> {
    match error {
        AppError::Invalid(problems) => Some(problems),
        _ => None,
    }
}

/// The bytes of the multipart form's file field `name`; empty when it was not sent.
pub async fn file_field(multipart: &mut Multipart, name: &str) -> Result<Vec<u8>, WebError> {
    let mut upload = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::BadRequest)?
    {
        if field.name() == Some(name) {
            upload = field
                .bytes()
                .await
                .map_err(|_| WebError::PayloadTooLarge)?
                .to_vec();
        }
    }
    Ok(upload)
}

/// A multipart text field, read up to `max` bytes: more than its check allows, so a longer one
/// is refused by that check, and a huge one is never held.
pub async fn multipart_text(mut field: axum::extract::multipart::Field<'_>, max: usize) -> String {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > max {
            break;
        }
    }
    bytes.truncate(max);
    String::from_utf8_lossy(&bytes).into_owned()
}
