//! Passkeys (WebAuthn): the kinds of ceremony a browser goes through with the server, how long
//! one may take, and what a passkey may be called.

/// How long a browser has between asking for a ceremony's options and sending its answer.
pub const CEREMONY_MS: i64 = 5 * 60_000;
/// The longest name a passkey may have, in characters.
pub const NAME_MAX: usize = 60;

/// What a ceremony is for; its state is kept server-side until the browser answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyKind {
    /// Registering a new passkey of the signed-in account.
    Register,
    /// The second step of a login whose password was right.
    SecondStep,
    /// Logging in with a passkey alone: the account is the credential's user handle.
    Passwordless,
    /// Confirming an action (removing a passkey) as the signed-in account.
    Confirm,
}

impl CeremonyKind {
    pub const ALL: [CeremonyKind; 4] = [
        CeremonyKind::Register,
        CeremonyKind::SecondStep,
        CeremonyKind::Passwordless,
        CeremonyKind::Confirm,
    ];

    /// The code stored with the ceremony.
    pub const fn code(self) -> &'static str {
        match self {
            CeremonyKind::Register => "register",
            CeremonyKind::SecondStep => "second_step",
            CeremonyKind::Passwordless => "passwordless",
            CeremonyKind::Confirm => "confirm",
        }
    }
}

/// A passkey's name as typed, trimmed; the problem's code when it is empty or too long.
pub fn parse_name(text: &str) -> Result<String, &'static str> {
    let name = text.trim();
    if name.is_empty() {
        return Err("passkey_name_required");
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err("passkey_name_invalid");
    }
    Ok(name.to_owned())
}

/// The relying-party id (the host) passkeys are bound to, from the installation's public
/// address: `None` when it is empty or an IP address, which WebAuthn refuses.
pub fn relying_party_id(public_url: &str) -> Option<&str> {
    let rest = public_url
        .strip_prefix("https://")
        .or_else(|| public_url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.starts_with('[') || authority.contains('@') {
        return None;
    }
    let host = authority.split(':').next()?;
    let is_ip = host.parse::<std::net::Ipv4Addr>().is_ok();
    (!host.is_empty() && !is_ip).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Laptop "), Ok("Laptop".to_owned()));
        assert_eq!(parse_name("   "), Err("passkey_name_required"));
        assert_eq!(parse_name(&"x".repeat(61)), Err("passkey_name_invalid"));
        assert_eq!(parse_name("a\u{0}b"), Err("passkey_name_invalid"));
    }

    #[test]
    fn the_relying_party_is_the_host_and_never_an_ip_address() {
        assert_eq!(
            relying_party_id("https://care.example.nl"),
            Some("care.example.nl")
        );
        assert_eq!(relying_party_id("http://localhost:8080"), Some("localhost"));
        assert_eq!(relying_party_id("http://127.0.0.1:8080"), None);
        assert_eq!(relying_party_id("http://[::1]:8080"), None);
        assert_eq!(relying_party_id(""), None);
    }

    #[test]
    fn ceremony_codes_are_unique() {
        let codes: std::collections::HashSet<_> =
            CeremonyKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), CeremonyKind::ALL.len());
    }
}
