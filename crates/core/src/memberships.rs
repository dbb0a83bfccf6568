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
