//! The actor of a request, built once from how it was authenticated and where it came from;
//! every use case decides access through it.

use crate::auth::Auth;
use carespace_app::access::{Actor, Via};
use carespace_app::sessions::{ClientInfo, CurrentSession};
use carespace_core::ids::AccountId;

/// The account behind a request, by session or by token, for use cases about the person's
/// own data.
pub fn account_of(auth: &Auth) -> AccountId {
    auth.account().id.clone()
}

/// The account of a browser session, for use cases about the person's own data.
pub fn account(session: &CurrentSession) -> AccountId {
    session.account.id.clone()
}

/// The actor behind a request, by session or by token.
pub fn of(auth: &Auth, client: &ClientInfo) -> Actor {
    let session = crate::auth::session_of(auth);
    let mut origin = crate::client::origin(client, session);
    if let Auth::Token(user) = auth {
        origin.api_token_id = Some(user.token_id.clone());
    }
    Actor {
        account: account_of(auth),
        via: match auth {
            Auth::Session(_) => Via::Session,
            Auth::Token(user) => Via::Token(user.scope.clone()),
        },
        origin,
        seen: session.and_then(|session| session.seen.clone()),
    }
}

/// The actor behind a page request made with a browser session.
pub fn of_session(session: &CurrentSession, client: &ClientInfo) -> Actor {
    Actor {
        account: account(session),
        via: Via::Session,
        origin: crate::client::origin(client, Some(session)),
        seen: session.seen.clone(),
    }
}
