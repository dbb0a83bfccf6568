//! The access policy: may this actor do this to this subject? Pure functions of facts the use
//! case has looked up. Use cases ask here and nowhere else; a "no" on something the actor may
//! not know about becomes "not found".

mod two_step;

use crate::ids::HealthspaceId;
use crate::memberships::Role;

pub use two_step::{Reach, TwoStepFacts, may_make_tokens, second_factor_first};

/// What the policy needs to know about the person acting, relative to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActorFacts {
    /// Owner of the organisation the subject belongs to.
    pub owns_organisation: bool,
    /// The actor's active role in the subject's Healthspace, if any.
    pub role: Option<Role>,
    /// Whether that Healthspace is active (only owners reach an inactive one).
    pub healthspace_active: bool,
    /// The Healthspace's setting that lets staff connect themselves to clients.
    pub staff_may_connect_self: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See and change the organisation's details, and its Healthspaces' list.
    ManageOrganisation,
    /// Create, activate and deactivate Healthspaces.
    ManageHealthspaces,
    /// Invite people, see the members list, cancel memberships, connect staff and clients.
    ManageMembers,
    /// Change the Healthspace's name, address, texts, logo, colours and settings.
    ManageSettings,
    /// Read the Healthspace's audit log.
    ViewAuditLog,
    /// See the seats report: existing memberships per month and role.
    ViewSeats,
    /// Add and remove the organisation's owners.
    ManageOwners,
    /// Enter the Healthspace: its dashboard and what members share there. Members only while it
    /// is active; owners also while it is not.
    EnterHealthspace,
    /// Connect oneself, as staff, to a client of the Healthspace.
    ConnectSelf,
    /// Leave the Healthspace: cancel one's own active membership, also while the Healthspace
    /// is inactive.
    LeaveHealthspace,
    /// See "My clients": the clients one is connected to there, as staff or admin of an active
    /// Healthspace. A client's own page also needs the connection ([`may_see_client`]).
    SeeOwnClients,
    /// See what a connected client shares with the Healthspace, and its events there: as
    /// [`Action::SeeOwnClients`], and only through a connection ([`may_see_shared_record`]).
    SeeSharedRecord,
    /// Keep one's own record: every signed-in person, about their own items only (a use case
    /// reads only the actor's own rows), whatever their memberships.
    KeepOwnRecord,
    /// Write to people of the Healthspace: clients to staff connected to them, staff to their
    /// connected clients and to each other ([`may_start_conversation`],
    /// [`conversation_access`]).
    SendMessages,
}

/// Whether `actor` may do `action`. Owners hold every right in their organisation; operators
/// run the installation from the command line and have no rights inside an organisation.
pub fn allows(actor: ActorFacts, action: Action) -> bool {
    match action {
        Action::ManageOrganisation | Action::ManageOwners | Action::ManageHealthspaces => {
            actor.owns_organisation
        }
        // Owners hold all rights in their Healthspaces; admins in their own, while it is active.
        Action::ManageMembers
        | Action::ManageSettings
        | Action::ViewAuditLog
        | Action::ViewSeats => {
            actor.owns_organisation || (actor.role == Some(Role::Admin) && actor.healthspace_active)
        }
        Action::EnterHealthspace => {
            actor.owns_organisation || (actor.role.is_some() && actor.healthspace_active)
        }
        // Admins connect anyone through ManageMembers; staff only themselves, when allowed.
        Action::ConnectSelf => {
            actor.role == Some(Role::Staff)
                && actor.healthspace_active
                && actor.staff_may_connect_self
        }
        Action::LeaveHealthspace => actor.role.is_some(),
        Action::SeeOwnClients | Action::SeeSharedRecord => {
            actor.role.is_some_and(Role::works_with_clients) && actor.healthspace_active
        }
        Action::KeepOwnRecord => true,
        Action::SendMessages => actor.role.is_some() && actor.healthspace_active,
    }
}

/// Whether the actor sees a client's page in the Healthspace: only through an open connection
/// to that client, as staff or admin of an active Healthspace. Owning the organisation, or
/// managing its members, opens no client's page.
pub fn may_see_client(actor: ActorFacts, connected: bool) -> bool {
    connected && allows(actor, Action::SeeOwnClients)
}

/// Whether the actor sees what a client shares with the Healthspace: only through an open
/// connection to that client, as staff or admin of an active Healthspace, and only what the
/// client shared there. Owners see a client's record only through the dossier.
pub fn may_see_shared_record(actor: ActorFacts, connected: bool, shared: bool) -> bool {
    connected && shared && allows(actor, Action::SeeSharedRecord)
}

/// Who someone would write to is, to the actor, in the Healthspace of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counterpart {
    /// A staff member or admin connected to the actor (a client).
    ConnectedStaff,
    /// A client the actor (staff or admin) is connected to.
    ConnectedClient,
    /// Another staff member or admin of the Healthspace.
    Colleague,
    /// Anyone else: not a member, an unconnected client, or staff to an unconnected client.
    Stranger,
}

/// Whether the actor may start a conversation with, or include, someone who is `counterpart`:
/// a client with staff connected to them; staff with their connected clients and colleagues.
pub fn may_start_conversation(actor: ActorFacts, counterpart: Counterpart) -> bool {
    if !allows(actor, Action::SendMessages) {
        return false;
    }
    match counterpart {
        Counterpart::ConnectedStaff => actor.role == Some(Role::Client),
        Counterpart::ConnectedClient | Counterpart::Colleague => {
            actor.role.is_some_and(Role::works_with_clients)
        }
        Counterpart::Stranger => false,
    }
}

/// How far a participant reaches into a conversation now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationAccess {
    /// Not at all: "not found".
    None,
    /// Read only: a client whose membership ended, or with nobody left to answer, keeps it.
    Read,
    ReadAndWrite,
}

/// The facts of one participant's place in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipantFacts {
    /// Their standing in the conversation's Healthspace.
    pub actor: ActorFacts,
    /// The conversation's client (care conversations).
    pub is_the_client: bool,
    /// A care conversation; otherwise one between staff.
    pub care: bool,
    /// Staff of a care conversation: connected to its client.
    pub connected: bool,
}

/// How far a participant reaches now, before anyone else is considered: the client always
/// keeps their conversation, staff only while they work in the active Healthspace and, with a
/// client, are connected to them. Membership or connection ended: staff lose it.
pub fn participant_reach(facts: ParticipantFacts) -> ConversationAccess {
    let actor = facts.actor;
    let working = actor.role.is_some_and(Role::works_with_clients) && actor.healthspace_active;
    if facts.is_the_client {
        if actor.role == Some(Role::Client) && actor.healthspace_active {
            ConversationAccess::ReadAndWrite
        } else {
            ConversationAccess::Read
        }
    } else if working && (!facts.care || facts.connected) {
        ConversationAccess::ReadAndWrite
    } else {
        ConversationAccess::None
    }
}

/// The actor's access to a conversation, given their own facts and whether anyone else in it
/// still reaches it: nobody writes into a conversation nobody else can read.
pub fn conversation_access(
    facts: ParticipantFacts,
    anyone_else_reaches: bool,
) -> ConversationAccess {
    match participant_reach(facts) {
        ConversationAccess::ReadAndWrite if !anyone_else_reaches => ConversationAccess::Read,
        reach => reach,
    }
}

/// Whether a personal access token may change things, or only read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAccess {
    ReadOnly,
    ReadWrite,
}

impl TokenAccess {
    pub const ALL: [TokenAccess; 2] = [TokenAccess::ReadOnly, TokenAccess::ReadWrite];

    pub const fn code(self) -> &'static str {
        match self {
            TokenAccess::ReadOnly => "read_only",
            TokenAccess::ReadWrite => "read_write",
        }
    }

    pub fn parse(text: &str) -> Result<TokenAccess, &'static str> {
        TokenAccess::ALL
            .into_iter()
            .find(|access| access.code() == text.trim())
            .ok_or("token_access_invalid")
    }
}

/// What a personal access token was made to reach: chosen when it is made, stored with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope {
    pub access: TokenAccess,
    /// One Healthspace only; `None` for every Healthspace the account reaches.
    pub healthspace: Option<HealthspaceId>,
}

/// What a request made with a personal access token is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenReach<'a> {
    /// The account's own data: profile, sessions, memberships, connections, its tokens' list.
    Account,
    /// Making or ending a token.
    ManageTokens,
    /// A Healthspace: `None` while it is not known which (the request's kind is checked
    /// first), then the one found.
    Healthspace(Option<&'a HealthspaceId>),
}

/// Whether a token with `scope` may make a request about `reach` that reads, or (`writes`)
/// changes something. A token never makes or ends tokens, so one that leaks cannot be turned
/// into more, or kept alive past its owner's revoking. A read-only token changes nothing; a
/// token for one Healthspace reaches that Healthspace and nothing else, not even the
/// account's own data.
pub fn token_allows(scope: &TokenScope, reach: TokenReach<'_>, writes: bool) -> bool {
    if writes && scope.access == TokenAccess::ReadOnly {
        return false;
    }
    match reach {
        TokenReach::ManageTokens => false,
        TokenReach::Account => scope.healthspace.is_none(),
        TokenReach::Healthspace(None) => true,
        TokenReach::Healthspace(Some(id)) => scope.healthspace.as_ref().is_none_or(|own| own == id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> ActorFacts {
        ActorFacts {
            role: Some(role),
            healthspace_active: true,
            ..ActorFacts::default()
        }
    }

    #[test]
    fn clients_write_to_connected_staff_and_staff_to_connected_clients_and_colleagues() {
        use Counterpart::*;
        let client = member(Role::Client);
        assert!(may_start_conversation(client, ConnectedStaff));
        assert!(!may_start_conversation(client, Colleague));
        assert!(!may_start_conversation(client, ConnectedClient));
        for staff in [member(Role::Staff), member(Role::Admin)] {
            assert!(may_start_conversation(staff, ConnectedClient));
            assert!(may_start_conversation(staff, Colleague));
            assert!(!may_start_conversation(staff, Stranger));
        }
        let inactive = ActorFacts {
            healthspace_active: false,
            ..member(Role::Staff)
        };
        assert!(!may_start_conversation(inactive, Colleague));
        let owner = ActorFacts {
            owns_organisation: true,
            healthspace_active: true,
            ..ActorFacts::default()
        };
        assert!(!may_start_conversation(owner, ConnectedClient));
    }

    #[test]
    fn staff_lose_a_conversation_with_their_connection_and_the_client_keeps_it_read_only() {
        let staff = ParticipantFacts {
            actor: member(Role::Staff),
            is_the_client: false,
            care: true,
            connected: true,
        };
        assert_eq!(
            conversation_access(staff, true),
            ConversationAccess::ReadAndWrite
        );
        let ended = ParticipantFacts {
            connected: false,
            ..staff
        };
        assert_eq!(participant_reach(ended), ConversationAccess::None);
        let left = ParticipantFacts {
            actor: ActorFacts::default(),
            ..staff
        };
        assert_eq!(participant_reach(left), ConversationAccess::None);
        let colleague = ParticipantFacts {
            care: false,
            connected: false,
            ..staff
        };
        assert_eq!(
            participant_reach(colleague),
            ConversationAccess::ReadAndWrite
        );

        let client = ParticipantFacts {
            actor: member(Role::Client),
            is_the_client: true,
            care: true,
            connected: false,
        };
        assert_eq!(
            conversation_access(client, true),
            ConversationAccess::ReadAndWrite
        );
        assert_eq!(conversation_access(client, false), ConversationAccess::Read);
        let former = ParticipantFacts {
            actor: ActorFacts::default(),
            ..client
        };
        assert_eq!(conversation_access(former, true), ConversationAccess::Read);
    }

    #[test]
    fn a_token_never_manages_tokens_and_a_read_only_one_never_writes() {
        let full = TokenScope {
            access: TokenAccess::ReadWrite,
            healthspace: None,
        };
        assert!(!token_allows(&full, TokenReach::ManageTokens, true));
        assert!(token_allows(&full, TokenReach::Account, true));
        let read_only = TokenScope {
            access: TokenAccess::ReadOnly,
            ..full
        };
        assert!(token_allows(&read_only, TokenReach::Account, false));
        assert!(!token_allows(&read_only, TokenReach::Account, true));
        assert!(!token_allows(
            &read_only,
            TokenReach::Healthspace(None),
            true
        ));
    }

    #[test]
    fn a_token_for_one_healthspace_reaches_that_one_only() {
        let linde = HealthspaceId::generate();
        let other = HealthspaceId::generate();
        let one = TokenScope {
            access: TokenAccess::ReadWrite,
            healthspace: Some(linde.clone()),
        };
        assert!(token_allows(
            &one,
            TokenReach::Healthspace(Some(&linde)),
            true
        ));
        assert!(!token_allows(
            &one,
            TokenReach::Healthspace(Some(&other)),
            false
        ));
        assert!(!token_allows(&one, TokenReach::Account, false));
        let all = TokenScope {
            healthspace: None,
            ..one
        };
        assert!(token_allows(
            &all,
            TokenReach::Healthspace(Some(&other)),
            false
        ));
    }

    #[test]
    fn only_owners_manage_their_organisation_not_operators_nor_others() {
        let owner = ActorFacts {
            owns_organisation: true,
            ..ActorFacts::default()
        };
        let other = ActorFacts::default();
        for action in [Action::ManageOrganisation, Action::ManageHealthspaces] {
            assert!(allows(owner, action));
            assert!(!allows(other, action));
        }
    }

    #[test]
    fn members_are_managed_by_owners_and_by_admins_of_an_active_healthspace_only() {
        let admin = ActorFacts {
            role: Some(Role::Admin),
            healthspace_active: true,
            ..ActorFacts::default()
        };
        assert!(allows(admin, Action::ManageMembers));
        assert!(!allows(
            ActorFacts {
                healthspace_active: false,
                ..admin
            },
            Action::ManageMembers
        ));
        for role in [Role::Client, Role::Staff] {
            let member = ActorFacts {
                role: Some(role),
                healthspace_active: true,
                ..ActorFacts::default()
            };
            assert!(!allows(member, Action::ManageMembers));
        }
        let owner = ActorFacts {
            owns_organisation: true,
            ..ActorFacts::default()
        };
        assert!(allows(owner, Action::ManageMembers), "also while inactive");
    }

    #[test]
    fn settings_audit_log_and_seats_follow_member_management() {
        let admin = ActorFacts {
            role: Some(Role::Admin),
            healthspace_active: true,
            ..ActorFacts::default()
        };
        let staff = ActorFacts {
            role: Some(Role::Staff),
            ..admin
        };
        for action in [
            Action::ManageSettings,
            Action::ViewAuditLog,
            Action::ViewSeats,
        ] {
            assert!(allows(admin, action));
            assert!(!allows(staff, action));
            assert!(!allows(
                ActorFacts {
                    healthspace_active: false,
                    ..admin
                },
                action
            ));
        }
        assert!(!allows(admin, Action::ManageOwners), "owners only");
    }

    #[test]
    fn members_enter_an_active_healthspace_and_owners_any() {
        let client = ActorFacts {
            role: Some(Role::Client),
            healthspace_active: true,
            ..ActorFacts::default()
        };
        assert!(allows(client, Action::EnterHealthspace));
        assert!(!allows(
            ActorFacts {
                healthspace_active: false,
                ..client
            },
            Action::EnterHealthspace
        ));
        assert!(!allows(ActorFacts::default(), Action::EnterHealthspace));
        assert!(allows(
            ActorFacts {
                owns_organisation: true,
                ..ActorFacts::default()
            },
            Action::EnterHealthspace
        ));
    }

    #[test]
    fn members_leave_also_an_inactive_healthspace_and_non_members_cannot() {
        for role in Role::ALL {
            let member = ActorFacts {
                role: Some(role),
                ..ActorFacts::default()
            };
            assert!(allows(member, Action::LeaveHealthspace));
        }
        let owner = ActorFacts {
            owns_organisation: true,
            ..ActorFacts::default()
        };
        assert!(!allows(owner, Action::LeaveHealthspace));
    }

    #[test]
    fn only_connected_staff_and_admins_of_an_active_healthspace_see_a_client() {
        for role in [Role::Staff, Role::Admin] {
            let member = ActorFacts {
                role: Some(role),
                healthspace_active: true,
                ..ActorFacts::default()
            };
            assert!(allows(member, Action::SeeOwnClients));
            assert!(may_see_client(member, true));
            assert!(!may_see_client(member, false));
            let inactive = ActorFacts {
                healthspace_active: false,
                ..member
            };
            assert!(!may_see_client(inactive, true));
        }
        let client = ActorFacts {
            role: Some(Role::Client),
            healthspace_active: true,
            ..ActorFacts::default()
        };
        assert!(!allows(client, Action::SeeOwnClients));
        let owner = ActorFacts {
            owns_organisation: true,
            healthspace_active: true,
            ..ActorFacts::default()
        };
        assert!(!may_see_client(owner, true), "owners see no client's page");
    }

    #[test]
    fn staff_connect_themselves_only_when_the_healthspace_allows_it() {
        let staff = ActorFacts {
            role: Some(Role::Staff),
            healthspace_active: true,
            staff_may_connect_self: true,
            ..ActorFacts::default()
        };
        assert!(allows(staff, Action::ConnectSelf));
        assert!(!allows(
            ActorFacts {
                staff_may_connect_self: false,
                ..staff
            },
            Action::ConnectSelf
        ));
        assert!(!allows(
            ActorFacts {
                role: Some(Role::Client),
                ..staff
            },
            Action::ConnectSelf
        ));
        assert!(!allows(
            ActorFacts {
                healthspace_active: false,
                ..staff
            },
            Action::ConnectSelf
        ));
    }
}
