//! Checking a browser's assertion (its answer to an authentication ceremony) against the
//! account's passkeys: which one it was made with, and that passkey as updated by its use.

use super::RelyingParty;
use crate::error::{AppError, AppResult};
use carespace_store::passkeys::PasskeyRow;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    Base64UrlSafeData, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PublicKeyCredential,
};

/// The stored state of an authentication ceremony: for known passkeys (the second step, a
/// confirmation), or for whichever the browser finds (a passwordless login).
#[derive(Serialize, Deserialize)]
pub(crate) enum AssertionState {
    Known(PasskeyAuthentication),
    Discoverable(DiscoverableAuthentication),
}

/// Bytes as a stored credential id: base64url.
pub(crate) fn base64url(bytes: &[u8]) -> AppResult<String> {
    match serde_json::to_value(Base64UrlSafeData::from(bytes.to_vec())) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        _ => Err(AppError::Internal("credential id".into())),
    }
}

/// The browser's answer, when it is one at all.
pub(crate) fn parse_answer(credential: &str) -> Option<PublicKeyCredential> {
    serde_json::from_str(credential).ok()
}

/// The passkey among `keys` that made this assertion, with its credential as updated by the
/// use (JSON), when the assertion checks out (signature, challenge, origin, user verified);
/// `None` otherwise.
pub(crate) fn check_assertion(
    rp: &RelyingParty,
    keys: &[PasskeyRow],
    answer: &PublicKeyCredential,
    state: AssertionState,
) -> AppResult<Option<(PasskeyRow, String)>> {
    let used = base64url(answer.get_credential_id())?;
    let Some(row) = keys.iter().find(|k| k.credential_id == used) else {
        return Ok(None);
    };
    let mut passkey: Passkey = serde_json::from_str(&row.credential)
        .map_err(|e| AppError::Internal(format!("stored passkey: {e}")))?;
    let result = match state {
        AssertionState::Known(state) => rp.webauthn.finish_passkey_authentication(answer, &state),
        AssertionState::Discoverable(state) => {
            let key = DiscoverableKey::from(&passkey);
            rp.webauthn
                .finish_discoverable_authentication(answer, state, &[key])
        }
    };
    let Ok(result) = result else {
        return Ok(None);
    };
    if !result.user_verified() {
        return Ok(None);
    }
    passkey.update_credential(&result);
    let json =
        serde_json::to_string(&passkey).map_err(|e| AppError::Internal(format!("passkey: {e}")))?;
    Ok(Some((row.clone(), json)))
}
