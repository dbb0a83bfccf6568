//! The transaction every use case runs in.

use crate::backend::Backend;
use crate::error::StoreResult;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::OwnedMutexGuard;

/// A database transaction. Dropping it without `commit` rolls everything back.
pub struct Tx {
    inner: Transaction<'static, Any>,
    backend: Backend,
    // Held until the transaction ends; see `Db::sqlite_writer`.
    _sqlite_writer: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    pub(crate) fn new(
        inner: Transaction<'static, Any>,
        backend: Backend,
        sqlite_writer: Option<OwnedMutexGuard<()>>,
    ) -> Self {
        Self {
            inner,
            backend,
            _sqlite_writer: sqlite_writer,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.inner.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> StoreResult<()> {
        self.inner.rollback().await?;
        Ok(())
    }
}
