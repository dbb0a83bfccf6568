//! Writing the audit log: a change's entry inside the transaction of what it records, a read's
//! entry through the batched appender ([`AuditLog`], in `crate::audit_batch`); and checking the chain
//! (`carespace admin verify-audit`, in [`chain`]).

pub mod chain;
pub mod head;
pub mod viewer;

pub use crate::audit_batch::AuditLog;
pub use chain::{ChainReport, verify};

use crate::error::AppResult;
use carespace_core::audit::{ActorRole, AuditAction, AuditRecord, Outcome};
use carespace_core::ids::{AccountId, new_id};
use carespace_core::time::Timestamp;
use carespace_store::{Tx, audit};

/// Where a request came from: address, session, user agent, and the personal access token
/// when one acted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub session_id: Option<String>,
    pub user_agent: String,
    pub api_token_id: Option<String>,
}

/// What happened, by whom, to what.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub actor: Option<&'a AccountId>,
    /// The capacity the actor acted in.
    pub role: ActorRole,
    pub action: AuditAction,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub outcome: Outcome,
}

impl<'a> Event<'a> {
    /// Someone doing something to their own account.
    pub fn own(
        account_id: &'a AccountId,
        action: AuditAction,
        object_type: &'a str,
        object_id: Option<&'a str>,
    ) -> Self {
        Event {
            actor: Some(account_id),
            role: ActorRole::OwnAccount,
            action,
            object_type,
            object_id,
            outcome: Outcome::Success,
        }
    }
}

/// A successful act by `actor` in `role` on one object.
pub(crate) fn event<'a>(
    actor: &'a AccountId,
    role: ActorRole,
    action: AuditAction,
    object_type: &'a str,
    object_id: &'a str,
) -> Event<'a> {
    Event {
        actor: Some(actor),
        role,
        action,
        object_type,
        object_id: Some(object_id),
        outcome: Outcome::Success,
    }
}

/// Appends one entry to the chain within `tx`.
pub async fn record(
    tx: &mut Tx,
    origin: &Origin,
    event: Event<'_>,
    now: Timestamp,
) -> AppResult<()> {
    audit::append(tx, &[to_record(origin, event, now)]).await?;
    Ok(())
}

/// Appends an entry about something in a Healthspace, and about which client when it concerns
/// one (NEN 7513: which client, where); the Healthspace's audit-log viewer reads these.
pub async fn record_in(
    tx: &mut Tx,
    origin: &Origin,
    event: Event<'_>,
    healthspace_id: &str,
    client_account_id: Option<&AccountId>,
    now: Timestamp,
) -> AppResult<()> {
    let record = in_healthspace(origin, event, healthspace_id, client_account_id, now);
    audit::append(tx, &[record]).await?;
    Ok(())
}

/// Notes that the actor read something in a Healthspace (a client's data, or lists of people):
/// through the batched appender (`log`, the context's), so that a page view is no write
/// transaction of its own.
pub async fn read_in(
    (log, now): (&AuditLog, Timestamp),
    origin: &Origin,
    event: Event<'_>,
    healthspace_id: &str,
    client_account_id: Option<&AccountId>,
) -> AppResult<()> {
    let record = in_healthspace(origin, event, healthspace_id, client_account_id, now);
    log.append(record).await
}

/// Notes that a person read something of their own (outside any Healthspace), through the
/// batched appender.
pub async fn read_own(
    (log, now): (&AuditLog, Timestamp),
    origin: &Origin,
    event: Event<'_>,
) -> AppResult<()> {
    log.append(to_record(origin, event, now)).await
}

fn in_healthspace(
    origin: &Origin,
    event: Event<'_>,
    healthspace_id: &str,
    client_account_id: Option<&AccountId>,
    now: Timestamp,
) -> AuditRecord {
    let mut record = to_record(origin, event, now);
    record.client_account_id = client_account_id.map(|client| client.as_str().to_owned());
    record.healthspace_id = Some(healthspace_id.to_owned());
    record
}

fn to_record(origin: &Origin, event: Event<'_>, now: Timestamp) -> AuditRecord {
    AuditRecord {
        id: new_id(),
        at: now,
        actor_account_id: event.actor.map(|actor| actor.as_str().to_owned()),
        actor_role: Some(event.role.code().to_owned()),
        on_behalf_of: None,
        action: event.action.code().to_owned(),
        object_type: event.object_type.to_owned(),
        object_id: event.object_id.map(str::to_owned),
        client_account_id: None,
        healthspace_id: None,
        ip: (!origin.ip.is_empty()).then(|| origin.ip.clone()),
        session_id: origin.session_id.clone(),
        outcome: event.outcome,
        user_agent: (!origin.user_agent.is_empty()).then(|| origin.user_agent.clone()),
        api_token_id: origin.api_token_id.clone(),
    }
}
