//! Changing a member's role in place (client ↔ staff ↔ admin), without cancelling and inviting
//! again. The member is emailed and the change audit-logged; someone who moves between the
//! client side and the staff side loses their connections (a connection joins one of each), and
//! the people on the other end of them are told. The last admin cannot demote themselves; an
//! owner can always act.

use super::{MemberView, tell_clients_left};
use crate::access::{self, Actor, Subject, manager_role};
use crate::accounts::email_owner;
use crate::audit::{self, Origin, event};
use crate::connections;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use crate::record;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::{AccountId, MembershipId};
use carespace_core::memberships::{Role, RoleChange, RoleChangeRefusal};
use carespace_core::policy::Action;
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow};
use carespace_store::memberships as store;
use carespace_store::{Tx, accounts as account_store, connections as connection_store};

/// An admin or owner of the Healthspace at `alias` gives the membership `membership_id` the
/// role `role` (a role's code). Returns the member as the list shows them now.
pub async fn change_role(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    membership_id: &str,
    role: &str,
) -> AppResult<MemberView> {
    let to = Role::parse(role).map_err(|code| AppError::field("role", code))?;
    let refused = || access::refused(actor, Action::ManageMembers, Subject::Item(membership_id));
    let id = MembershipId::parse(membership_id).ok_or_else(refused)?;
    let mut tx = ctx.db.begin().await?;
    // The lock before any fact is read: the actor's own role, the member's and the count of
    // admins are read as the change before this one left them.
    hs_store::lock_by_alias(&mut tx, alias).await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    let membership = store::find(&mut tx, &id)
        .await?
        .filter(|m| m.healthspace_id == healthspace.id && m.state.is_active())
        .ok_or_else(refused)?;
    let member = account_store::find(&mut tx, &membership.account_id)
        .await?
        .ok_or_else(refused)?;
    let mut change = RoleChange {
        from: membership.role,
        to,
        own: membership.account_id == actor.account,
        by_owner: facts.owns_organisation,
        active_admins: 0,
    };
    if change.counts_admins() {
        change.active_admins = store::count_active_admins(&mut tx, &healthspace.id).await?;
    }
    change.check().map_err(|refusal| match refusal {
        RoleChangeRefusal::Unchanged => AppError::field("role", "role_unchanged"),
        RoleChangeRefusal::LastAdmin => AppError::field("role", "last_admin"),
    })?;
    let now = ctx.now();
    if !store::change_role(&mut tx, &id, (change.from, to), &actor.account, now).await? {
        return Err(refused());
    }
    let by = (&actor.account, manager_role(facts));
    if change.ends_connections() {
        let member = (&membership.account_id, member.full_name.as_str());
        end_connections(
            &mut tx,
            &healthspace,
            member,
            change,
            by,
            &actor.origin,
            now,
        )
        .await?;
    }
    let message = MailMessage::RoleChanged {
        healthspace: healthspace.name.clone(),
        role: to.code().to_owned(),
    };
    email_owner(&mut tx, &member, message, now).await?;
    let action = AuditAction::MembershipRoleChanged;
    let record = event(by.0, by.1, action, "membership", id.as_str());
    let (hs, about) = (healthspace.id.as_str(), Some(&member.id));
    audit::record_in(&mut tx, &actor.origin, record, hs, about, now).await?;
    // The record holds a client's care: leaving the client side ends that membership there,
    // joining it starts one.
    let whose = (&member.id, &healthspace.id);
    if change.from == Role::Client {
        record::events::membership_ended(&mut tx, whose, by, &actor.origin, now).await?;
    } else if to == Role::Client {
        let started = EventKind::MembershipStarted;
        record::events::membership(&mut tx, started, whose.0, whose.1, Some(by.0), now).await?;
    }
    tx.commit().await?;
    Ok(MemberView {
        membership_id: membership.id,
        full_name: member.full_name,
        email: member.email,
        role: to,
        state: membership.state,
        since: membership.created_at,
        cancelled_at: membership.cancelled_at,
    })
}

/// Ends the member's connections when they change sides, after telling the people on the other
/// end: clients that this staff member no longer is theirs, staff that this client is no longer
/// open to them.
async fn end_connections(
    tx: &mut Tx,
    healthspace: &HealthspaceRow,
    (member, name): (&AccountId, &str),
    change: RoleChange,
    by: (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    let hs = &healthspace.id;
    if change.from.works_with_clients() {
        tell_clients_left(tx, &healthspace.name, hs, member, now).await?;
    } else {
        for staff in connection_store::staff_of_client(&mut *tx, hs, member).await? {
            let message = MailMessage::ConnectionEndedForStaff {
                healthspace: healthspace.name.clone(),
                client: name.to_owned(),
            };
            email_owner(tx, &staff, message, now).await?;
        }
    }
    connections::end_all_of(tx, hs, member, by, origin, now).await
}
