//! The relying party passkeys are bound to: the host of `web.public_url`, built once at start.

use carespace_core::passkeys::relying_party_id;
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The WebAuthn relying party of this installation.
pub struct RelyingParty {
    pub(crate) webauthn: Webauthn,
}

impl RelyingParty {
    /// The relying party of `public_url`: `None` when the address is empty or an IP address
    /// (WebAuthn refuses those, so passkeys are not offered); an error when it cannot be one.
    pub fn for_public_url(public_url: &str) -> Result<Option<RelyingParty>, String> {
        let Some(rp_id) = relying_party_id(public_url) else {
            return Ok(None);
        };
        let origin = Url::parse(public_url).map_err(|e| format!("web.public_url: {e}"))?;
        let webauthn = WebauthnBuilder::new(rp_id, &origin)
            .and_then(|builder| builder.rp_name("Carespace").build())
            .map_err(|e| format!("web.public_url cannot be a passkey relying party: {e}"))?;
        Ok(Some(RelyingParty { webauthn }))
    }
}
