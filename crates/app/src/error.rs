use carespace_core::accounts::FieldProblem;
use carespace_store::StoreError;

/// The errors a use case can end in. Each has a stable snake_case code, which the web layer
/// uses as the translation key of the message the user sees.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the database already holds data")]
    DatabaseNotEmpty,
    /// One or more fields of the input are wrong; nothing was stored.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldProblem>),
    /// Unknown email or wrong password: deliberately the same error.
    #[error("email or password is wrong")]
    LoginFailed,
    /// Too many failed logins; the next try may be made after this many seconds.
    #[error("too many failed logins; wait {retry_after_secs} s")]
    LoginThrottled { retry_after_secs: i64 },
    #[error("too many requests")]
    TooManyRequests,
    /// Too much heavy work at once (password hashing, image decoding): try again in a moment.
    #[error("busy: try again shortly")]
    Busy,
    /// An email link that is unknown, used or expired (the user cannot tell which).
    #[error("the link is invalid or expired")]
    LinkInvalid,
    /// The thing does not exist, or the actor may not know it does.
    #[error("not found")]
    NotFound,
    /// The email address is not verified yet.
    #[error("email address not verified")]
    Unverified,
    /// The account must set up two-step verification before it may do this.
    #[error("two-step verification must be set up first")]
    SecondFactorRequired,
    #[error("internal error: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub const fn code(&self) -> &'static str {
        match self {
            AppError::DatabaseNotEmpty => "database_not_empty",
            AppError::Invalid(_) => "invalid_input",
            AppError::LoginFailed => "login_failed",
            AppError::LoginThrottled { .. } => "login_throttled",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Busy => "busy",
            AppError::LinkInvalid => "link_invalid",
            AppError::NotFound => "not_found",
            AppError::Unverified => "email_not_verified",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::Internal(_) | AppError::Store(_) => "internal",
        }
    }

    /// One problem with one field.
    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![FieldProblem::new(field, code)])
    }
}

impl From<getrandom::Error> for AppError {
    fn from(error: getrandom::Error) -> Self {
        AppError::Internal(format!("no randomness: {error}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Collects field problems while a form is checked, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    /// The value, or `None` after noting the problem under `field`.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.0.push(FieldProblem::new(field, code));
                None
            }
        }
    }

    pub fn add(&mut self, field: &'static str, code: &'static str) {
        self.0.push(FieldProblem::new(field, code));
    }

    /// `Ok` when nothing was noted.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}
