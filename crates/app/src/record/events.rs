//! Writing the events of a client's care, inside the transaction of the use case that causes
//! them (a membership that starts or ends, a connection made or ended).

use super::OBJECT;
use crate::audit::{self, Origin, event};
use crate::error::AppResult;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::{AccountId, HealthspaceId};
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::record::events::{self, NewEvent};
use carespace_store::record::shares;

/// A membership of `client` started or ended (`kind`), done `by` someone (or the system).
pub async fn membership(
    tx: &mut Tx,
    kind: EventKind,
    client: &AccountId,
    healthspace: &HealthspaceId,
    by: Option<&AccountId>,
    at: Timestamp,
) -> AppResult<()> {
    about_people(tx, kind, (client, None), healthspace, by, at).await
}

/// A client's membership ended (cancelled by either side, or their role changed): the event
/// is written, and every item they shared with the Healthspace is private to it again, so that
/// coming back later shares nothing they did not choose anew. Each share ended is audit-logged.
pub async fn membership_ended(
    tx: &mut Tx,
    (client, healthspace): (&AccountId, &HealthspaceId),
    (by, role): (&AccountId, ActorRole),
    origin: &Origin,
    at: Timestamp,
) -> AppResult<()> {
    let ended = EventKind::MembershipEnded;
    membership(tx, ended, client, healthspace, Some(by), at).await?;
    for item in shares::end_all_in(tx, client, healthspace).await? {
        let entry = event(
            by,
            role,
            AuditAction::RecordItemUnshared,
            OBJECT,
            item.as_str(),
        );
        let hs = healthspace.as_str();
        audit::record_in(tx, origin, entry, hs, Some(client), at).await?;
    }
    Ok(())
}

/// A connection between `staff` and `client` made or ended (`kind`), done `by` someone.
pub async fn connection(
    tx: &mut Tx,
    kind: EventKind,
    (client, staff): (&AccountId, &AccountId),
    healthspace: &HealthspaceId,
    by: Option<&AccountId>,
    at: Timestamp,
) -> AppResult<()> {
    about_people(tx, kind, (client, Some(staff)), healthspace, by, at).await
}

/// An event about a client (and a staff member), with no duration and no item.
async fn about_people(
    tx: &mut Tx,
    kind: EventKind,
    (client, staff): (&AccountId, Option<&AccountId>),
    healthspace: &HealthspaceId,
    by: Option<&AccountId>,
    at: Timestamp,
) -> AppResult<()> {
    let event = NewEvent {
        client,
        healthspace,
        kind,
        at,
        duration_ms: None,
        by,
        staff,
        item: None,
    };
    events::insert(tx, &event).await?;
    Ok(())
}
