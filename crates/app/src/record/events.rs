//! Writing the events of a client's care, inside the transaction of the use case that causes
//! them (a membership that starts or ends, a connection made or ended).

use crate::error::AppResult;
use carespace_core::ids::{AccountId, HealthspaceId};
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::record::events::{self, NewEvent};

/// A membership of `client` started or ended (`kind`), done `by` someone (or the system).
pub async fn membership(
    tx: &mut Tx,
    kind: EventKind,
    client: &AccountId,
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
        staff: None,
        item: None,
    };
    events::insert(tx, &event).await?;
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
    let event = NewEvent {
        client,
        healthspace,
        kind,
        at,
        duration_ms: None,
        by,
        staff: Some(staff),
        item: None,
    };
    events::insert(tx, &event).await?;
    Ok(())
}
