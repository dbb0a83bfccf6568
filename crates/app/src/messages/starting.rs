//! Starting a conversation: a client with one or more staff connected to them; staff with a
//! connected client (and colleagues connected to that client too), or with colleagues. The
//! first message is written in the same transaction as the conversation.

use super::CONVERSATION;
use super::sending::{self, Sent};
use super::standing;
use crate::access::{self, Actor, Subject};
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::audit::AuditAction;
use carespace_core::ids::{AccountId, ConversationId, HealthspaceId};
use carespace_core::memberships::Role;
use carespace_core::messages::{self, ConversationKind};
use carespace_core::policy::{self, Action, ActorFacts, Counterpart};
use carespace_store::connections;
use carespace_store::messages::conversations::{self, NewConversation};
use carespace_store::messages::counterparts::{self, CounterpartRow, Relation};

/// The most people offered to write to.
const CANDIDATES_MAX: i64 = 500;

/// Someone the actor may write to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub account_id: AccountId,
    pub name: String,
    /// A client (else staff or an admin).
    pub is_client: bool,
}

/// The people of one Healthspace the actor may write to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub healthspace_id: HealthspaceId,
    pub healthspace_name: String,
    pub healthspace_alias: String,
    pub people: Vec<Candidate>,
}

/// Everyone the actor may start a conversation with, per Healthspace.
pub async fn candidates(ctx: &AppContext, actor: &Actor) -> AppResult<Vec<Candidates>> {
    let rows = counterparts::of(&ctx.db, &actor.account, None, CANDIDATES_MAX).await?;
    let mut groups: Vec<Candidates> = Vec::new();
    for row in rows {
        if !actor.reaches(&row.healthspace_id) {
            continue;
        }
        let candidate = Candidate {
            account_id: row.account_id,
            name: row.full_name,
            is_client: row.relation == Relation::ConnectedClient,
        };
        match groups.last_mut() {
            Some(group) if group.healthspace_id == row.healthspace_id => {
                group.people.push(candidate)
            }
            _ => groups.push(Candidates {
                healthspace_id: row.healthspace_id,
                healthspace_name: row.healthspace_name,
                healthspace_alias: row.healthspace_alias,
                people: vec![candidate],
            }),
        }
    }
    Ok(groups)
}

/// What the one who starts a conversation chose.
#[derive(Debug, Clone, Default)]
pub struct NewConversationInput<'a> {
    /// The Healthspace's alias.
    pub alias: &'a str,
    /// The ids of the people to write to.
    pub with: Vec<&'a str>,
    pub text: &'a str,
}

/// Starts a conversation and sends its first message. Someone the actor may not write to is
/// "not found" (logged); choosing nobody, or two clients, is a problem told on `with`.
pub async fn start(
    ctx: &AppContext,
    actor: &Actor,
    input: NewConversationInput<'_>,
) -> AppResult<Sent> {
    let text = messages::text(input.text, 0).map_err(|p| AppError::Invalid(vec![p]));
    if input.with.is_empty() {
        let mut problems = vec![carespace_core::accounts::FieldProblem::new(
            "with",
            "recipients_missing",
        )];
        problems.extend(text.err().into_iter().flat_map(|e| match e {
            AppError::Invalid(found) => found,
            _ => Vec::new(),
        }));
        return Err(AppError::Invalid(problems));
    }
    let text = text?;
    let me = &actor.account;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (healthspace, facts) =
        access::healthspace(&mut tx, actor, input.alias, Action::SendMessages).await?;
    let hs = &healthspace.id;
    let mut chosen: Vec<CounterpartRow> = Vec::new();
    for other in &input.with {
        let refused = || access::refused(actor, Action::SendMessages, Subject::Item(other));
        let other = AccountId::parse(other).ok_or_else(refused)?;
        if chosen.iter().any(|c| c.account_id == other) {
            continue;
        }
        let found = counterparts::of(&mut tx, me, Some((hs, &other)), 1).await?;
        let row = found.into_iter().next().ok_or_else(refused)?;
        if !policy::may_start_conversation(facts, counterpart(row.relation)) {
            return Err(refused());
        }
        chosen.push(row);
    }
    let client = client_of(facts, me, &chosen)?;
    // Staff who join a client's conversation must each be connected to that client.
    if let Some(client) = &client {
        for staff in chosen.iter().filter(|c| c.relation == Relation::Colleague) {
            let connected =
                connections::connected_client(&mut tx, hs, &staff.account_id, client).await?;
            if connected.is_none() {
                return Err(AppError::field("with", "recipient_not_connected"));
            }
        }
    }
    let id = ConversationId::generate();
    let mut everyone: Vec<AccountId> = vec![me.clone()];
    everyone.extend(chosen.iter().map(|c| c.account_id.clone()));
    let new = NewConversation {
        id: &id,
        healthspace_id: hs,
        kind: if client.is_some() {
            ConversationKind::Care
        } else {
            ConversationKind::Staff
        },
        client_account_id: client.as_ref(),
        started_by: me,
        participants: &everyone,
        now,
    };
    conversations::insert(&mut tx, &new).await?;
    let reader = standing::read(ctx, &mut tx, actor, id.as_str()).await?;
    let role = reader.role_of(me);
    let started = event(
        me,
        role,
        AuditAction::ConversationStarted,
        CONVERSATION,
        id.as_str(),
    );
    audit::record_in(
        &mut tx,
        &actor.origin,
        started,
        hs.as_str(),
        client.as_ref(),
        now,
    )
    .await?;
    let sent = sending::write(ctx, &mut tx, actor, &reader, (&text, &[])).await?;
    tx.commit().await?;
    super::publishing::sent(ctx, &sent).await;
    Ok(sent)
}

fn counterpart(relation: Relation) -> Counterpart {
    match relation {
        Relation::ConnectedStaff => Counterpart::ConnectedStaff,
        Relation::ConnectedClient => Counterpart::ConnectedClient,
        Relation::Colleague => Counterpart::Colleague,
    }
}

/// The client of the conversation to be: the actor when they are one, else the one client
/// chosen, if any. Two clients in one conversation are refused.
fn client_of(
    facts: ActorFacts,
    me: &AccountId,
    chosen: &[CounterpartRow],
) -> AppResult<Option<AccountId>> {
    if facts.role == Some(Role::Client) {
        return Ok(Some(me.clone()));
    }
    let mut clients = chosen
        .iter()
        .filter(|c| c.relation == Relation::ConnectedClient);
    match (clients.next(), clients.next()) {
        (Some(client), None) => Ok(Some(client.account_id.clone())),
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(AppError::field("with", "recipients_two_clients")),
    }
}
