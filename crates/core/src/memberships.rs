//! Memberships: an account's role in a Healthspace.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Client,
    Staff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Client, Role::Staff, Role::Admin];

    pub const fn code(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Result<Role, &'static str> {
        match code {
            "client" => Ok(Role::Client),
            "staff" => Ok(Role::Staff),
            "admin" => Ok(Role::Admin),
            _ => Err("role_invalid"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipState {
    Active,
    Cancelled,
}

impl MembershipState {
    pub fn is_active(self) -> bool {
        self == MembershipState::Active
    }

    pub const fn code(self) -> &'static str {
        match self {
            MembershipState::Active => "active",
            MembershipState::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<MembershipState> {
        match code {
            "active" => Some(MembershipState::Active),
            "cancelled" => Some(MembershipState::Cancelled),
            _ => None,
        }
    }
}

/// An invitation is valid for two weeks; reminders go out after 3 and 7 days.
pub const INVITATION_MS: i64 = 14 * 24 * 3_600_000;
pub const REMINDER_AFTER_MS: [i64; 2] = [3 * 24 * 3_600_000, 7 * 24 * 3_600_000];
/// Wrong dates of birth an invitation takes; at this many it can no longer be accepted.
pub const MAX_FAILED_CHECKS: i64 = 3;

/// What the members list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter<'a> {
    pub role: Option<Role>,
    pub state: Option<MembershipState>,
    /// Part of the name or email address.
    pub search: Option<&'a str>,
    /// Keyset: only memberships after this id (they are UUIDv7, so in order of joining).
    pub after: Option<&'a str>,
}

impl Role {
    /// Staff and admins work with clients (an admin does all that staff do); clients do not.
    pub const fn works_with_clients(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }
}

/// Why a member's role may not change as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChangeRefusal {
    /// They already hold that role.
    Unchanged,
    /// An admin who is not an owner would demote themselves while no other admin remains.
    LastAdmin,
}

/// Who is changing a member's role, from what to what, and how many admins the Healthspace has.
#[derive(Debug, Clone, Copy)]
pub struct RoleChange {
    pub from: Role,
    pub to: Role,
    /// The member is the one changing it.
    pub own: bool,
    /// The one changing it owns the organisation: an owner can always act.
    pub by_owner: bool,
    /// Active admins of the Healthspace; read only where [`counts_admins`](Self::counts_admins).
    pub active_admins: i64,
}

impl RoleChange {
    /// Whether the change may go ahead (the actor already may manage members).
    pub fn check(self) -> Result<(), RoleChangeRefusal> {
        if self.from == self.to {
            return Err(RoleChangeRefusal::Unchanged);
        }
        if self.counts_admins() && self.active_admins <= 1 {
            return Err(RoleChangeRefusal::LastAdmin);
        }
        Ok(())
    }

    /// Whether [`check`](Self::check) weighs the number of admins: only when an admin who is
    /// not an owner demotes themselves.
    pub fn counts_admins(self) -> bool {
        self.own && self.from == Role::Admin && !self.by_owner
    }

    /// Whether the member's connections end: they move between the client side and the staff
    /// side, and a connection always joins one of each.
    pub fn ends_connections(self) -> bool {
        self.from.works_with_clients() != self.to.works_with_clients()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: Role, to: Role) -> RoleChange {
        RoleChange {
            from,
            to,
            own: false,
            by_owner: false,
            active_admins: 1,
        }
    }

    #[test]
    fn the_last_admin_cannot_demote_themselves_but_an_owner_can_and_another_admin_may() {
        let own = RoleChange {
            own: true,
            ..change(Role::Admin, Role::Staff)
        };
        assert_eq!(own.check(), Err(RoleChangeRefusal::LastAdmin));
        assert_eq!(
            RoleChange {
                active_admins: 2,
                ..own
            }
            .check(),
            Ok(())
        );
        assert_eq!(
            RoleChange {
                by_owner: true,
                ..own
            }
            .check(),
            Ok(())
        );
        assert_eq!(change(Role::Admin, Role::Client).check(), Ok(()));
    }

    #[test]
    fn the_same_role_is_no_change() {
        for role in Role::ALL {
            assert_eq!(
                change(role, role).check(),
                Err(RoleChangeRefusal::Unchanged)
            );
        }
    }

    #[test]
    fn connections_end_only_between_the_client_and_the_staff_side() {
        assert!(change(Role::Staff, Role::Client).ends_connections());
        assert!(change(Role::Client, Role::Admin).ends_connections());
        assert!(!change(Role::Staff, Role::Admin).ends_connections());
        assert!(!change(Role::Admin, Role::Staff).ends_connections());
    }
}
