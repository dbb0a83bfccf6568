//! Where the actor stands in a conversation: read in the use case's own transaction (or on the
//! pool for a page that only reads), decided by the policy. A conversation the actor is not in,
//! or no longer reaches, is "not found", and the refusal is logged.

use super::CONVERSATION;
use crate::access::{self, Actor, Subject};
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::crypto::DataKey;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, ConversationId, HealthspaceId};
use carespace_core::messages::ConversationKind;
use carespace_core::policy::{self, Action, ActorFacts, ConversationAccess, ParticipantFacts};
use carespace_store::messages::conversations::{self, ConversationRow};
use carespace_store::messages::participants::{self, ParticipantRow};
use carespace_store::{Exec, memberships};

/// A conversation the actor reaches, with everyone in it and how far the actor reaches.
#[derive(Debug, Clone)]
pub struct Reader {
    pub conversation: ConversationRow,
    pub participants: Vec<ParticipantRow>,
    pub access: ConversationAccess,
}

impl Reader {
    /// The others in the conversation who reach it now: whom a new message goes to.
    pub fn recipients(&self, me: &AccountId) -> Vec<&ParticipantRow> {
        self.participants
            .iter()
            .filter(|p| {
                p.account_id != *me && reach(&self.conversation, p) != ConversationAccess::None
            })
            .collect()
    }

    /// The client whose conversation this is, when it is a care conversation.
    pub fn client(&self) -> Option<&AccountId> {
        self.conversation.client_account_id.as_ref()
    }

    /// Whether the actor reads someone else's (a client's) conversation: such reads are in the
    /// client's access log.
    pub fn about_another_client(&self, me: &AccountId) -> Option<&AccountId> {
        self.client().filter(|client| *client != me)
    }

    /// The actor's role here, for the audit log.
    pub fn role_of(&self, me: &AccountId) -> ActorRole {
        self.participants
            .iter()
            .find(|p| p.account_id == *me)
            .and_then(|p| p.role)
            .map_or(ActorRole::NonMember, ActorRole::from)
    }
}

/// What the policy knows of one participant.
fn facts(conversation: &ConversationRow, participant: &ParticipantRow) -> ParticipantFacts {
    ParticipantFacts {
        actor: ActorFacts {
            role: participant.role,
            healthspace_active: conversation.healthspace_state == HealthspaceState::Active,
            ..ActorFacts::default()
        },
        is_the_client: conversation.client_account_id.as_ref() == Some(&participant.account_id),
        care: conversation.kind == ConversationKind::Care,
        connected: participant.connected,
    }
}

fn reach(conversation: &ConversationRow, participant: &ParticipantRow) -> ConversationAccess {
    policy::participant_reach(facts(conversation, participant))
}

/// The conversation `id` as the actor reaches it; "not found" (logged, and audit-logged about
/// the client when it is theirs) when they are not in it or no longer reach it.
pub(crate) async fn read(
    ctx: &AppContext,
    ex: impl Into<Exec<'_>>,
    actor: &Actor,
    id: &str,
) -> AppResult<Reader> {
    let mut ex = ex.into();
    let refused = || access::refused(actor, Action::SendMessages, Subject::Item(id));
    let id = ConversationId::parse(id).ok_or_else(refused)?;
    let me = &actor.account;
    let Some(conversation) = conversations::find_for(&mut ex, &id, me).await? else {
        // Someone who was never in it: the try is in the client's log all the same.
        if let Some((hs, client)) = conversations::whereabouts(&mut ex, &id).await? {
            let about = client.as_ref().filter(|client| *client != me);
            let role = memberships::active_role(&mut ex, &hs, me).await?;
            let role = role.map_or(ActorRole::NonMember, ActorRole::from);
            log_refusal(ctx, actor, (&id, &hs, about), role).await?;
        }
        return Err(refused());
    };
    let participants = participants::of(ex, &[&conversation.id]).await?;
    let mine = participants.iter().find(|p| p.account_id == *me);
    let others_reach = participants
        .iter()
        .any(|p| p.account_id != *me && reach(&conversation, p) != ConversationAccess::None);
    let access = mine.map_or(ConversationAccess::None, |mine| {
        policy::conversation_access(facts(&conversation, mine), others_reach)
    });
    let reader = Reader {
        conversation,
        participants,
        access,
    };
    let hs = &reader.conversation.healthspace_id;
    if access == ConversationAccess::None || !actor.reaches(hs) {
        let about = reader.about_another_client(me);
        log_refusal(ctx, actor, (&id, hs, about), reader.role_of(me)).await?;
        return Err(refused());
    }
    Ok(reader)
}

/// A refused try at the conversation `id` in the Healthspace `hs`, in the audit log, and in the
/// client's access log when it is `about` a client.
async fn log_refusal(
    ctx: &AppContext,
    actor: &Actor,
    (id, hs, about): (&ConversationId, &HealthspaceId, Option<&AccountId>),
    role: ActorRole,
) -> AppResult<()> {
    let denied = Event {
        actor: Some(&actor.account),
        role,
        action: AuditAction::AccessRefused,
        object_type: CONVERSATION,
        object_id: Some(id.as_str()),
        outcome: Outcome::Denied,
    };
    audit::read_in(
        (&ctx.audit, ctx.now()),
        &actor.origin,
        denied,
        hs.as_str(),
        about,
    )
    .await
}

/// The key that seals the conversation: its client's data key, or the Healthspace's key.
pub(crate) async fn key(ctx: &AppContext, conversation: &ConversationRow) -> AppResult<DataKey> {
    match &conversation.client_account_id {
        Some(client) => ctx.keys.data_key(client).await,
        None => ctx.keys.healthspace_key(&conversation.healthspace_id).await,
    }
}
