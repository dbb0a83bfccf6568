//! The audit chain's key and the witness of its head, which a database handle carries so that
//! every transaction can append to the chain.

use carespace_core::audit::AuditKey;
use std::sync::Arc;

/// What a database handle appends to the audit chain with: the key, and whom to tell of each
/// new head once it is committed.
pub struct Chain {
    pub key: AuditKey,
    pub witness: Arc<dyn HeadWitness>,
}

/// Hears of the chain's head after every committed append: the application logs it, and
/// writes it outside the database, so that a rewritten chain contradicts what was said before.
pub trait HeadWitness: Send + Sync {
    fn head_moved(&self, seq: i64, hash: &str);
}
