//! The audit log (NEN 7513, ASVS 16): who did what, to whose data, when, from where, with what
//! result. Entries are chained: each carries the SHA-256 of the previous entry's hash and its own
//! content, so a changed, removed or inserted entry breaks the chain from there on.

mod action;

pub use action::AuditAction;

use crate::time::Timestamp;
use sha2::{Digest, Sha256};

/// The hash the first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Refused: wrong credentials, not allowed, slowed down.
    Denied,
}

impl Outcome {
    pub const fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
        }
    }
}

/// One entry, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: String,
    pub at: Timestamp,
    /// The account that acted; `None` when no one is known (a failed login to an unknown email).
    pub actor_account_id: Option<String>,
    /// The role the actor acted in (`client`, `staff`, `admin`, `owner`, `operator`, `self`).
    pub actor_role: Option<String>,
    /// The account the actor acted for, when on someone's behalf.
    pub on_behalf_of: Option<String>,
    /// What happened, as a stable code such as `login` or `session_ended`.
    pub action: String,
    /// The kind and id of the thing acted on.
    pub object_type: String,
    pub object_id: Option<String>,
    /// The client whose data this was, when it was a client's data.
    pub client_account_id: Option<String>,
    pub healthspace_id: Option<String>,
    pub ip: Option<String>,
    pub session_id: Option<String>,
    pub outcome: Outcome,
}

impl AuditRecord {
    /// The fields in a fixed order; the hash is taken over exactly this.
    fn canonical(&self) -> String {
        let fields: [Option<&str>; 12] = [
            Some(&self.id),
            self.actor_account_id.as_deref(),
            self.actor_role.as_deref(),
            self.on_behalf_of.as_deref(),
            Some(&self.action),
            Some(&self.object_type),
            self.object_id.as_deref(),
            self.client_account_id.as_deref(),
            self.healthspace_id.as_deref(),
            self.ip.as_deref(),
            self.session_id.as_deref(),
            Some(self.outcome.code()),
        ];
        // Length-prefixed, so no choice of field contents can make two entries hash alike.
        let mut out = format!("{}", self.at.millis());
        for field in fields {
            match field {
                Some(value) => out.push_str(&format!("|{}:{value}", value.len())),
                None => out.push_str("|-"),
            }
        }
        out
    }
}

/// The hash of an entry chained to `previous`.
pub fn chain_hash(previous: &str, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(record.canonical().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            id: "0193".into(),
            at: Timestamp::from_millis(1_700_000_000_000),
            actor_account_id: Some("a1".into()),
            actor_role: Some("self".into()),
            on_behalf_of: None,
            action: "login".into(),
            object_type: "session".into(),
            object_id: Some("s1".into()),
            client_account_id: None,
            healthspace_id: None,
            ip: Some("127.0.0.1".into()),
            session_id: None,
            outcome: Outcome::Success,
        }
    }

    #[test]
    fn any_change_of_a_field_or_the_previous_hash_changes_the_hash() {
        let base = chain_hash(GENESIS, &record());
        assert_eq!(base, chain_hash(GENESIS, &record()));
        assert_ne!(base, chain_hash(&base, &record()));
        let mut changed = record();
        changed.ip = Some("10.0.0.1".into());
        assert_ne!(base, chain_hash(GENESIS, &changed));
        let mut changed = record();
        changed.outcome = Outcome::Denied;
        assert_ne!(base, chain_hash(GENESIS, &changed));
        // Moving text between fields is a change too.
        let mut shifted = record();
        shifted.actor_account_id = Some("a1|5:self".into());
        shifted.actor_role = None;
        assert_ne!(base, chain_hash(GENESIS, &shifted));
    }
}
