//! Rotating the master key: every data key is unwrapped with the configured master key and
//! wrapped anew under the next one, a batch per short transaction. Keys already under the next
//! key are left alone, so a run that was interrupted is finished by running it again with the
//! same next key.

use super::{Keys, unwrap_under};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::crypto::{self, DataKey};
use carespace_store::WrappedKey;

/// Keys re-wrapped per transaction.
const BATCH: u32 = 200;

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotated {
    pub old_master_key_id: String,
    pub new_master_key_id: String,
    /// Keys this run wrapped anew.
    pub rewrapped: u64,
    /// Keys an earlier, interrupted run had wrapped under the new key already.
    pub already_new: i64,
}

/// Re-wraps every data key under `next`, then audit-logs the rotation. Refuses to start when
/// some key is wrapped by a master key that is neither the configured one nor `next`.
pub async fn rotate(ctx: &AppContext, next: &DataKey, origin: &Origin) -> AppResult<Rotated> {
    let keys = &ctx.keys;
    let old_id = keys.master_key_id().to_owned();
    let new_id = crypto::master_key_id(next);
    if new_id == old_id {
        return Err(AppError::Internal(
            "the next master key is the configured one".into(),
        ));
    }
    let counts = keys.store().count_by_master_key().await?;
    if let Some((stranger, n)) = counts.iter().find(|(id, _)| *id != old_id && *id != new_id) {
        return Err(AppError::Internal(format!(
            "{n} data keys are wrapped by master key {stranger}, which is neither the configured \
             one ({old_id}) nor the next ({new_id}); nothing was changed"
        )));
    }
    let already_new = counts
        .iter()
        .find(|(id, _)| *id == new_id)
        .map_or(0, |(_, n)| *n);
    let mut rewrapped = 0;
    // A server still running may make keys under the old master key meanwhile: pass again
    // until none is left.
    loop {
        let pass = rewrap_all(keys, next, &new_id).await?;
        if pass == 0 {
            break;
        }
        rewrapped += pass;
    }
    let mut tx = ctx.db.begin().await?;
    let event = Event {
        actor: None,
        role: ActorRole::Operator,
        action: AuditAction::MasterKeyRotated,
        object_type: "master_key",
        object_id: Some(&new_id),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    tx.commit().await?;
    tracing::info!(
        target: "keys",
        old = %old_id,
        new = %new_id,
        rewrapped,
        already_new,
        "master key rotated"
    );
    Ok(Rotated {
        old_master_key_id: old_id,
        new_master_key_id: new_id,
        rewrapped,
        already_new,
    })
}

/// One pass over the keys under the configured master key; how many it wrapped anew.
async fn rewrap_all(keys: &Keys, next: &DataKey, new_id: &str) -> AppResult<u64> {
    let old_id = keys.master_key_id();
    let mut after: Option<String> = None;
    let mut done = 0;
    loop {
        let batch = keys
            .store()
            .under_master_key(old_id, after.as_deref(), BATCH)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = Some(last.account_id.clone());
        let mut rewrapped = Vec::with_capacity(batch.len());
        for stored in &batch {
            let key = unwrap_under(&keys.master, old_id, stored)?;
            rewrapped.push(WrappedKey {
                wrapped: crypto::wrap_key(next, &stored.account_id, &key)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                master_key_id: new_id.to_owned(),
                ..stored.clone()
            });
        }
        done += keys.store().replace_wrapped(old_id, &rewrapped).await?;
    }
}
