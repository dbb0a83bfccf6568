//! Memberships, invitations and connections (rule 6, SPEC §2): admins invite people with a
//! role; the invited accept with a second identity check (their date of birth, when the admin
//! gave one); either side can cancel; staff see a client only through a connection.

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::{self, MailMessage};
use crate::worker::{JobError, JobHandler};
use async_trait::async_trait;
use carespace_core::accounts::Email;
use carespace_core::audit::Outcome;
use carespace_core::ids::new_id;
use carespace_core::jobs::DEFAULT_MAX_ATTEMPTS;
use carespace_core::language::Language;
use carespace_core::memberships::{INVITATION_MS, MembershipState, REMINDER_AFTER_MS, Role};
use carespace_core::policy::{self, Action, ActorFacts};
use carespace_core::time::{Date, Timestamp};
use carespace_core::tokens;
use carespace_store::jobs::{self, NewJob};
use carespace_store::memberships::{self as store, ConnectionRow, InvitationRow, MembershipRow};
use carespace_store::{
    Tx, accounts as account_store, healthspaces as hs_store, organisations as org_store,
};
use serde::{Deserialize, Serialize};

pub use carespace_store::memberships::{MemberFilter, MemberRow};

pub mod waiting;

/// What the policy needs about `account_id` in the Healthspace.
pub(crate) async fn facts(
    ctx: &AppContext,
    healthspace: &hs_store::HealthspaceRow,
    account_id: &str,
) -> AppResult<ActorFacts> {
    let roles = store::active_roles(&ctx.db, &healthspace.id, account_id).await?;
    let owns = org_store::is_owner(&ctx.db, &healthspace.organisation_id, account_id).await?;
    Ok(crate::healthspaces::facts_in(healthspace, &roles, owns))
}

/// The Healthspace at `alias`, when the account may manage its members; otherwise "not found".
pub async fn managed_healthspace(
    ctx: &AppContext,
    account_id: &str,
    alias: &str,
) -> AppResult<hs_store::HealthspaceRow> {
    Ok(managed_with_facts(ctx, account_id, alias).await?.0)
}

/// The same, with what the policy knows about the account there.
async fn managed_with_facts(
    ctx: &AppContext,
    account_id: &str,
    alias: &str,
) -> AppResult<(hs_store::HealthspaceRow, ActorFacts)> {
    crate::healthspaces::permitted(ctx, account_id, alias, Action::ManageMembers).await
}

fn event<'a>(
    actor: &'a str,
    role: &'a str,
    action: &'a str,
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

pub(crate) fn manager_role(facts: ActorFacts) -> &'static str {
    if facts.owns_organisation {
        "owner"
    } else {
        "admin"
    }
}

#[derive(Debug, Clone)]
pub struct InvitationInput {
    pub email: String,
    pub role: String,
    /// Optional: when given, the invited person must enter the same date at acceptance.
    pub birth_date: String,
}

pub const REMINDER_JOB: &str = "invitation_reminder";

#[derive(Serialize, Deserialize)]
struct Reminder {
    invitation_id: String,
    token: String,
}

/// Invites someone into the Healthspace with a role; reminders follow after 3 and 7 days.
pub async fn invite(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    input: InvitationInput,
    origin: &Origin,
) -> AppResult<()> {
    let (healthspace, facts) = managed_with_facts(ctx, actor, alias).await?;
    let mut problems = Problems::default();
    let email = problems.check("email", Email::parse(&input.email));
    let role = problems.check("role", Role::parse(&input.role));
    let birth_date = if input.birth_date.trim().is_empty() {
        Some(None)
    } else {
        problems.check(
            "birth_date",
            Date::parse_iso(&input.birth_date)
                .map(Some)
                .ok_or("birth_date_invalid"),
        )
    };
    problems.finish()?;
    let (Some(email), Some(role), Some(birth_date)) = (email, role, birth_date) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let invitation = InvitationRow {
        id: new_id(),
        healthspace_id: healthspace.id.clone(),
        email: email.as_str().to_owned(),
        role: role.code().to_owned(),
        birth_date: birth_date.map(|d| d.to_string()),
        invited_by: actor.to_owned(),
        expires_at: ctx.now().plus_millis(INVITATION_MS),
    };
    let mut tx = ctx.db.begin().await?;
    let actor = (actor, manager_role(facts));
    send_invitation(ctx, &mut tx, &healthspace, &invitation, actor, origin).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores the invitation and, in the same transaction, its email, its reminders after 3 and 7
/// days, and the audit entry.
async fn send_invitation(
    ctx: &AppContext,
    tx: &mut Tx,
    healthspace: &hs_store::HealthspaceRow,
    invitation: &InvitationRow,
    (actor, role): (&str, &str),
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let token = tokens::generate()?;
    store::insert_invitation(&mut *tx, invitation, &tokens::hash(&token), now).await?;
    let language = recipient_language(tx, &invitation.email).await?;
    let message = MailMessage::Invitation {
        healthspace: healthspace.name.clone(),
        role: invitation.role.clone(),
        token: token.clone(),
        reminder: false,
    };
    mail::enqueue(tx, &invitation.email, "", language, message, now).await?;
    let payload = serde_json::to_string(&Reminder {
        invitation_id: invitation.id.clone(),
        token,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    for (n, after) in REMINDER_AFTER_MS.iter().enumerate() {
        let key = format!("reminder:{}:{n}", invitation.id);
        let job = NewJob {
            kind: REMINDER_JOB,
            payload: &payload,
            idempotency_key: Some(&key),
            run_at: now.plus_millis(*after),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        };
        jobs::enqueue(&mut *tx, &job, now).await?;
    }
    let record = event(actor, role, "invitation_sent", "invitation", &invitation.id);
    audit::record_in(tx, origin, record, &healthspace.id, None, now).await
}

/// An invitation not yet accepted, as the members page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub expires_at: Timestamp,
    pub expired: bool,
}

/// The most pending invitations the members page lists.
pub const PENDING_SHOWN: i64 = 50;

/// The Healthspace's invitations not accepted nor revoked, newest first.
pub async fn pending_invitations(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
) -> AppResult<Vec<PendingInvitation>> {
    let healthspace = managed_healthspace(ctx, actor, alias).await?;
    let now = ctx.now();
    let rows = store::pending_invitations(&ctx.db, &healthspace.id, PENDING_SHOWN).await?;
    Ok(rows
        .into_iter()
        .map(|row| PendingInvitation {
            role: Role::parse(&row.role).unwrap_or(Role::Client),
            expired: row.expires_at <= now,
            id: row.id,
            email: row.email,
            expires_at: row.expires_at,
        })
        .collect())
}

/// Revokes a pending invitation: its link and reminders stop working.
pub async fn revoke_invitation(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    invitation_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let closing = Closing::Revoke;
    close_pending(ctx, actor, alias, invitation_id, closing, origin).await
}

/// Sends a pending invitation again, expired or not: the old link stops working and a new one
/// with a fresh 14 days and its own reminders goes out.
pub async fn resend_invitation(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    invitation_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let closing = Closing::SendAgain;
    close_pending(ctx, actor, alias, invitation_id, closing, origin).await
}

/// What follows when a pending invitation is closed.
enum Closing {
    Revoke,
    /// A new invitation to the same address, role and date of birth.
    SendAgain,
}

async fn close_pending(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    invitation_id: &str,
    closing: Closing,
    origin: &Origin,
) -> AppResult<()> {
    let (healthspace, facts) = managed_with_facts(ctx, actor, alias).await?;
    let role = manager_role(facts);
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let old = store::pending_invitation(&mut tx, &healthspace.id, invitation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::revoke_invitation(&mut tx, &old.id, now).await?;
    match closing {
        Closing::Revoke => {
            let record = event(actor, role, "invitation_revoked", "invitation", &old.id);
            audit::record_in(&mut tx, origin, record, &healthspace.id, None, now).await?;
        }
        Closing::SendAgain => {
            let renewed = InvitationRow {
                id: new_id(),
                invited_by: actor.to_owned(),
                expires_at: now.plus_millis(INVITATION_MS),
                ..old
            };
            send_invitation(ctx, &mut tx, &healthspace, &renewed, (actor, role), origin).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn recipient_language(tx: &mut Tx, email: &str) -> AppResult<Language> {
    Ok(account_store::find_by_email(tx, email)
        .await?
        .and_then(|a| a.language.parse().ok())
        .unwrap_or(Language::Nl))
}

/// Sends an invitation's reminder, unless it was accepted, revoked or expired meanwhile.
pub struct ReminderHandler;

#[async_trait]
impl JobHandler for ReminderHandler {
    fn kind(&self) -> &'static str {
        REMINDER_JOB
    }

    async fn run(&self, ctx: &AppContext, payload: &str) -> Result<(), JobError> {
        let reminder: Reminder = serde_json::from_str(payload)
            .map_err(|e| JobError(format!("unreadable reminder: {e}")))?;
        let fail = |e: &dyn std::fmt::Display| JobError(e.to_string());
        let now = ctx.now();
        let Some(invitation) = store::open_invitation_by_id(&ctx.db, &reminder.invitation_id, now)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        let Some(healthspace) = hs_store::find(&ctx.db, &invitation.healthspace_id)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        let mut tx = ctx.db.begin().await.map_err(|e| fail(&e))?;
        let language = recipient_language(&mut tx, &invitation.email)
            .await
            .map_err(|e| fail(&e))?;
        let message = MailMessage::Invitation {
            healthspace: healthspace.name,
            role: invitation.role,
            token: reminder.token,
            reminder: true,
        };
        mail::enqueue(&mut tx, &invitation.email, "", language, message, now)
            .await
            .map_err(|e| fail(&e))?;
        tx.commit().await.map_err(|e| fail(&e))
    }
}

/// What the invited person sees before accepting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub healthspace: String,
    pub alias: String,
    pub role: Role,
    /// The admin gave a date of birth: the invited person must enter theirs.
    pub asks_birth_date: bool,
}

pub async fn view_invitation(ctx: &AppContext, token: &str) -> AppResult<InvitationView> {
    let (invitation, healthspace) = open(ctx, token).await?;
    Ok(InvitationView {
        healthspace: healthspace.name,
        alias: healthspace.alias,
        role: Role::parse(&invitation.role).map_err(|_| AppError::LinkInvalid)?,
        asks_birth_date: invitation.birth_date.is_some(),
    })
}

async fn open(
    ctx: &AppContext,
    token: &str,
) -> AppResult<(InvitationRow, hs_store::HealthspaceRow)> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let invitation = store::open_invitation(&ctx.db, &tokens::hash(token), ctx.now())
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let healthspace = hs_store::find(&ctx.db, &invitation.healthspace_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    Ok((invitation, healthspace))
}

/// Accepts an invitation as the logged-in account; returns the Healthspace's alias. When the
/// admin gave a date of birth, the one entered must match it and the account's own.
pub async fn accept(
    ctx: &AppContext,
    account_id: &str,
    token: &str,
    birth_date: &str,
    origin: &Origin,
) -> AppResult<String> {
    let (invitation, healthspace) = open(ctx, token).await?;
    accept_open(ctx, account_id, invitation, healthspace, birth_date, origin).await
}

/// Accepts an open invitation, found by its link or by the account's verified address.
async fn accept_open(
    ctx: &AppContext,
    account_id: &str,
    invitation: InvitationRow,
    healthspace: hs_store::HealthspaceRow,
    birth_date: &str,
    origin: &Origin,
) -> AppResult<String> {
    let account = account_store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.now();
    if let Some(expected) = &invitation.birth_date {
        let entered = Date::parse_iso(birth_date).map(|d| d.to_string());
        if entered.as_deref() != Some(expected.as_str()) || account.birth_date != *expected {
            let mut tx = ctx.db.begin().await?;
            let mut denied = event(
                account_id,
                "self",
                "invitation_identity_check_failed",
                "invitation",
                &invitation.id,
            );
            denied.outcome = Outcome::Denied;
            audit::record_in(&mut tx, origin, denied, &healthspace.id, None, now).await?;
            tx.commit().await?;
            return Err(AppError::field("birth_date", "birth_date_mismatch"));
        }
    }
    let mut tx = ctx.db.begin().await?;
    if !store::accept_invitation(&mut tx, &invitation.id, account_id, now).await? {
        return Err(AppError::LinkInvalid);
    }
    let already = store::active_roles(&ctx.db, &healthspace.id, account_id).await?;
    if !already.contains(&invitation.role) {
        let membership = MembershipRow {
            id: new_id(),
            healthspace_id: healthspace.id.clone(),
            account_id: account_id.to_owned(),
            role: invitation.role.clone(),
            state: MembershipState::Active.code().to_owned(),
            created_at: now,
            cancelled_at: None,
            cancelled_by: None,
        };
        store::insert(&mut tx, &membership).await?;
        audit::record_in(
            &mut tx,
            origin,
            event(
                account_id,
                "self",
                "membership_created",
                "membership",
                &membership.id,
            ),
            &healthspace.id,
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(healthspace.alias)
}

/// A membership as its member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyMembership {
    pub id: String,
    pub healthspace: String,
    pub alias: String,
    pub role: Role,
    pub state: MembershipState,
    pub since: Timestamp,
    pub cancelled_at: Option<Timestamp>,
}

pub async fn mine(ctx: &AppContext, account_id: &str) -> AppResult<Vec<MyMembership>> {
    Ok(store::of_account(&ctx.db, account_id)
        .await?
        .into_iter()
        .map(|(m, healthspace, alias)| MyMembership {
            role: Role::parse(&m.role).unwrap_or(Role::Client),
            state: MembershipState::from_code(&m.state),
            id: m.id,
            healthspace,
            alias,
            since: m.created_at,
            cancelled_at: m.cancelled_at,
        })
        .collect())
}

/// The member cancels their own membership. Staff of the Healthspace lose access to them at
/// once (their connections end); the client keeps everything.
pub async fn cancel_own(
    ctx: &AppContext,
    account_id: &str,
    membership_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let membership = store::find(&ctx.db, membership_id)
        .await?
        .filter(|m| m.account_id == account_id)
        .ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if store::cancel(&mut tx, &membership.id, account_id, now).await? {
        store::end_connections_of(
            &mut tx,
            &membership.healthspace_id,
            account_id,
            account_id,
            now,
        )
        .await?;
        let record = event(
            account_id,
            "self",
            "membership_cancelled",
            "membership",
            &membership.id,
        );
        audit::record_in(
            &mut tx,
            origin,
            record,
            &membership.healthspace_id,
            Some(account_id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An admin or owner cancels someone's membership: same effect, and the member is emailed.
pub async fn cancel_by_provider(
    ctx: &AppContext,
    actor: &str,
    membership_id: &str,
    origin: &Origin,
) -> AppResult<()> {
    let membership = store::find(&ctx.db, membership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let healthspace = hs_store::find(&ctx.db, &membership.healthspace_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = facts(ctx, &healthspace, actor).await?;
    if !policy::allows(facts, Action::ManageMembers) {
        return Err(AppError::NotFound);
    }
    let member = account_store::find(&ctx.db, &membership.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let member = Member {
        id: &member.id,
        email: &member.email,
        full_name: &member.full_name,
        language: &member.language,
    };
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let actor = (actor, manager_role(facts));
    end_by_provider(
        &mut tx,
        &healthspace,
        &membership.id,
        member,
        actor,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who a provider's cancellation is emailed to.
#[derive(Clone, Copy)]
struct Member<'a> {
    id: &'a str,
    email: &'a str,
    full_name: &'a str,
    language: &'a str,
}

/// Cancels an active membership as the provider: the member's connections end, the member is
/// emailed, and the audit log notes it. False when it was no longer active.
async fn end_by_provider(
    tx: &mut Tx,
    healthspace: &hs_store::HealthspaceRow,
    membership_id: &str,
    member: Member<'_>,
    (actor, role): (&str, &str),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<bool> {
    if !store::cancel(&mut *tx, membership_id, actor, now).await? {
        return Ok(false);
    }
    store::end_connections_of(&mut *tx, &healthspace.id, member.id, actor, now).await?;
    let language = member.language.parse().unwrap_or(Language::Nl);
    let message = MailMessage::MembershipCancelled {
        healthspace: healthspace.name.clone(),
    };
    mail::enqueue(tx, member.email, member.full_name, language, message, now).await?;
    let record = event(
        actor,
        role,
        "membership_cancelled",
        "membership",
        membership_id,
    );
    audit::record_in(tx, origin, record, &healthspace.id, Some(member.id), now).await?;
    Ok(true)
}

/// Cancels every active membership of the Healthspace as its provider, each member emailed,
/// inside the caller's transaction: deactivating offers this first (seed 003).
pub(crate) async fn cancel_all(
    ctx: &AppContext,
    tx: &mut Tx,
    healthspace: &hs_store::HealthspaceRow,
    actor: (&str, &str),
    origin: &Origin,
) -> AppResult<()> {
    const BATCH: i64 = 200;
    let now = ctx.now();
    let mut after = String::new();
    loop {
        let filter = MemberFilter {
            role: None,
            state: Some(MembershipState::Active.code()),
            search: None,
            after: Some(&after),
        };
        let batch = store::page(&ctx.db, &healthspace.id, &filter, BATCH).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.membership.id.clone();
        for row in &batch {
            let member = Member {
                id: &row.membership.account_id,
                email: &row.email,
                full_name: &row.full_name,
                language: &row.language,
            };
            let id = &row.membership.id;
            end_by_provider(tx, healthspace, id, member, actor, origin, now).await?;
        }
    }
    Ok(())
}

/// One page of the members list.
#[derive(Debug, Clone)]
pub struct MembersPage {
    pub members: Vec<MemberRow>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

pub const PAGE_SIZE: i64 = 25;

pub async fn members(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    filter: &MemberFilter<'_>,
) -> AppResult<MembersPage> {
    let healthspace = managed_healthspace(ctx, actor, alias).await?;
    let mut members = store::page(&ctx.db, &healthspace.id, filter, PAGE_SIZE + 1).await?;
    let next = if members.len() as i64 > PAGE_SIZE {
        members.truncate(PAGE_SIZE as usize);
        members.last().map(|m| m.membership.id.clone())
    } else {
        None
    };
    Ok(MembersPage { members, next })
}

/// Connects a staff member (or admin) to a client of the same Healthspace, both named by email.
pub async fn connect(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    staff_email: &str,
    client_email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let (healthspace, facts) = managed_with_facts(ctx, actor, alias).await?;
    let staff = member_by_email(ctx, &healthspace.id, staff_email, STAFF_ROLES, "staff").await?;
    let client = member_by_email(ctx, &healthspace.id, client_email, &["client"], "client").await?;
    let actor = (actor, manager_role(facts));
    link(ctx, &healthspace.id, &staff.id, &client.id, actor, origin).await
}

/// A staff member connects themselves to a client, when the Healthspace's setting allows it.
pub async fn connect_self(
    ctx: &AppContext,
    actor: &str,
    alias: &str,
    client_email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let (healthspace, _) =
        crate::healthspaces::permitted(ctx, actor, alias, Action::ConnectSelf).await?;
    let field = "client_email";
    let client = member_by_email(ctx, &healthspace.id, client_email, &["client"], field).await?;
    link(
        ctx,
        &healthspace.id,
        actor,
        &client.id,
        (actor, "staff"),
        origin,
    )
    .await
}

const STAFF_ROLES: &[&str] = &["staff", "admin"];

/// The account with this email, when it holds one of `roles` in the Healthspace; otherwise a
/// problem with `field` that says only "not a member".
async fn member_by_email(
    ctx: &AppContext,
    healthspace_id: &str,
    email: &str,
    roles: &[&str],
    field: &'static str,
) -> AppResult<account_store::AccountRow> {
    let email = email.trim().to_lowercase();
    let not_a_member = || AppError::field(field, "not_a_member");
    let account = account_store::find_by_email(&ctx.db, &email)
        .await?
        .ok_or_else(not_a_member)?;
    let held = store::active_roles(&ctx.db, healthspace_id, &account.id).await?;
    if held.iter().any(|r| roles.contains(&r.as_str())) {
        Ok(account)
    } else {
        Err(not_a_member())
    }
}

/// Connects staff and client, unless they already are; audit-logged as about the client.
async fn link(
    ctx: &AppContext,
    healthspace_id: &str,
    staff_id: &str,
    client_id: &str,
    (actor, role): (&str, &str),
    origin: &Origin,
) -> AppResult<()> {
    if store::is_connected(&ctx.db, healthspace_id, staff_id, client_id).await? {
        return Ok(());
    }
    let now = ctx.now();
    let connection = ConnectionRow {
        id: new_id(),
        healthspace_id: healthspace_id.to_owned(),
        staff_account_id: staff_id.to_owned(),
        client_account_id: client_id.to_owned(),
        created_at: now,
    };
    let mut tx = ctx.db.begin().await?;
    store::insert_connection(&mut tx, &connection, actor).await?;
    let record = event(
        actor,
        role,
        "connection_created",
        "connection",
        &connection.id,
    );
    audit::record_in(
        &mut tx,
        origin,
        record,
        healthspace_id,
        Some(client_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "My connections": who is connected to the client, where, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyConnection {
    pub staff_name: String,
    pub healthspace: String,
    pub since: Timestamp,
}

pub async fn my_connections(ctx: &AppContext, account_id: &str) -> AppResult<Vec<MyConnection>> {
    Ok(store::connections_of_client(&ctx.db, account_id)
        .await?
        .into_iter()
        .map(|(connection, staff_name, healthspace)| MyConnection {
            staff_name,
            healthspace,
            since: connection.created_at,
        })
        .collect())
}
