//! A ceremony between starting (options for the browser, state kept here) and the browser's
//! answer: stored under the hash of a random token, taken once, refused after it expired.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::ids::AccountId;
use carespace_core::passkeys::{CEREMONY_MS, CeremonyKind};
use carespace_core::tokens;
use carespace_store::passkeys::{self as store, CeremonyRow};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What the browser gets to start a ceremony: the token to send back with its answer and the
/// options for `navigator.credentials`, as JSON.
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub token: String,
    pub options: serde_json::Value,
}

/// Stores the state of a new ceremony; the token and options for the browser.
pub(crate) async fn start(
    ctx: &AppContext,
    kind: CeremonyKind,
    account: Option<&AccountId>,
    name: Option<String>,
    state: &impl Serialize,
    options: &impl Serialize,
) -> AppResult<Ceremony> {
    let json = |what: &str, e: serde_json::Error| AppError::Internal(format!("{what}: {e}"));
    let token = tokens::generate()?;
    let now = ctx.now();
    let row = CeremonyRow {
        kind,
        account_id: account.cloned(),
        name,
        state: serde_json::to_string(state).map_err(|e| json("ceremony state", e))?,
        expires_at: now.plus_millis(CEREMONY_MS),
    };
    store::insert_ceremony(&ctx.db, &tokens::hash(&token), &row, now).await?;
    let options = serde_json::to_value(options).map_err(|e| json("ceremony options", e))?;
    Ok(Ceremony { token, options })
}

/// The problem of an unknown, spent or expired ceremony: start again.
pub(crate) fn expired() -> AppError {
    AppError::field("credential", "passkey_ceremony_expired")
}

/// Takes the ceremony the browser answers (it cannot be answered twice), with its state; refused
/// when it is unknown, of another kind or account, or expired.
pub(crate) async fn take<S: DeserializeOwned>(
    ctx: &AppContext,
    token: &str,
    kind: CeremonyKind,
    account: Option<&AccountId>,
) -> AppResult<(CeremonyRow, S)> {
    if !tokens::is_well_formed(token) {
        return Err(expired());
    }
    let Some(row) = store::take_ceremony(&ctx.db, &tokens::hash(token), kind).await? else {
        return Err(expired());
    };
    if row.expires_at <= ctx.now() || (account.is_some() && row.account_id.as_ref() != account) {
        return Err(expired());
    }
    let state = serde_json::from_str(&row.state)
        .map_err(|e| AppError::Internal(format!("stored ceremony state: {e}")))?;
    Ok((row, state))
}
