#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database.url must start with \"sqlite:\" or \"postgres:\"")]
    UnsupportedDatabaseUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("file store error: {0}")]
    Io(#[from] std::io::Error),
    #[error("a stored value is not what the schema allows: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
