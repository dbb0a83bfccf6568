//! The transaction every use case runs in.

use crate::audit_chain::Chain;
use crate::backend::Backend;
use crate::error::StoreResult;
use sqlx::{Any, AnyConnection, Transaction};
use std::sync::Arc;
use tokio::sync::OwnedMutexGuard;

/// A database transaction. Dropping it without `commit` rolls everything back.
pub struct Tx {
    inner: Transaction<'static, Any>,
    backend: Backend,
    // Held until the transaction ends; see `Db::sqlite_writer`.
    _sqlite_writer: Option<OwnedMutexGuard<()>>,
    chain: Option<Arc<Chain>>,
    /// The audit chain's head after this transaction's entries, told to the chain's witness
    /// once the transaction has committed.
    audit_head: Option<(i64, String)>,
}

impl Tx {
    pub(crate) fn new(
        inner: Transaction<'static, Any>,
        backend: Backend,
        sqlite_writer: Option<OwnedMutexGuard<()>>,
        chain: Option<Arc<Chain>>,
    ) -> Self {
        Self {
            inner,
            backend,
            _sqlite_writer: sqlite_writer,
            chain,
            audit_head: None,
        }
    }

    pub(crate) fn chain(&self) -> Option<Arc<Chain>> {
        self.chain.clone()
    }

    pub(crate) fn set_audit_head(&mut self, seq: i64, hash: String) {
        self.audit_head = Some((seq, hash));
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.inner.commit().await?;
        if let (Some(chain), Some((seq, hash))) = (&self.chain, &self.audit_head) {
            chain.witness.head_moved(*seq, hash);
        }
        Ok(())
    }

    pub async fn rollback(self) -> StoreResult<()> {
        self.inner.rollback().await?;
        Ok(())
    }
}
