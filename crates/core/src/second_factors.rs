//! Second factors: what a person proves besides their password. An authenticator app (TOTP,
//! RFC 6238: six digits, 30-second steps, one step of clock drift either way, each step accepted
//! once) and single-use recovery codes for when the app is lost.

use crate::time::Timestamp;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret};

/// Recovery codes made at once; making new ones ends the old.
pub const RECOVERY_CODES: usize = 10;
/// How long the second step of a login may wait after the password.
pub const CHALLENGE_MS: i64 = 10 * 60_000;
/// Wrong codes one login's second step takes; then the password is asked again.
pub const CHALLENGE_TRIES: i64 = 5;
/// How long a browser remembered at the second step skips it.
pub const REMEMBER_BROWSER_MS: i64 = 30 * 24 * 60 * 60_000;

/// A new authenticator secret: 160 random bits, as RFC 4226 recommends.
pub fn new_totp_secret() -> Result<Vec<u8>, getrandom::Error> {
    let mut bytes = vec![0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// The secret as it is stored: base32.
pub fn encode_secret(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// A stored secret read back; `None` when it is not base32.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    Secret::try_from_base32(text)
        .ok()
        .map(|s| s.as_bytes().to_vec())
}

/// The secret as the person types it into an app: base32, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let plain = encode_secret(secret);
    let groups: Vec<String> = plain
        .as_bytes()
        .chunks(4)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect();
    groups.join(" ")
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> Option<String> {
    let clean = |text: &str| text.replace(':', " ");
    Builder::new()
        .with_secret(secret.to_vec())
        .with_issuer(Some(clean(issuer)))
        .with_account_name(clean(account))
        .build()
        .ok()?
        .to_url()
        .ok()
}

/// The time step a code typed at `now` matches (the current one, or one either side), when
/// that step is later than `last_step`: a code is accepted once, and never an older one.
pub fn check_totp(
    secret: &[u8],
    code: &str,
    now: Timestamp,
    last_step: Option<i64>,
) -> Option<i64> {
    let totp = Builder::new().with_secret(secret.to_vec()).build().ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let seconds = u64::try_from(now.millis() / 1000).ok()?;
    let step = i64::try_from(totp.check(&code, seconds)?).ok()?;
    (last_step.is_none_or(|last| step > last)).then_some(step)
}

/// The code an app shows at `at`, as the tests type it.
pub fn totp_code(secret: &[u8], at: Timestamp) -> Option<String> {
    let totp = Builder::new().with_secret(secret.to_vec()).build().ok()?;
    let seconds = u64::try_from(at.millis() / 1000).ok()?;
    Some(totp.generate(seconds).to_string())
}

/// A new recovery code: sixteen characters from 32 (no l, o, 0 or 1, which look alike) (80 random bits, one
/// character per five bits, so none is likelier than another), shown in groups of four.
pub fn new_recovery_code() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect();
    let groups: Vec<String> = chars.chunks(4).map(|g| g.iter().collect()).collect();
    Ok(groups.join("-"))
}

/// Whether typed text has the shape of a recovery code (rather than an app's six digits).
pub fn looks_like_recovery_code(text: &str) -> bool {
    normalise_recovery_code(text).len() == 16
}

/// The hash a recovery code is stored under; case, spaces and dashes do not matter. Codes carry
/// 80 random bits and are used once, so a plain SHA-256 cannot be searched back.
pub fn recovery_code_hash(code: &str) -> String {
    let digest = Sha256::digest(normalise_recovery_code(code).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn normalise_recovery_code(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP_MS: i64 = 30_000;

    #[test]
    fn a_code_is_accepted_within_one_step_of_drift_and_only_once() {
        let secret = new_totp_secret().unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000);
        let code = totp_code(&secret, now).unwrap();
        let step = check_totp(&secret, &code, now, None).expect("the current code");
        assert_eq!(
            check_totp(&secret, &code, now, Some(step)),
            None,
            "replayed"
        );
        for drift in [-1, 1] {
            let other = totp_code(&secret, now.plus_millis(drift * STEP_MS)).unwrap();
            assert!(check_totp(&secret, &other, now, Some(step - 2)).is_some());
        }
        for drift in [-2, 2] {
            let far = totp_code(&secret, now.plus_millis(drift * STEP_MS)).unwrap();
            if far != code {
                assert_eq!(check_totp(&secret, &far, now, None), None, "{drift} steps");
            }
        }
        assert_eq!(check_totp(&secret, "12345", now, None), None);
    }

    #[test]
    fn recovery_codes_read_back_whatever_their_case_and_spacing() {
        let code = new_recovery_code().unwrap();
        assert_eq!(code.len(), 19);
        assert!(looks_like_recovery_code(&code));
        assert!(!looks_like_recovery_code("123456"));
        let typed = code.to_uppercase().replace('-', " ");
        assert_eq!(recovery_code_hash(&typed), recovery_code_hash(&code));
        assert_ne!(new_recovery_code().unwrap(), code);
    }

    #[test]
    fn the_secret_is_shown_in_groups_and_the_address_names_issuer_and_account() {
        let secret = vec![0u8; 20];
        assert_eq!(
            secret_text(&secret),
            "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA"
        );
        let url = otpauth_url(&secret, "Carespace", "anna@example.nl").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Carespace:anna%40example.nl?"),
            "{url}"
        );
        assert!(url.contains("secret=AAAA"));
    }
}
