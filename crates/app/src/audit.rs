//! Writing the audit log, always inside the transaction of what it records, and checking its
//! chain (`carespace admin verify-audit`).

pub mod viewer;

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::audit::{AuditAction, AuditRecord, GENESIS, Outcome, chain_hash};
use carespace_core::ids::new_id;
use carespace_core::time::Timestamp;
use carespace_store::{Tx, audit};

/// Where a request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub session_id: Option<String>,
}

/// What happened, by whom, to what.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub actor: Option<&'a str>,
    /// The role the actor acted in; `self` for a person acting on their own account.
    pub role: &'a str,
    pub action: AuditAction,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub outcome: Outcome,
}

impl<'a> Event<'a> {
    /// Someone doing something to their own account.
    pub fn own(
        account_id: &'a str,
        action: AuditAction,
        object_type: &'a str,
        object_id: Option<&'a str>,
    ) -> Self {
        Event {
            actor: Some(account_id),
            role: "self",
            action,
            object_type,
            object_id,
            outcome: Outcome::Success,
        }
    }
}

/// Appends one entry to the chain within `tx`.
pub async fn record(
    tx: &mut Tx,
    origin: &Origin,
    event: Event<'_>,
    now: Timestamp,
) -> AppResult<()> {
    audit::append(tx, &to_record(origin, event, now)).await?;
    Ok(())
}

/// Appends an entry about something in a Healthspace, and about which client when it concerns
/// one (NEN 7513: which client, where); the Healthspace's audit-log viewer reads these.
pub async fn record_in(
    tx: &mut Tx,
    origin: &Origin,
    event: Event<'_>,
    healthspace_id: &str,
    client_account_id: Option<&str>,
    now: Timestamp,
) -> AppResult<()> {
    let mut record = to_record(origin, event, now);
    record.client_account_id = client_account_id.map(str::to_owned);
    record.healthspace_id = Some(healthspace_id.to_owned());
    audit::append(tx, &record).await?;
    Ok(())
}

fn to_record(origin: &Origin, event: Event<'_>, now: Timestamp) -> AuditRecord {
    AuditRecord {
        id: new_id(),
        at: now,
        actor_account_id: event.actor.map(str::to_owned),
        actor_role: Some(event.role.to_owned()),
        on_behalf_of: None,
        action: event.action.code().to_owned(),
        object_type: event.object_type.to_owned(),
        object_id: event.object_id.map(str::to_owned),
        client_account_id: None,
        healthspace_id: None,
        ip: (!origin.ip.is_empty()).then(|| origin.ip.clone()),
        session_id: origin.session_id.clone(),
        outcome: event.outcome,
    }
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: i64,
    /// The sequence number of the first entry that is changed, missing or out of place.
    pub broken_at: Option<i64>,
}

const PAGE: i64 = 1000;

/// Recomputes every hash, page by page, and compares the end with the recorded head.
pub async fn verify(ctx: &AppContext) -> AppResult<ChainReport> {
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    loop {
        let page = audit::entries_after(&ctx.db, expected_seq - 1, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for entry in page {
            let intact = entry.seq == expected_seq
                && entry.prev_hash == expected_prev
                && chain_hash(&entry.prev_hash, &entry.record) == entry.hash;
            if !intact {
                return Ok(ChainReport {
                    entries: entry.seq,
                    broken_at: Some(expected_seq),
                });
            }
            expected_prev = entry.hash;
            expected_seq += 1;
        }
    }
    let entries = expected_seq - 1;
    let (last_seq, last_hash) = audit::head(&ctx.db).await?;
    // Entries removed from the end leave the head pointing past them.
    let broken_at =
        (last_seq != entries || (entries > 0 && last_hash != expected_prev)).then_some(entries + 1);
    Ok(ChainReport { entries, broken_at })
}
