//! Passkeys (WebAuthn): registering one or more per account (named, with their last use),
//! using one as the login's second step or to log in alone (`crate::sessions::passkey_login`),
//! renaming and removing them. Each ceremony's state is kept in the database between the
//! options the browser asks for and its answer, keyed by a random token the browser holds;
//! the browser never holds the state itself.

mod assertions;
mod ceremonies;
mod manage;
mod relying_party;

pub(crate) use assertions::{AssertionState, check_assertion, parse_answer};
pub use ceremonies::Ceremony;
pub(crate) use ceremonies::{start, take};
pub use manage::{
    PasskeyAdded, PasskeyProof, PasskeySummary, finish_registration, list, remove, rename,
    start_confirmation, start_registration,
};
pub(crate) use manage::{failed, passkeys_of, record_alone, relying_party};
pub use relying_party::RelyingParty;
