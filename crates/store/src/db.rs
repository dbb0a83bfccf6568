//! Connecting to the database and bringing its schema up to date.

use crate::audit_chain::Chain;
use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::tx::Tx;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long an SQLite connection waits for a lock held by another process before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The database: a connection pool and which backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time. Transactions of this process queue here instead of
    /// holding a connection while they wait for the lock. PostgreSQL has row locks and needs no
    /// such queue.
    sqlite_writer: Option<Arc<Mutex<()>>>,
    /// The audit chain's key and head witness, held in memory only; without them nothing can be
    /// appended to the audit log.
    chain: Option<Arc<Chain>>,
    /// Where the pool connects, for the one connection that is not the pool's: the live
    /// channel's `LISTEN` (`crate::live`). Never printed.
    url: Arc<str>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Opens a pool for `url` (`sqlite:…` or `postgres:…`). SQLite connections get WAL,
    /// `synchronous=FULL` (an acknowledged change survives power loss), foreign keys and a
    /// busy timeout.
    pub async fn connect(url: &str, settings: &PoolSettings) -> StoreResult<Db> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let mut options = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            // A ping before each use finds PostgreSQL connections the server or network dropped.
            // An SQLite connection is a file in this process and cannot be dropped, so there
            // the ping would only add a round trip to the connection's thread per query.
            .test_before_acquire(backend == Backend::Postgres);
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute(
                        format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str(),
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            chain: None,
            url: Arc::from(url),
        })
    }

    /// This handle, able to append to the audit chain with `chain`'s key.
    pub fn with_audit_chain(mut self, chain: Chain) -> Db {
        self.chain = Some(Arc::new(chain));
        self
    }

    pub fn audit_chain(&self) -> Option<&Chain> {
        self.chain.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrate_with(&SQLITE_MIGRATIONS, &POSTGRES_MIGRATIONS)
            .await
    }

    /// Applies the migrations of this backend from one of two folders: the main database's or
    /// another database's (the key store's).
    pub(crate) async fn migrate_with(
        &self,
        sqlite: &Migrator,
        postgres: &Migrator,
    ) -> StoreResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Writes a consistent copy of an SQLite database to `target` (a new file) while others
    /// keep reading and writing it; PostgreSQL is copied with its own tools (`pg_dump`).
    pub async fn copy_sqlite_into(&self, target: &std::path::Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::NotSqlite);
        }
        let target = target
            .to_str()
            .ok_or_else(|| std::io::Error::other("the backup path is not valid UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Starts a transaction. Use cases run their reads and writes in one, so that nothing
    /// half-written is ever stored.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let Some(lock) = &self.sqlite_writer else {
            let inner = self.pool.begin().await?;
            return Ok(Tx::new(inner, self.backend, None, self.chain.clone()));
        };
        let writer = lock.clone().lock_owned().await;
        // IMMEDIATE takes the write lock at once, which also guards against other processes
        // (an operator's `carespace admin` beside a running server).
        let inner = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Tx::new(
            inner,
            self.backend,
            Some(writer),
            self.chain.clone(),
        ))
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; waits for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
