#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database.url must start with \"sqlite:\" or \"postgres:\"")]
    UnsupportedDatabaseUrl,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A uniqueness constraint refused the write: someone else was first.
    #[error("already exists: {0}")]
    Duplicate(String),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("file store error: {0}")]
    Io(#[from] std::io::Error),
    /// Appending needs the chain's key, and a chain sealed with it (done at start).
    #[error("the audit chain has no key or is not sealed")]
    AuditChainUnkeyed,
    /// Asked of SQLite only, such as a copy by `VACUUM INTO`.
    #[error("this database is PostgreSQL: back it up with pg_dump")]
    NotSqlite,
    #[error("a stored value is not what the schema allows: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate(db.constraint().unwrap_or_default().to_owned())
            }
            _ => StoreError::Database(error),
        }
    }
}
