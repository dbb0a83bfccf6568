//! The chain's key at start, and checking the whole chain.
//!
//! A chain written before it had a key is sealed once, the first time the application runs
//! with a key: the seal is an HMAC of where the keyed part begins and of the unkeyed part's last
//! hash, so the unkeyed part can no more be rewritten than the keyed part. A key that is not the
//! one the chain was written with stops the start, instead of silently breaking the chain.

use crate::error::{AppError, AppResult};
use carespace_core::audit::{AuditKey, GENESIS, chain_hash, key_check, seal, unkeyed_hash};
use carespace_store::Db;
use carespace_store::audit::{self as store, ChainState};

/// What starting with the key found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// The chain was already keyed with this key.
    Keyed,
    /// The chain has just been sealed: this many entries before it have no key.
    Sealed { unkeyed: i64 },
}

fn key(db: &Db) -> AppResult<&AuditKey> {
    db.audit_chain()
        .map(|chain| &chain.key)
        .ok_or_else(|| AppError::Internal("the audit chain has no key".into()))
}

/// Seals the chain when it has no keyed part yet; refuses a key the chain was not written with.
pub async fn seal_at_start(db: &Db) -> AppResult<Sealing> {
    let key = key(db)?;
    loop {
        let state = store::chain_state(db).await?;
        if state.keyed_from.is_some() {
            if state.key_check.as_deref() != Some(key_check(key).as_str()) {
                return Err(AppError::Internal(
                    "the audit key (audit.key or audit.key_file) is not the one this audit log \
                     was written with; restore that key"
                        .into(),
                ));
            }
            return Ok(Sealing::Keyed);
        }
        let sealed = seal(key, state.last_seq + 1, &state.last_hash);
        if store::set_seal(db, &state, &sealed, &key_check(key)).await? {
            return Ok(Sealing::Sealed {
                unkeyed: state.last_seq,
            });
        }
        // Another process sealed or appended meanwhile: look again.
    }
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: i64,
    /// How many of them were written before the chain had a key.
    pub unkeyed: i64,
    /// The sequence number of the first entry that is changed, missing or out of place.
    pub broken_at: Option<i64>,
}

const PAGE: i64 = 1000;

/// Recomputes every hash, page by page (the unkeyed part's with SHA-256, the rest with the
/// key), checks the seal between them, and compares the end with the recorded head.
pub async fn verify(db: &Db) -> AppResult<ChainReport> {
    let key = key(db)?;
    let state = store::chain_state(db).await?;
    // Unsealed, every entry must be an unkeyed one.
    let keyed_from = state.keyed_from.unwrap_or(i64::MAX);
    let unkeyed = (keyed_from - 1).min(state.last_seq);
    let broken = |entries, at| ChainReport {
        entries,
        unkeyed,
        broken_at: Some(at),
    };
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    loop {
        let page = store::entries_after(db, expected_seq - 1, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for entry in page {
            if expected_seq == keyed_from && !seal_holds(key, &state, &expected_prev) {
                return Ok(broken(state.last_seq, 1));
            }
            let hash = if expected_seq < keyed_from {
                unkeyed_hash(&entry.prev_hash, &entry.record)
            } else {
                Some(chain_hash(key, &entry.prev_hash, &entry.record))
            };
            let intact = entry.seq == expected_seq
                && entry.prev_hash == expected_prev
                && hash.as_deref() == Some(entry.hash.as_str());
            if !intact {
                return Ok(broken(state.last_seq, expected_seq));
            }
            expected_prev = entry.hash;
            expected_seq += 1;
        }
    }
    let entries = expected_seq - 1;
    if let Some(keyed_from) = state.keyed_from {
        // The keyed part begins past the end: the boundary was moved.
        if expected_seq < keyed_from {
            return Ok(broken(entries, entries + 1));
        }
        if expected_seq == keyed_from && !seal_holds(key, &state, &expected_prev) {
            return Ok(broken(entries, 1));
        }
    }
    // Entries removed from the end leave the head pointing past them.
    let broken_at = (state.last_seq != entries
        || (entries > 0 && state.last_hash != expected_prev))
        .then_some(entries + 1);
    Ok(ChainReport {
        entries,
        unkeyed,
        broken_at,
    })
}

/// Whether the seal binds the unkeyed part that ends with `unkeyed_head`.
fn seal_holds(key: &AuditKey, state: &ChainState, unkeyed_head: &str) -> bool {
    let Some(keyed_from) = state.keyed_from else {
        return true;
    };
    state.seal.as_deref() == Some(seal(key, keyed_from, unkeyed_head).as_str())
}
