//! Sharing an item with a Healthspace's connected staff, or making it private to it again. A
//! client shares only where they are a client now; making private is always possible.

use super::OBJECT;
use super::editing::own_item;
use crate::access::{self, Actor, Subject};
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::HealthspaceId;
use carespace_core::memberships::Role;
use carespace_core::policy::Action;
use carespace_core::record::EventKind;
use carespace_store::memberships;
use carespace_store::record::{events, shares};

/// Shares (`shared`) or unshares the actor's item `id` with the Healthspace `healthspace_id`.
/// Sharing writes a "document shared" event in that Healthspace; both are audit-logged there,
/// about the client. Asking for what already is changes nothing and logs nothing.
pub async fn set(
    ctx: &AppContext,
    actor: &Actor,
    id: &str,
    healthspace_id: &str,
    shared: bool,
) -> AppResult<()> {
    let me = &actor.account;
    let refused = |subject| access::refused(actor, Action::KeepOwnRecord, subject);
    let healthspace = HealthspaceId::parse(healthspace_id)
        .ok_or_else(|| refused(Subject::Alias(healthspace_id)))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let item = own_item(&mut tx, actor, id).await?;
    let changed = if shared {
        let role = memberships::active_role(&mut tx, &healthspace, me).await?;
        if role != Some(Role::Client) {
            return Err(refused(Subject::Healthspace(&healthspace)));
        }
        let changed = shares::share(&mut tx, &item.id, &healthspace, now).await?;
        if changed {
            let shared_event = events::NewEvent {
                client: me,
                healthspace: &healthspace,
                kind: EventKind::DocumentShared,
                at: now,
                duration_ms: None,
                by: Some(me),
                staff: None,
                item: Some(&item.id),
            };
            events::insert(&mut tx, &shared_event).await?;
        }
        changed
    } else {
        shares::unshare(&mut tx, &item.id, &healthspace).await?
    };
    if changed {
        let action = if shared {
            AuditAction::RecordItemShared
        } else {
            AuditAction::RecordItemUnshared
        };
        let entry = event(me, ActorRole::OwnAccount, action, OBJECT, item.id.as_str());
        let hs = healthspace.as_str();
        audit::record_in(&mut tx, &actor.origin, entry, hs, Some(me), now).await?;
    }
    tx.commit().await?;
    Ok(())
}
