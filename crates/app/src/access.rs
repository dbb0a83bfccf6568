//! The one access entry point. The web layer builds an [`Actor`] once per request; a use case
//! asks here whether that actor may do an action on a subject, with the facts read in the use
//! case's own transaction. Every refusal is written to the security log, and answered as "not
//! found" so that nobody learns that the subject exists.

use crate::audit::Origin;
use crate::error::{AppError, AppResult};
use carespace_core::ids::{AccountId, HealthspaceId};
use carespace_core::policy::{self, Action, ActorFacts};
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow};
use carespace_store::{Exec, memberships, organisations};

/// Who is acting: an account, how it came in, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    pub via: Via,
    pub origin: Origin,
}

/// How the actor authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A browser session.
    Session,
    /// A personal access token with its scope.
    Token(TokenScope),
}

/// What a personal access token may reach. Every token has full access today; narrower scopes
/// (read-only, one Healthspace) are decided here when they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Full,
}

impl Actor {
    /// What the security log says about who acted.
    fn describe_via(&self) -> &'static str {
        match self.via {
            Via::Session => "session",
            Via::Token(TokenScope::Full) => "token",
        }
    }
}

/// What the policy knows about `account` in the Healthspace `row`.
pub(crate) async fn facts(
    ex: impl Into<Exec<'_>>,
    row: &HealthspaceRow,
    account: &AccountId,
) -> AppResult<ActorFacts> {
    let mut ex = ex.into();
    let role = memberships::active_role(&mut ex, &row.id, account).await?;
    let owns = organisations::is_owner(ex, row.organisation_id.as_str(), account.as_str()).await?;
    Ok(ActorFacts {
        owns_organisation: owns,
        role,
        healthspace_active: row.state == carespace_core::healthspaces::HealthspaceState::Active,
        staff_may_connect_self: row.settings.staff_connect_self,
    })
}

/// The Healthspace at `alias` with the actor's facts there, when the policy allows `action`;
/// otherwise "not found", and the refusal is logged. An old alias is "not found" here: pages
/// that follow old aliases ask for the Healthspace's home instead.
pub async fn healthspace(
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    alias: &str,
    action: Action,
) -> AppResult<(HealthspaceRow, ActorFacts)> {
    let mut ex = ex.into();
    let Some(row) = hs_store::find_by_any_alias(&mut ex, alias).await? else {
        return Err(refused(actor, action, Subject::Alias(alias)));
    };
    let facts = facts(ex, &row, &actor.account).await?;
    if row.alias != alias || !policy::allows(facts, action) {
        return Err(refused(actor, action, Subject::Healthspace(&row.id)));
    }
    Ok((row, facts))
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
