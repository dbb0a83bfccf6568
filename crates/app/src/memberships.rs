//! Memberships: an account's one role in a Healthspace. Admins invite people with a
//! role ([`invitations`]); the invited accept with a second identity check; either side can
//! cancel. Staff see a client only through a connection (`crate::connections`).

pub mod invitations;
pub mod roles;
pub mod waiting;

use crate::access::{self, Actor, Subject};
use crate::audit::{self, Event, Origin};
use crate::connections::{self, Change};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::mail::{self, MailMessage};
use crate::record;
use carespace_core::audit::Outcome;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::{AccountId, HealthspaceId, MembershipId};
use carespace_core::language::Language;
use carespace_core::memberships::{MembershipState, Role};
use carespace_core::policy::{self, Action, ActorFacts};
use carespace_core::time::Timestamp;
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow};
use carespace_store::memberships::{self as store, MemberRow, MembershipRow};
use carespace_store::{Exec, Tx, accounts as account_store, connections as connection_store};
use invitations::PendingInvitation;

pub use carespace_core::memberships::MemberFilter;

pub(crate) use crate::audit::event;

pub(crate) use crate::access::manager_role;

/// A membership as its member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyMembership {
    pub id: MembershipId,
    pub healthspace: String,
    pub alias: String,
    pub role: Role,
    pub state: MembershipState,
    pub since: Timestamp,
    pub cancelled_at: Option<Timestamp>,
}

pub async fn mine(ctx: &AppContext, account: &AccountId) -> AppResult<Vec<MyMembership>> {
    Ok(store::of_account(&ctx.db, account)
        .await?
        .into_iter()
        .map(|(m, healthspace, alias)| MyMembership {
            id: m.id,
            healthspace,
            alias,
            role: m.role,
            state: m.state,
            since: m.created_at,
            cancelled_at: m.cancelled_at,
        })
        .collect())
}

/// The actor's own membership, when they may leave it: what the page that asks before leaving
/// shows. Anyone else's, or one already cancelled, is "not found".
pub async fn leavable(
    ctx: &AppContext,
    actor: &Actor,
    membership_id: &str,
) -> AppResult<MyMembership> {
    let (membership, healthspace) = own_to_leave(&ctx.db, actor, membership_id).await?;
    Ok(MyMembership {
        id: membership.id,
        healthspace: healthspace.name,
        alias: healthspace.alias,
        role: membership.role,
        state: membership.state,
        since: membership.created_at,
        cancelled_at: membership.cancelled_at,
    })
}

/// The actor's own membership and its Healthspace, when the policy lets them leave it; any other
/// is refused as "not found".
async fn own_to_leave(
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    membership_id: &str,
) -> AppResult<(MembershipRow, HealthspaceRow)> {
    let refused = || {
        access::refused(
            actor,
            Action::LeaveHealthspace,
            Subject::Item(membership_id),
        )
    };
    let id = MembershipId::parse(membership_id).ok_or_else(refused)?;
    let mut ex = ex.into();
    let membership = store::find(&mut ex, &id)
        .await?
        .filter(|m| m.account_id == actor.account)
        .ok_or_else(refused)?;
    let healthspace = hs_store::find(&mut ex, &membership.healthspace_id)
        .await?
        .ok_or_else(refused)?;
    let facts = access::facts(&mut ex, &healthspace, &actor.account).await?;
    if !policy::allows(facts, Action::LeaveHealthspace) {
        return Err(refused());
    }
    Ok((membership, healthspace))
}

/// The member cancels their own membership. Staff of the Healthspace lose access to them at
/// once (their connections end); the client keeps everything.
pub async fn cancel_own(ctx: &AppContext, actor: &Actor, membership_id: &str) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (membership, healthspace) = own_to_leave(&mut tx, actor, membership_id).await?;
    // Role changes and connections in this Healthspace wait for this one (see the lock).
    hs_store::lock_by_alias(&mut tx, &healthspace.alias).await?;
    let id = &membership.id;
    if store::cancel(&mut tx, &membership.id, &actor.account, now).await? {
        let hs = &membership.healthspace_id;
        let me = &actor.account;
        tell_clients_left(&mut tx, &healthspace.name, hs, me, now).await?;
        let by = (me, ActorRole::OwnAccount);
        connections::end_all_of(&mut tx, hs, me, by, &actor.origin, now).await?;
        if let Some(account) = account_store::find(&mut tx, me).await? {
            let by = (&actor.account, ActorRole::OwnAccount);
            invitations::revoke_pending_for(&mut tx, hs, &account.email, by, &actor.origin, now)
                .await?;
        }
        let record = event(
            me,
            ActorRole::OwnAccount,
            AuditAction::MembershipCancelled,
            "membership",
            id.as_str(),
        );
        let origin = &actor.origin;
        audit::record_in(&mut tx, origin, record, hs.as_str(), Some(me), now).await?;
        if membership.role == Role::Client {
            let by = (me, ActorRole::OwnAccount);
            record::events::membership_ended(&mut tx, (me, hs), by, origin, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// An admin or owner cancels a membership of the Healthspace at `alias`: same effect, and the
/// member is emailed.
pub async fn cancel_by_provider(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    membership_id: &str,
) -> AppResult<()> {
    let refused = || access::refused(actor, Action::ManageMembers, Subject::Item(membership_id));
    let id = MembershipId::parse(membership_id).ok_or_else(refused)?;
    let mut tx = ctx.db.begin().await?;
    hs_store::lock_by_alias(&mut tx, alias).await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    let membership = store::find(&mut tx, &id)
        .await?
        .filter(|m| m.healthspace_id == healthspace.id)
        .ok_or_else(refused)?;
    let member = account_store::find(&mut tx, &membership.account_id)
        .await?
        .ok_or_else(refused)?;
    let member = Member {
        id: &membership.account_id,
        role: membership.role,
        email: &member.email,
        full_name: &member.full_name,
        language: &member.language,
    };
    let by = (&actor.account, manager_role(facts));
    let now = ctx.now();
    let origin = &actor.origin;
    end_by_provider(&mut tx, &healthspace, &id, member, by, origin, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Who a provider's cancellation is emailed to.
#[derive(Clone, Copy)]
struct Member<'a> {
    id: &'a AccountId,
    role: Role,
    email: &'a str,
    full_name: &'a str,
    language: &'a str,
}

/// Cancels an active membership as the provider: the member's connections and pending
/// invitations end, the member is emailed, and the audit log notes it. False when it was no
/// longer active.
async fn end_by_provider(
    tx: &mut Tx,
    healthspace: &HealthspaceRow,
    membership_id: &MembershipId,
    member: Member<'_>,
    (actor, role): (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<bool> {
    if !store::cancel(&mut *tx, membership_id, actor, now).await? {
        return Ok(false);
    }
    let hs = &healthspace.id;
    tell_clients_left(tx, &healthspace.name, hs, member.id, now).await?;
    connections::end_all_of(tx, hs, member.id, (actor, role), origin, now).await?;
    invitations::revoke_pending_for(tx, hs, member.email, (actor, role), origin, now).await?;
    let language = member.language.parse().unwrap_or(Language::Nl);
    let message = MailMessage::MembershipCancelled {
        healthspace: healthspace.name.clone(),
        role: member.role.code().to_owned(),
    };
    mail::enqueue(tx, member.email, member.full_name, language, message, now).await?;
    let action = AuditAction::MembershipCancelled;
    let record = event(actor, role, action, "membership", membership_id.as_str());
    let (hs, client) = (healthspace.id.as_str(), Some(member.id));
    audit::record_in(tx, origin, record, hs, client, now).await?;
    if member.role == Role::Client {
        let whose = (member.id, &healthspace.id);
        record::events::membership_ended(tx, whose, (actor, role), origin, now).await?;
    }
    Ok(true)
}

/// Emails each client connected to `leaving`, before those connections end, that this staff
/// member no longer is; a client who leaves is told of their membership instead (they are no
/// one's staff, so nobody is found).
async fn tell_clients_left(
    tx: &mut Tx,
    healthspace_name: &str,
    healthspace_id: &HealthspaceId,
    leaving: &AccountId,
    now: Timestamp,
) -> AppResult<()> {
    let clients = connection_store::clients_of_staff(&mut *tx, healthspace_id, leaving).await?;
    if clients.is_empty() {
        return Ok(());
    }
    let Some(staff) = account_store::find(&mut *tx, leaving).await? else {
        return Ok(());
    };
    for client in &clients {
        let pair = (&staff, client);
        connections::tell_client(tx, healthspace_name, pair, Change::Ended, now).await?;
    }
    Ok(())
}

/// Cancels every active membership of the Healthspace as its provider, each member emailed,
/// and revokes every pending invitation, inside the caller's transaction: deactivating a
/// Healthspace offers this first.
pub(crate) async fn cancel_all(
    tx: &mut Tx,
    healthspace: &HealthspaceRow,
    actor: (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    const BATCH: i64 = 200;
    let mut after = String::new();
    loop {
        let filter = MemberFilter {
            role: None,
            state: Some(MembershipState::Active),
            search: None,
            after: Some(&after),
        };
        let batch = store::page(&mut *tx, &healthspace.id, &filter, BATCH).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.membership.id.to_string();
        for row in &batch {
            let member = Member {
                id: &row.membership.account_id,
                role: row.membership.role,
                email: &row.email,
                full_name: &row.full_name,
                language: &row.language,
            };
            let id = &row.membership.id;
            end_by_provider(tx, healthspace, id, member, actor, origin, now).await?;
        }
    }
    invitations::revoke_all_pending(tx, &healthspace.id, actor, origin, now).await
}

/// A member as the members list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub membership_id: MembershipId,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    pub state: MembershipState,
    pub since: Timestamp,
    pub cancelled_at: Option<Timestamp>,
}

impl MemberView {
    pub fn is_active(&self) -> bool {
        self.state.is_active()
    }
}

impl From<MemberRow> for MemberView {
    fn from(row: MemberRow) -> Self {
        MemberView {
            membership_id: row.membership.id,
            full_name: row.full_name,
            email: row.email,
            role: row.membership.role,
            state: row.membership.state,
            since: row.membership.created_at,
            cancelled_at: row.membership.cancelled_at,
        }
    }
}

/// One page of the members list.
#[derive(Debug, Clone)]
pub struct MembersPage {
    pub members: Vec<MemberView>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

pub const PAGE_SIZE: i64 = 25;

/// One page of the members list; the read is audit-logged.
pub async fn members(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    filter: &MemberFilter<'_>,
) -> AppResult<MembersPage> {
    let (healthspace, facts) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::ManageMembers).await?;
    let page = page_of(ctx, &healthspace, filter).await?;
    listed(ctx, actor, &healthspace, facts).await?;
    Ok(page)
}

/// What the members page shows: a page of the list and the pending invitations (read in one
/// query), after one access check; the read is audit-logged.
pub async fn overview(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    filter: &MemberFilter<'_>,
) -> AppResult<(MembersPage, Vec<PendingInvitation>)> {
    let (healthspace, facts) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::ManageMembers).await?;
    let now = ctx.now();
    let read = store::overview::overview(
        &ctx.db,
        &healthspace.id,
        filter,
        PAGE_SIZE + 1,
        invitations::PENDING_SHOWN,
    )
    .await?;
    let page = page_from(read.members);
    let pending = invitations::pending_from(read.pending, now);
    listed(ctx, actor, &healthspace, facts).await?;
    Ok((page, pending))
}

/// The read entry of the members list: who saw the people of which Healthspace.
async fn listed(
    ctx: &AppContext,
    actor: &Actor,
    healthspace: &HealthspaceRow,
    facts: ActorFacts,
) -> AppResult<()> {
    let me = &actor.account;
    let hs = healthspace.id.as_str();
    let record = event(
        me,
        manager_role(facts),
        AuditAction::MembersListed,
        "healthspace",
        hs,
    );
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, record, hs, None).await
}

async fn page_of(
    ctx: &AppContext,
    healthspace: &HealthspaceRow,
    filter: &MemberFilter<'_>,
) -> AppResult<MembersPage> {
    let rows = store::page(&ctx.db, &healthspace.id, filter, PAGE_SIZE + 1).await?;
    Ok(page_from(rows))
}

/// A page of the list from up to one row more than a page, the extra one telling that there is
/// a next page.
fn page_from(mut rows: Vec<MemberRow>) -> MembersPage {
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|m| m.membership.id.to_string())
    } else {
        None
    };
    let members = rows.into_iter().map(MemberView::from).collect();
    MembersPage { members, next }
}

/// The most merges audit-logged per transaction.
const MERGE_BATCH: i64 = 100;

/// Writes the audit entries of memberships merged by the migration that made a membership one
/// role per account and Healthspace. Run after migrating; does nothing once all are logged.
pub async fn audit_merges(ctx: &AppContext) -> AppResult<u64> {
    let mut logged = 0;
    loop {
        let now = ctx.now();
        let mut tx = ctx.db.begin().await?;
        let merges = store::unaudited_merges(&mut tx, MERGE_BATCH).await?;
        if merges.is_empty() {
            return Ok(logged);
        }
        for merge in &merges {
            if !store::mark_merge_audited(&mut tx, &merge.membership_id, now).await? {
                continue;
            }
            let event = Event {
                actor: None,
                role: ActorRole::System,
                action: AuditAction::MembershipMerged,
                object_type: "membership",
                object_id: Some(merge.kept_id.as_str()),
                outcome: Outcome::Success,
            };
            let (hs, member) = (merge.healthspace_id.as_str(), &merge.account_id);
            let origin = Origin::default();
            audit::record_in(&mut tx, &origin, event, hs, Some(member), now).await?;
            logged += 1;
        }
        tx.commit().await?;
    }
}
