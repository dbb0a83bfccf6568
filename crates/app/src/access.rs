//! The one access entry point. The web layer builds an [`Actor`] once per request; a use case
//! asks here whether that actor may do an action on a subject, with the facts read in the use
//! case's own transaction. Every refusal is written to the security log, and answered as "not
//! found" so that nobody learns that the subject exists; where it concerns clients' data, it is
//! audit-logged too ([`client_data`]).

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, HealthspaceId};
use carespace_core::memberships::Role;
use carespace_core::policy::{self, Action, ActorFacts, TokenReach};
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow, HealthspaceWithActor};
use carespace_store::{Exec, memberships, organisations};
use std::sync::Arc;

/// Who is acting: an account, how it came in, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    pub via: Via,
    pub origin: Origin,
    /// The Healthspace of the request's path, read with the actor's session.
    pub seen: Option<Arc<Seen>>,
}

/// The Healthspace at an alias with an account's facts there (or nothing, when the alias leads
/// nowhere), read in the same query as the account's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    alias: String,
    account: AccountId,
    found: Option<(HealthspaceRow, ActorFacts)>,
}

impl Seen {
    pub(crate) fn new(
        alias: &str,
        account: AccountId,
        found: Option<HealthspaceWithActor>,
    ) -> Seen {
        Seen {
            alias: alias.to_owned(),
            account,
            found: found.map(|found| {
                let facts = facts_of(&found.healthspace, found.role, found.owns_organisation);
                (found.healthspace, facts)
            }),
        }
    }
}

/// How the actor authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session.
    Session,
    /// A personal access token with its scope.
    Token(TokenScope),
}

pub use carespace_core::policy::{TokenAccess, TokenScope};

impl Actor {
    /// What the security log says about who acted.
    fn describe_via(&self) -> &'static str {
        match self.via {
            Via::Session => "session",
            Via::Token(_) => "token",
        }
    }

    /// Whether the actor's token (if it came with one) reaches the Healthspace `id`.
    pub(crate) fn reaches(&self, id: &HealthspaceId) -> bool {
        match &self.via {
            Via::Session => true,
            Via::Token(scope) => {
                policy::token_allows(scope, TokenReach::Healthspace(Some(id)), false)
            }
        }
    }
}

/// The facts of an account in a Healthspace, from what was read about both.
fn facts_of(row: &HealthspaceRow, role: Option<Role>, owns_organisation: bool) -> ActorFacts {
    ActorFacts {
        owns_organisation,
        role,
        healthspace_active: row.state == HealthspaceState::Active,
        staff_may_connect_self: row.settings.staff_connect_self,
    }
}

/// The Healthspace an alias leads to (current or old) with `account`'s facts there, read in
/// one query: what every page of a Healthspace reads before its own content.
pub(crate) async fn with_facts(
    ex: impl Into<Exec<'_>>,
    alias: &str,
    account: &AccountId,
) -> AppResult<Option<(HealthspaceRow, ActorFacts)>> {
    let Some(found) = hs_store::with_actor_facts(ex, alias, account).await? else {
        return Ok(None);
    };
    let facts = facts_of(&found.healthspace, found.role, found.owns_organisation);
    Ok(Some((found.healthspace, facts)))
}

/// [`with_facts`], taking what was read with the session ([`Seen`]) when it is about the same
/// alias and account and `ex` is the pool: a page that only reads then reads it once, and as
/// current as a second query would. In a transaction it is always read again, so that a change
/// is decided on what its transaction sees.
pub(crate) async fn with_facts_seen(
    ex: impl Into<Exec<'_>>,
    alias: &str,
    account: &AccountId,
    seen: Option<&Seen>,
) -> AppResult<Option<(HealthspaceRow, ActorFacts)>> {
    let ex = ex.into();
    if let Exec::Pool(_) = ex
        && let Some(seen) = seen.filter(|seen| seen.alias == alias && seen.account == *account)
    {
        return Ok(seen.found.clone());
    }
    with_facts(ex, alias, account).await
}

/// What the policy knows about `account` in the Healthspace `row`.
pub(crate) async fn facts(
    ex: impl Into<Exec<'_>>,
    row: &HealthspaceRow,
    account: &AccountId,
) -> AppResult<ActorFacts> {
    let mut ex = ex.into();
    let role = memberships::active_role(&mut ex, &row.id, account).await?;
    let owns = organisations::is_owner(ex, &row.organisation_id, account).await?;
    Ok(facts_of(row, role, owns))
}

/// The Healthspace at `alias` with the actor's facts there, when the policy allows `action`
/// (and the actor's token reaches that Healthspace); otherwise "not found", and the refusal is
/// logged. An old alias is "not found" here: pages
/// that follow old aliases ask for the Healthspace's home instead.
pub async fn healthspace(
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    alias: &str,
    action: Action,
) -> AppResult<(HealthspaceRow, ActorFacts)> {
    let seen = actor.seen.as_deref();
    let Some((row, facts)) = with_facts_seen(ex, alias, &actor.account, seen).await? else {
        return Err(refused(actor, action, Subject::Alias(alias)));
    };
    if !permitted(&row, facts, actor, alias, action) {
        return Err(refused(actor, action, Subject::Healthspace(&row.id)));
    }
    Ok((row, facts))
}

/// The one decision both entry points make: the Healthspace is named by its current alias, the
/// policy allows the action, and the actor's token (if any) reaches it.
fn permitted(
    row: &HealthspaceRow,
    facts: ActorFacts,
    actor: &Actor,
    alias: &str,
    action: Action,
) -> bool {
    row.alias == alias && policy::allows(facts, action) && actor.reaches(&row.id)
}

/// [`healthspace`] for what holds clients' data (its members, connections and audit log): a
/// refusal where the Healthspace exists is also audit-logged, as denied, through the batched
/// appender (the use case's own transaction is rolled back with the refusal).
pub async fn client_data(
    ctx: &AppContext,
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    alias: &str,
    action: Action,
) -> AppResult<(HealthspaceRow, ActorFacts)> {
    let seen = actor.seen.as_deref();
    let Some((row, facts)) = with_facts_seen(ex, alias, &actor.account, seen).await? else {
        return Err(refused(actor, action, Subject::Alias(alias)));
    };
    if permitted(&row, facts, actor, alias, action) {
        return Ok((row, facts));
    }
    let error = refused(actor, action, Subject::Healthspace(&row.id));
    let (me, hs) = (&actor.account, row.id.as_str());
    let attempted = attempted(action);
    let event = Event {
        actor: Some(me),
        role: facts.role.map_or(ActorRole::NonMember, ActorRole::from),
        action: AuditAction::AccessRefused,
        // What was attempted, on the Healthspace as a whole.
        object_type: &attempted,
        object_id: Some(hs),
        outcome: Outcome::Denied,
    };
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, event, hs, None).await?;
    Err(error)
}

/// An action as a stable snake_case code: `ManageMembers` is `manage_members`.
fn attempted(action: Action) -> String {
    let mut code = String::new();
    for (i, c) in format!("{action:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            code.push('_');
        }
        code.push(c.to_ascii_lowercase());
    }
    code
}

/// The role a manager acts in, for the audit log.
pub(crate) fn manager_role(facts: ActorFacts) -> ActorRole {
    if facts.owns_organisation {
        ActorRole::Owner
    } else {
        ActorRole::Admin
    }
}

/// What a refused request was about.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A Healthspace alias that leads nowhere.
    Alias(&'a str),
    Healthspace(&'a HealthspaceId),
    /// Something inside a Healthspace, by its id.
    Item(&'a str),
}

/// Writes a refusal to the security log (who, what, which subject, from where; the log line
/// carries the time in UTC) and gives the answer the actor sees: not found.
pub fn refused(actor: &Actor, action: Action, subject: Subject<'_>) -> AppError {
    let subject = match subject {
        Subject::Alias(alias) => format!("alias:{alias}"),
        Subject::Healthspace(id) => format!("healthspace:{id}"),
        Subject::Item(id) => format!("item:{id}"),
    };
    tracing::warn!(
        target: "security",
        account = %actor.account,
        via = actor.describe_via(),
        action = ?action,
        subject = %subject,
        ip = %actor.origin.ip,
        "access refused"
    );
    AppError::NotFound
}
