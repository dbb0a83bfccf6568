//! The audit log (NEN 7513, ASVS 16): who did what, to whose data, when, from where, with what
//! result. Entries are chained: each carries the HMAC-SHA256, under a key kept outside the
//! database, of the previous entry's hash and its own content, so a changed, removed or inserted
//! entry breaks the chain from there on, and only the key's holder can write a chain that holds.
//!
//! Entries written before the chain had a key carry a plain SHA-256 instead. When a key is first
//! used, the end of that unkeyed part is sealed with the key ([`seal`]); from there on every
//! entry is keyed, so rewriting the unkeyed part breaks the seal.

mod key;

pub use key::{AuditKey, MIN_KEY_BYTES};

mod action;
mod actor_role;

pub use action::AuditAction;
pub use actor_role::ActorRole;

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

    /// The outcome of a stored code.
    pub fn parse(code: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Denied]
            .into_iter()
            .find(|outcome| outcome.code() == code)
    }
}

/// One line of a Healthspace's audit-log viewer: what the viewer shows of an entry, with the
/// names of the people it mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    /// The code of the [`ActorRole`] as stored: an entry written by another version may carry
    /// one this version does not know, and stays readable by it.
    pub actor_role: Option<String>,
    /// The code of the [`AuditAction`] as stored, for the same reason.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub client_name: Option<String>,
    pub ip: Option<String>,
    pub outcome: Outcome,
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
    /// The browser or program that sent the request, as it said.
    pub user_agent: Option<String>,
    /// The personal access token the actor used, when one was.
    pub api_token_id: Option<String>,
}

impl AuditRecord {
    /// The fields of a keyed entry in a fixed order; the HMAC is taken over exactly this.
    fn canonical(&self) -> String {
        let mut out = self.canonical_unkeyed();
        for field in [self.user_agent.as_deref(), self.api_token_id.as_deref()] {
            push_field(&mut out, field);
        }
        out
    }

    /// The fields an entry of the unkeyed part was hashed over.
    fn canonical_unkeyed(&self) -> String {
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
            push_field(&mut out, field);
        }
        out
    }
}

// Length-prefixed, so no choice of field contents can make two entries hash alike.
fn push_field(out: &mut String, field: Option<&str>) {
    match field {
        Some(value) => out.push_str(&format!("|{}:{value}", value.len())),
        None => out.push_str("|-"),
    }
}

/// The hash of an entry chained to `previous`: HMAC-SHA256 under the chain's key.
pub fn chain_hash(key: &AuditKey, previous: &str, record: &AuditRecord) -> String {
    key.mac(&[previous.as_bytes(), record.canonical().as_bytes()])
}

/// The hash an entry of the unkeyed part (written before the chain had a key) carries. Such
/// entries know nothing of user agents or tokens: with either set it is no such entry.
pub fn unkeyed_hash(previous: &str, record: &AuditRecord) -> Option<String> {
    if record.user_agent.is_some() || record.api_token_id.is_some() {
        return None;
    }
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(record.canonical_unkeyed().as_bytes());
    Some(key::hex(&hasher.finalize()))
}

/// Seals the unkeyed part: entries before `keyed_from`, the last of which has the hash
/// `unkeyed_head` (or [`GENESIS`] when there are none). Without the key no other boundary or
/// head can be sealed.
pub fn seal(key: &AuditKey, keyed_from: i64, unkeyed_head: &str) -> String {
    let from = keyed_from.to_string();
    key.mac(&[b"unkeyed part", from.as_bytes(), unkeyed_head.as_bytes()])
}

/// A value that tells whether a key is the one a chain was written with, without giving the
/// key away.
pub fn key_check(key: &AuditKey) -> String {
    key.mac(&[b"key check"])
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
            user_agent: Some("Firefox".into()),
            api_token_id: None,
        }
    }

    #[test]
    fn any_change_of_a_field_or_the_previous_hash_changes_the_hash() {
        let key = AuditKey::generate().unwrap();
        let hash = |previous: &str, record: &AuditRecord| chain_hash(&key, previous, record);
        let base = hash(GENESIS, &record());
        assert_eq!(base, hash(GENESIS, &record()));
        assert_ne!(base, hash(&base, &record()));
        let mut changed = record();
        changed.ip = Some("10.0.0.1".into());
        assert_ne!(base, hash(GENESIS, &changed));
        let mut changed = record();
        changed.outcome = Outcome::Denied;
        assert_ne!(base, hash(GENESIS, &changed));
        let mut changed = record();
        changed.api_token_id = Some("t1".into());
        assert_ne!(base, hash(GENESIS, &changed));
        // Moving text between fields is a change too.
        let mut shifted = record();
        shifted.actor_account_id = Some("a1|5:self".into());
        shifted.actor_role = None;
        assert_ne!(base, hash(GENESIS, &shifted));
    }

    #[test]
    fn another_key_gives_another_chain_and_a_seal_binds_its_boundary() {
        let (one, two) = (AuditKey::generate().unwrap(), AuditKey::generate().unwrap());
        assert_ne!(
            chain_hash(&one, GENESIS, &record()),
            chain_hash(&two, GENESIS, &record())
        );
        assert_ne!(seal(&one, 3, "h"), seal(&two, 3, "h"));
        assert_ne!(seal(&one, 3, "h"), seal(&one, 4, "h"));
        assert_ne!(seal(&one, 3, "h"), seal(&one, 3, "g"));
        assert_ne!(key_check(&one), key_check(&two));
    }

    #[test]
    fn unkeyed_entries_have_neither_user_agent_nor_token() {
        let mut old = record();
        assert_eq!(unkeyed_hash(GENESIS, &old), None);
        old.user_agent = None;
        let hash = unkeyed_hash(GENESIS, &old).unwrap();
        assert_eq!(hash.len(), 64);
        assert_ne!(
            hash,
            chain_hash(&AuditKey::generate().unwrap(), GENESIS, &old)
        );
    }
}
