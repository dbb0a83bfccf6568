//! Invitations: an admin or owner invites an address into the Healthspace with a role; the
//! invited person accepts with a second identity check (their date of birth, when the admin
//! gave one). One invitation is open per address and Healthspace; someone who is already a
//! member is not invited again (their role is changed instead).

use super::{event, manager_role};
use crate::access::{self, Actor, Subject};
use crate::audit::{self, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::{self, MailMessage};
use crate::record;
use crate::worker::{JobError, JobHandler};
use async_trait::async_trait;
use carespace_core::accounts::Email;
use carespace_core::audit::Outcome;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, HealthspaceId, InvitationId, MembershipId};
use carespace_core::jobs::DEFAULT_MAX_ATTEMPTS;
use carespace_core::language::Language;
use carespace_core::memberships::{
    INVITATION_MS, MAX_FAILED_CHECKS, MembershipState, REMINDER_AFTER_MS, Role,
};
use carespace_core::policy::Action;
use carespace_core::record::EventKind;
use carespace_core::time::{Date, Timestamp};
use carespace_core::tokens;
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow};
use carespace_store::jobs::{self, ClaimedJob, NewJob};
use carespace_store::memberships::invitations::{self as store, InvitationRow};
use carespace_store::memberships::{self as membership_store, MembershipRow};
use carespace_store::{Exec, StoreError, Tx, accounts as account_store};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub struct InvitationInput {
    pub email: String,
    pub role: String,
    /// Required to invite a client, optional for staff and admins: the invited person must
    /// enter the same date at acceptance, a second check on their identity.
    pub birth_date: String,
}

pub const REMINDER_JOB: &str = "invitation_reminder";

/// A reminder job names its invitation, never its link: a job's payload outlives the email.
#[derive(Serialize, Deserialize)]
struct Reminder {
    invitation_id: String,
}

/// Invites someone into the Healthspace with a role; reminders follow after 3 and 7 days. A
/// pending invitation to the same address, expired or not, is closed in the same transaction.
pub async fn invite(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    input: InvitationInput,
) -> AppResult<()> {
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
    if role == Some(Role::Client) && birth_date == Some(None) {
        problems.add("birth_date", "birth_date_required_for_client");
    }
    problems.finish()?;
    let (Some(email), Some(role), Some(birth_date)) = (email, role, birth_date) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let mut tx = ctx.db.begin().await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    if let Some(member) = account_store::find_by_email(&mut tx, email.as_str()).await?
        && membership_store::active_role(&mut tx, &healthspace.id, &member.id)
            .await?
            .is_some()
    {
        return Err(AppError::field("email", "already_member"));
    }
    let now = ctx.now();
    let by = (&actor.account, manager_role(facts));
    let hs = &healthspace.id;
    revoke_pending_for(&mut tx, hs, email.as_str(), by, &actor.origin, now).await?;
    let invitation = InvitationRow {
        id: InvitationId::generate(),
        healthspace_id: healthspace.id.clone(),
        email: email.as_str().to_owned(),
        role,
        birth_date,
        invited_by: actor.account.clone(),
        expires_at: now.plus_millis(INVITATION_MS),
        failed_checks: 0,
    };
    send_invitation(&mut tx, &healthspace, &invitation, by, &actor.origin, now)
        .await
        .map_err(just_sent)?;
    tx.commit().await.map_err(|e| just_sent(e.into()))?;
    Ok(())
}

/// Revokes the pending invitation to `email` in the Healthspace, expired or not, audit-logged:
/// before a new one goes out, and when the person's membership ends.
pub(crate) async fn revoke_pending_for(
    tx: &mut Tx,
    healthspace_id: &HealthspaceId,
    email: &str,
    by: (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    if let Some(old) = store::close_pending_for(&mut *tx, healthspace_id, email, now).await? {
        revoked(tx, healthspace_id, &old, by, origin, now).await?;
    }
    Ok(())
}

/// Revokes every pending invitation of the Healthspace, each audit-logged: a Healthspace that
/// ends its memberships lets nobody in afterwards.
pub(crate) async fn revoke_all_pending(
    tx: &mut Tx,
    healthspace_id: &HealthspaceId,
    by: (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    for id in store::close_all_pending(&mut *tx, healthspace_id, now).await? {
        revoked(tx, healthspace_id, &id, by, origin, now).await?;
    }
    Ok(())
}

async fn revoked(
    tx: &mut Tx,
    healthspace_id: &HealthspaceId,
    invitation: &InvitationId,
    (actor, role): (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    let action = AuditAction::InvitationRevoked;
    let record = event(actor, role, action, "invitation", invitation.as_str());
    audit::record_in(tx, origin, record, healthspace_id.as_str(), None, now).await
}

/// Two invitations to one address at the same moment: the database kept the first.
fn just_sent(error: AppError) -> AppError {
    match error {
        AppError::Store(StoreError::Duplicate(_)) => {
            AppError::field("email", "invitation_just_sent")
        }
        other => other,
    }
}

/// Stores the invitation and, in the same transaction, its email, its reminders after 3 and 7
/// days, and the audit entry.
async fn send_invitation(
    tx: &mut Tx,
    healthspace: &HealthspaceRow,
    invitation: &InvitationRow,
    (actor, role): (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    let token = tokens::generate()?;
    store::insert(&mut *tx, invitation, &tokens::hash(&token), now).await?;
    let language = recipient_language(&mut *tx, &invitation.email).await?;
    let message = MailMessage::Invitation {
        healthspace: healthspace.name.clone(),
        role: invitation.role.code().to_owned(),
        token,
    };
    mail::enqueue(tx, &invitation.email, "", language, message, now).await?;
    let payload = serde_json::to_string(&Reminder {
        invitation_id: invitation.id.to_string(),
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
    let record = event(
        actor,
        role,
        AuditAction::InvitationSent,
        "invitation",
        invitation.id.as_str(),
    );
    let hs = healthspace.id.as_str();
    audit::record_in(tx, origin, record, hs, None, now).await
}

/// An invitation not yet accepted, as the members page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub expires_at: Timestamp,
    pub expired: bool,
    /// Too many wrong dates of birth: it can only be sent again.
    pub blocked: bool,
}

/// The most pending invitations the members page lists.
pub const PENDING_SHOWN: i64 = 50;

/// The Healthspace's invitations not accepted nor revoked, newest first.
pub async fn pending(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
) -> AppResult<Vec<PendingInvitation>> {
    let (healthspace, _) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::ManageMembers).await?;
    pending_in(ctx, &healthspace).await
}

/// The pending invitations of a Healthspace whose members the actor may manage.
pub(crate) async fn pending_in(
    ctx: &AppContext,
    healthspace: &HealthspaceRow,
) -> AppResult<Vec<PendingInvitation>> {
    let now = ctx.now();
    let rows = store::pending(&ctx.db, &healthspace.id, PENDING_SHOWN).await?;
    Ok(pending_from(rows, now))
}

/// Pending invitations as the members page shows them at `now`.
pub(crate) fn pending_from(rows: Vec<InvitationRow>, now: Timestamp) -> Vec<PendingInvitation> {
    rows.into_iter()
        .map(|row| PendingInvitation {
            expired: row.expires_at <= now,
            blocked: row.failed_checks >= MAX_FAILED_CHECKS,
            id: row.id,
            email: row.email,
            role: row.role,
            expires_at: row.expires_at,
        })
        .collect()
}

/// What follows when a pending invitation is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Its link and reminders stop working.
    Revoke,
    /// Sent again, expired or not: the old link stops working and a new one with a fresh 14
    /// days and its own reminders goes out to the same address, role and date of birth.
    SendAgain,
}

pub async fn close_pending(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    invitation_id: &str,
    closing: Closing,
) -> AppResult<()> {
    let refused = || access::refused(actor, Action::ManageMembers, Subject::Item(invitation_id));
    let id = InvitationId::parse(invitation_id).ok_or_else(refused)?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    let by = (&actor.account, manager_role(facts));
    let old = store::find_pending(&mut tx, &healthspace.id, &id)
        .await?
        .ok_or_else(refused)?;
    store::revoke(&mut tx, &old.id, now).await?;
    match closing {
        Closing::Revoke => {
            revoked(&mut tx, &healthspace.id, &old.id, by, &actor.origin, now).await?;
        }
        Closing::SendAgain => {
            let renewed = InvitationRow {
                id: InvitationId::generate(),
                invited_by: actor.account.clone(),
                expires_at: now.plus_millis(INVITATION_MS),
                // A new invitation, so new tries at the date of birth.
                failed_checks: 0,
                ..old
            };
            send_invitation(&mut tx, &healthspace, &renewed, by, &actor.origin, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn recipient_language(ex: impl Into<Exec<'_>>, email: &str) -> AppResult<Language> {
    Ok(account_store::find_by_email(ex, email)
        .await?
        .and_then(|a| a.language.parse().ok())
        .unwrap_or(Language::Nl))
}

/// Sends an invitation's reminder, unless it was accepted, revoked or expired meanwhile.
///
/// Only the hash of the invitation's link is stored, so a reminder cannot repeat the link.
/// Nor does it make a new one: that would break the link of the first email, which the
/// invited person may still follow. It leads to "Memberships", where whoever logs in with
/// (or registers) the invited address finds the invitation waiting.
pub struct ReminderHandler;

#[async_trait]
impl JobHandler for ReminderHandler {
    fn kind(&self) -> &'static str {
        REMINDER_JOB
    }

    /// Idempotent by the job id: the reminder's email takes the job's id, so a run repeated
    /// after a crash queues no second email.
    async fn run(&self, ctx: &AppContext, job: &ClaimedJob) -> Result<(), JobError> {
        let reminder: Reminder = serde_json::from_str(&job.payload)
            .map_err(|e| JobError(format!("unreadable reminder: {e}")))?;
        let fail = |e: &dyn std::fmt::Display| JobError(e.to_string());
        let Some(id) = InvitationId::parse(&reminder.invitation_id) else {
            return Ok(());
        };
        let now = ctx.now();
        let mut tx = ctx.db.begin().await.map_err(|e| fail(&e))?;
        let Some(invitation) = store::open_by_id(&mut tx, &id, now)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        let Some(healthspace) = hs_store::find(&mut tx, &invitation.healthspace_id)
            .await
            .map_err(|e| fail(&e))?
        else {
            return Ok(());
        };
        // An inactive Healthspace lets nobody in: reminding would only mislead.
        if healthspace.state != HealthspaceState::Active {
            return Ok(());
        }
        let language = recipient_language(&mut tx, &invitation.email)
            .await
            .map_err(|e| fail(&e))?;
        let message = MailMessage::InvitationReminder {
            healthspace: healthspace.name,
            role: invitation.role.code().to_owned(),
        };
        let to = &invitation.email;
        mail::enqueue_as(&mut tx, &job.id, to, "", language, message, now)
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

pub async fn view(ctx: &AppContext, token: &str) -> AppResult<InvitationView> {
    let (invitation, healthspace) = open(&ctx.db, ctx.now(), token).await?;
    Ok(InvitationView {
        healthspace: healthspace.name,
        alias: healthspace.alias,
        role: invitation.role,
        asks_birth_date: invitation.birth_date.is_some(),
    })
}

async fn open(
    ex: impl Into<Exec<'_>>,
    now: Timestamp,
    token: &str,
) -> AppResult<(InvitationRow, HealthspaceRow)> {
    if !tokens::is_well_formed(token) {
        return Err(AppError::LinkInvalid);
    }
    let mut ex = ex.into();
    let invitation = store::open_by_token(&mut ex, &tokens::hash(token), now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let healthspace = hs_store::find(ex, &invitation.healthspace_id)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    Ok((invitation, healthspace))
}

/// Accepts an invitation as the logged-in account; returns the Healthspace's alias. When the
/// admin gave a date of birth, the one entered must match it and the account's own.
pub async fn accept(
    ctx: &AppContext,
    actor: &Actor,
    token: &str,
    birth_date: &str,
) -> AppResult<String> {
    let mut tx = ctx.db.begin().await?;
    let (invitation, healthspace) = open(&mut tx, ctx.now(), token).await?;
    accept_open(ctx, tx, actor, invitation, healthspace, birth_date).await
}

/// Accepts an open invitation, found by its link or by the account's verified address, in the
/// transaction that found it. Only the account of the invited address may accept: a link
/// forwarded to, or found by, someone else lets them in nowhere. An account that is already a
/// member keeps its membership and the invitation stays open: their role is changed, not
/// added to.
pub(super) async fn accept_open(
    ctx: &AppContext,
    mut tx: Tx,
    actor: &Actor,
    invitation: InvitationRow,
    healthspace: HealthspaceRow,
    birth_date: &str,
) -> AppResult<String> {
    let me = &actor.account;
    let account = account_store::find(&mut tx, me)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = ctx.now();
    let hs = healthspace.id.as_str();
    if !same_address(&account.email, &invitation.email) {
        let id = invitation.id.as_str();
        let action = AuditAction::InvitationAddressMismatch;
        let mut denied = event(me, ActorRole::OwnAccount, action, "invitation", id);
        denied.outcome = Outcome::Denied;
        audit::record_in(&mut tx, &actor.origin, denied, hs, None, now).await?;
        tx.commit().await?;
        tracing::warn!(
            target: "security",
            account = %me,
            invitation = %id,
            ip = %actor.origin.ip,
            "invitation refused: sent to another address"
        );
        return Err(AppError::field("invitation", "invitation_other_address"));
    }
    if let Some(expected) = invitation.birth_date {
        if invitation.failed_checks >= MAX_FAILED_CHECKS {
            return Err(AppError::field("birth_date", "invitation_blocked"));
        }
        let entered = Date::parse_iso(birth_date);
        let own = Date::parse_iso(&account.birth_date);
        if entered != Some(expected) || own != Some(expected) {
            let failed = store::count_failed_check(&mut tx, &invitation.id).await?;
            let id = invitation.id.as_str();
            let action = AuditAction::InvitationIdentityCheckFailed;
            let mut denied = event(me, ActorRole::OwnAccount, action, "invitation", id);
            denied.outcome = Outcome::Denied;
            audit::record_in(&mut tx, &actor.origin, denied, hs, None, now).await?;
            tx.commit().await?;
            let code = if failed >= MAX_FAILED_CHECKS {
                "invitation_blocked"
            } else {
                "birth_date_mismatch"
            };
            return Err(AppError::field("birth_date", code));
        }
    }
    if membership_store::active_role(&mut tx, &healthspace.id, &actor.account)
        .await?
        .is_some()
    {
        return Err(AppError::field("invitation", "already_member"));
    }
    if !store::accept(&mut tx, &invitation.id, &actor.account, now).await? {
        return Err(AppError::LinkInvalid);
    }
    let membership = MembershipRow {
        id: MembershipId::generate(),
        healthspace_id: healthspace.id.clone(),
        account_id: actor.account.clone(),
        role: invitation.role,
        state: MembershipState::Active,
        created_at: now,
        cancelled_at: None,
        cancelled_by: None,
    };
    membership_store::insert(&mut tx, &membership)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => AppError::field("invitation", "already_member"),
            other => other.into(),
        })?;
    let record = event(
        me,
        ActorRole::OwnAccount,
        AuditAction::MembershipCreated,
        "membership",
        membership.id.as_str(),
    );
    audit::record_in(&mut tx, &actor.origin, record, hs, None, now).await?;
    if membership.role == Role::Client {
        let started = EventKind::MembershipStarted;
        let hs = &healthspace.id;
        record::events::membership(&mut tx, started, me, hs, Some(me), now).await?;
    }
    tx.commit().await?;
    Ok(healthspace.alias)
}

/// Whether two addresses are the same once normalised (case, surrounding space).
fn same_address(a: &str, b: &str) -> bool {
    match (Email::parse(a), Email::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
