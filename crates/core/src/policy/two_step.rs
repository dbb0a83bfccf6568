//! Two-step verification before care: who must have a second factor before they reach more
//! than their own account. Staff, admins and owners see clients' data, so they always need one;
//! clients need one where their Healthspace asks for it.

/// What decides it about an account, read with its session or token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TwoStepFacts {
    /// The account has a second factor in use. Every session of such an account passed the
    /// login's second step or set the factor up itself: setting up or removing a factor ends
    /// every other session and token.
    pub has_second_factor: bool,
    /// Staff or admin in a Healthspace, or owner of an organisation.
    pub sees_client_data: bool,
    /// Client in a Healthspace that asks its clients for two-step verification.
    pub client_where_required: bool,
}

/// What a request reaches, as far as two-step verification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The account's own pages: profile, security, sessions, its memberships and invitations.
    OwnAccount,
    /// Everything else a signed-in person reaches: Healthspaces, organisations, clients' data.
    Care,
}

impl TwoStepFacts {
    /// Whether the account must have a second factor at all.
    pub fn required(self) -> bool {
        self.sees_client_data || self.client_where_required
    }
}

/// Whether a request must wait until the account has set up a second factor: it is sent to
/// the setup instead.
pub fn second_factor_first(facts: TwoStepFacts, reach: Reach) -> bool {
    reach == Reach::Care && facts.required() && !facts.has_second_factor
}

/// Whether a session may make personal access tokens: only one that passed two-step
/// verification, so that a password alone never yields a token.
pub fn may_make_tokens(facts: TwoStepFacts) -> bool {
    facts.has_second_factor
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAFF: TwoStepFacts = TwoStepFacts {
        has_second_factor: false,
        sees_client_data: true,
        client_where_required: false,
    };

    #[test]
    fn staff_without_a_factor_reach_only_their_own_account() {
        assert!(second_factor_first(STAFF, Reach::Care));
        assert!(!second_factor_first(STAFF, Reach::OwnAccount));
        let enrolled = TwoStepFacts {
            has_second_factor: true,
            ..STAFF
        };
        assert!(!second_factor_first(enrolled, Reach::Care));
    }

    #[test]
    fn clients_need_a_factor_only_where_their_healthspace_asks() {
        let client = TwoStepFacts::default();
        assert!(!second_factor_first(client, Reach::Care));
        let asked = TwoStepFacts {
            client_where_required: true,
            ..client
        };
        assert!(second_factor_first(asked, Reach::Care));
    }

    #[test]
    fn only_a_session_with_a_second_factor_makes_tokens() {
        assert!(!may_make_tokens(STAFF));
        assert!(!may_make_tokens(TwoStepFacts::default()));
        assert!(may_make_tokens(TwoStepFacts {
            has_second_factor: true,
            ..TwoStepFacts::default()
        }));
    }
}
