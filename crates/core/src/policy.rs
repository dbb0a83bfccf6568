//! The access policy: may this actor do this to this subject? Pure functions of facts the use
//! case has looked up. Use cases ask here and nowhere else; a "no" on something the actor may
//! not know about becomes "not found".

/// What the policy needs to know about the person acting, relative to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActorFacts {
    /// Owner of the organisation the subject belongs to (rule 9).
    pub owns_organisation: bool,
    /// A platform operator: manages organisations and accounts from the command line.
    pub is_operator: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See and change the organisation's details, and its Healthspaces' list.
    ManageOrganisation,
    /// Create, activate and deactivate Healthspaces.
    ManageHealthspaces,
    /// Enter a Healthspace that is not active (owners only: seed 003).
    EnterInactiveHealthspace,
}

/// Whether `actor` may do `action`. Owners hold every right in their organisation; operators
/// run the installation but never act inside an organisation through the site.
pub fn allows(actor: ActorFacts, action: Action) -> bool {
    match action {
        Action::ManageOrganisation
        | Action::ManageHealthspaces
        | Action::EnterInactiveHealthspace => actor.owns_organisation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_manage_their_organisation_not_operators_nor_others() {
        let owner = ActorFacts {
            owns_organisation: true,
            is_operator: false,
        };
        let operator = ActorFacts {
            owns_organisation: false,
            is_operator: true,
        };
        let other = ActorFacts::default();
        for action in [
            Action::ManageOrganisation,
            Action::ManageHealthspaces,
            Action::EnterInactiveHealthspace,
        ] {
            assert!(allows(owner, action));
            assert!(!allows(operator, action));
            assert!(!allows(other, action));
        }
    }
}
