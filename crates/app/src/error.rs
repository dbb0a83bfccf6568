use carespace_store::StoreError;

/// The errors a use case can end in. Each has a stable snake_case code, which the web layer
/// uses as the translation key of the message the user sees.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the database already holds data")]
    DatabaseNotEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub const fn code(&self) -> &'static str {
        match self {
            AppError::DatabaseNotEmpty => "database_not_empty",
            AppError::Store(_) => "internal",
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
