//! Errors as the user sees them. Handlers return a [`WebError`]; `error_pages` renders it.

use axum::response::{IntoResponse, Response};
use carespace_app::AppError;
use http::header::RETRY_AFTER;
use http::{HeaderValue, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebError {
    BadRequest,
    /// No (valid) session or API token: log in first.
    Unauthorized,
    /// The user may know the thing exists but may not do this with it.
    Forbidden,
    /// The account must set up two-step verification first.
    SecondFactorRequired,
    /// Also the answer for things that exist but the user may not know about.
    NotFound,
    MethodNotAllowed,
    /// The form's CSRF token was missing or wrong (an expired page, or a forged request).
    CsrfRejected,
    PayloadTooLarge,
    /// The request, its body included, took longer than `web.request_timeout_seconds`.
    TimedOut,
    TooManyRequests,
    Internal,
    Unavailable,
    /// Too much heavy work at once: answered 503 with `Retry-After`, try again in a moment.
    Busy,
}

impl WebError {
    pub fn status(self) -> StatusCode {
        match self {
            WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::CsrfRejected | WebError::SecondFactorRequired => {
                StatusCode::FORBIDDEN
            }
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Unavailable | WebError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The stable code in JSON answers; also the stem of the translation keys.
    pub fn code(self) -> &'static str {
        match self {
            WebError::BadRequest => "bad_request",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden => "forbidden",
            WebError::SecondFactorRequired => "second_factor_required",
            WebError::NotFound => "not_found",
            WebError::MethodNotAllowed => "method_not_allowed",
            WebError::CsrfRejected => "csrf_rejected",
            WebError::PayloadTooLarge => "payload_too_large",
            WebError::TimedOut => "timed_out",
            WebError::TooManyRequests => "too_many_requests",
            WebError::Internal => "internal",
            WebError::Unavailable => "unavailable",
            WebError::Busy => "busy",
        }
    }

    /// Translation keys of the title and the explanation.
    pub fn message_keys(self) -> (&'static str, &'static str) {
        match self {
            WebError::BadRequest => ("error-bad-request-title", "error-bad-request-text"),
            WebError::Unauthorized => ("error-unauthorized-title", "error-unauthorized-text"),
            WebError::Forbidden => ("error-forbidden-title", "error-forbidden-text"),
            WebError::SecondFactorRequired => (
                "error-second-factor-required-title",
                "error-second-factor-required-text",
            ),
            WebError::NotFound => ("error-not-found-title", "error-not-found-text"),
            WebError::MethodNotAllowed => ("error-method-title", "error-method-text"),
            WebError::CsrfRejected => ("error-csrf-title", "error-csrf-text"),
            WebError::PayloadTooLarge => ("error-too-large-title", "error-too-large-text"),
            WebError::TimedOut => ("error-timeout-title", "error-timeout-text"),
            WebError::TooManyRequests => ("error-too-many-title", "error-too-many-text"),
            WebError::Internal => ("error-internal-title", "error-internal-text"),
            WebError::Unavailable => ("error-unavailable-title", "error-unavailable-text"),
            WebError::Busy => ("error-busy-title", "error-busy-text"),
        }
    }

    pub(crate) fn from_status(status: StatusCode) -> WebError {
        match status {
            StatusCode::UNAUTHORIZED => WebError::Unauthorized,
            StatusCode::FORBIDDEN => WebError::Forbidden,
            StatusCode::NOT_FOUND => WebError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => WebError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => WebError::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => WebError::TimedOut,
            StatusCode::TOO_MANY_REQUESTS => WebError::TooManyRequests,
            StatusCode::SERVICE_UNAVAILABLE => WebError::Unavailable,
            s if s.is_server_error() => WebError::Internal,
            _ => WebError::BadRequest,
        }
    }

    pub const ALL: [WebError; 13] = [
        WebError::BadRequest,
        WebError::Unauthorized,
        WebError::Forbidden,
        WebError::SecondFactorRequired,
        WebError::NotFound,
        WebError::MethodNotAllowed,
        WebError::CsrfRejected,
        WebError::PayloadTooLarge,
        WebError::TimedOut,
        WebError::TooManyRequests,
        WebError::Internal,
        WebError::Unavailable,
        WebError::Busy,
    ];
}

/// How long a client told "busy" waits before it tries again: the queues it found full drain
/// within about a second.
const BUSY_RETRY_AFTER_SECS: &str = "1";

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        if self == WebError::Busy {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(BUSY_RETRY_AFTER_SECS));
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::DatabaseNotEmpty
            | AppError::Invalid(_)
            | AppError::LoginFailed
            | AppError::LinkInvalid => WebError::BadRequest,
            AppError::LoginThrottled { .. } | AppError::TooManyRequests => {
                WebError::TooManyRequests
            }
            AppError::Busy => WebError::Busy,
            AppError::NotFound => WebError::NotFound,
            AppError::Unverified => WebError::Forbidden,
            AppError::SecondFactorRequired => WebError::SecondFactorRequired,
            AppError::Internal(message) => {
                tracing::error!(%message, "internal error");
                WebError::Internal
            }
            AppError::Store(error) => {
                tracing::error!(%error, "storage failed");
                WebError::Unavailable
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Translations;
    use carespace_core::language::Language;

    #[test]
    fn every_error_has_its_text_in_both_languages() {
        let translations = Translations::load().unwrap();
        for error in WebError::ALL {
            let (title, text) = error.message_keys();
            for language in Language::ALL {
                for key in [title, text] {
                    assert_ne!(
                        translations.message(language, key),
                        key,
                        "{language}: {key}"
                    );
                }
            }
        }
    }

    #[test]
    fn bare_statuses_map_to_the_right_page() {
        assert_eq!(
            WebError::from_status(StatusCode::NOT_FOUND),
            WebError::NotFound
        );
        assert_eq!(
            WebError::from_status(StatusCode::UNPROCESSABLE_ENTITY),
            WebError::BadRequest
        );
        assert_eq!(
            WebError::from_status(StatusCode::BAD_GATEWAY),
            WebError::Internal
        );
        assert_eq!(
            WebError::from_status(StatusCode::PAYLOAD_TOO_LARGE),
            WebError::PayloadTooLarge
        );
    }
}
