//! The capacity in which someone acted, as an audit entry records it: a member's role in the
//! Healthspace, an organisation's owner, the platform's operator, a person on their own account,
//! someone not (yet) known, or the system itself. The viewer labels it `audit-role-<code>`.

use crate::memberships::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorRole {
    /// No account is known: a failed login, a registration, a reset request.
    Anonymous,
    /// A person acting on their own account or membership.
    OwnAccount,
    /// A known account without a role where it tried to act.
    NonMember,
    Client,
    Staff,
    Admin,
    Owner,
    Operator,
    /// The platform itself: a scheduled job, a retention purge, a summary.
    System,
}

impl ActorRole {
    pub const ALL: [ActorRole; 9] = [
        ActorRole::Anonymous,
        ActorRole::OwnAccount,
        ActorRole::NonMember,
        ActorRole::Client,
        ActorRole::Staff,
        ActorRole::Admin,
        ActorRole::Owner,
        ActorRole::Operator,
        ActorRole::System,
    ];

    /// The code stored in the log.
    pub const fn code(self) -> &'static str {
        match self {
            ActorRole::Anonymous => "anonymous",
            ActorRole::OwnAccount => "self",
            ActorRole::NonMember => "none",
            ActorRole::Client => "client",
            ActorRole::Staff => "staff",
            ActorRole::Admin => "admin",
            ActorRole::Owner => "owner",
            ActorRole::Operator => "operator",
            ActorRole::System => "system",
        }
    }

    /// The role of a stored code; `None` for one this version does not know.
    pub fn parse(code: &str) -> Option<ActorRole> {
        ActorRole::ALL.into_iter().find(|role| role.code() == code)
    }
}

impl From<Role> for ActorRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Client => ActorRole::Client,
            Role::Staff => ActorRole::Staff,
            Role::Admin => ActorRole::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_role() {
        for role in ActorRole::ALL {
            assert_eq!(ActorRole::parse(role.code()), Some(role));
        }
        assert_eq!(ActorRole::parse("superuser"), None);
    }

    #[test]
    fn a_member_acts_in_their_membership_role() {
        assert_eq!(ActorRole::from(Role::Staff).code(), "staff");
        assert_eq!(ActorRole::from(Role::Admin).code(), "admin");
    }
}
