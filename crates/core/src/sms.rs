//! Text-message (SMS) codes as a second factor: the phone number they go to, and the rules of
//! the codes (six digits, ten minutes, five tries, a few sends an hour). The weakest factor:
//! a number can be taken over (SIM swap, porting), so it is offered beside the app, not instead.

use crate::time::Timestamp;
use sha2::{Digest, Sha256};

/// Digits of a code.
pub const CODE_DIGITS: usize = 6;
/// How long a code may be used after it was sent (ASVS 6.5.5: at most ten minutes).
pub const CODE_MS: i64 = 10 * 60_000;
/// Wrong tries one code takes; then it is dead and a new one must be sent.
pub const CODE_TRIES: i64 = 5;
/// Codes sent to one account in an hour, unless configured otherwise.
pub const DEFAULT_SENDS_PER_HOUR: i64 = 5;
/// The window the sends are counted in.
pub const SEND_WINDOW_MS: i64 = 60 * 60_000;

/// A phone number in international (E.164) form, `+` and 8 to 15 digits; what people type is
/// read with the Netherlands as the default region ("06 12345678" → "+31612345678").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Reads a typed number: spaces, dashes, dots and brackets are ignored; `00` and a single
    /// leading `0` (a Dutch number) become `+` and `+31`. Anything else is `phone_invalid`.
    pub fn parse(text: &str) -> Result<PhoneNumber, &'static str> {
        let compact: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}'))
            .collect();
        if compact.is_empty() {
            return Err("phone_required");
        }
        let international = if let Some(rest) = compact.strip_prefix("00") {
            format!("+{rest}")
        } else if let Some(rest) = compact.strip_prefix('0') {
            format!("+31{rest}")
        } else {
            compact
        };
        let Some(digits) = international.strip_prefix('+') else {
            return Err("phone_invalid");
        };
        // E.164: a country code never starts with 0, and the whole is at most 15 digits.
        let plausible = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if plausible {
            Ok(PhoneNumber(international))
        } else {
            Err("phone_invalid")
        }
    }

    /// A number stored by [`PhoneNumber::parse`], read back.
    pub fn from_stored(text: &str) -> Option<PhoneNumber> {
        PhoneNumber::parse(text).ok().filter(|p| p.0 == text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as pages show it to someone who may not be its owner (a login's second step):
    /// the last three digits only.
    pub fn masked(&self) -> String {
        let digits = &self.0[1..];
        let tail = &digits[digits.len().saturating_sub(3)..];
        format!("••• {tail}")
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a code was sent for; a code works only for its own purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsPurpose {
    /// Proving a new number is the person's own, before it guards logins.
    ConfirmNumber,
    /// The second step of a login.
    Login,
    /// Confirming a change of the factors (removing one, changing the number, new codes).
    ConfirmAction,
}

impl SmsPurpose {
    pub fn code(self) -> &'static str {
        match self {
            SmsPurpose::ConfirmNumber => "confirm_number",
            SmsPurpose::Login => "login",
            SmsPurpose::ConfirmAction => "confirm_action",
        }
    }
}

/// A new code: six random digits (the modulo bias of 2^32 over 10^6 is below one in 4000).
pub fn new_code() -> Result<String, getrandom::Error> {
    let number = getrandom::u32()? % 1_000_000;
    Ok(format!("{number:06}"))
}

/// Whether typed text has the shape of a code (six digits, spaces ignored).
pub fn looks_like_code(text: &str) -> bool {
    let digits = normalise(text);
    digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The hash a code is kept under, salted with the code's own id. A code has a million values,
/// but it lives ten minutes and takes five tries, so a fast hash is enough.
pub fn code_hash(code_id: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{code_id}:{}", normalise(code)).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// When a code sent at `sent_at` stops working.
pub fn expires_at(sent_at: Timestamp) -> Timestamp {
    sent_at.plus_millis(CODE_MS)
}

fn normalise(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_people_type_becomes_one_international_number() {
        for typed in [
            "06 12345678",
            "06-1234 5678",
            "+31 6 12345678",
            "0031612345678",
            " (06) 12.34.56.78 ",
        ] {
            assert_eq!(
                PhoneNumber::parse(typed).unwrap().as_str(),
                "+31612345678",
                "{typed}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+44 7700 900123").unwrap().as_str(),
            "+447700900123"
        );
    }

    #[test]
    fn what_is_not_a_plausible_number_is_refused() {
        assert_eq!(PhoneNumber::parse("  "), Err("phone_required"));
        for bad in [
            "06 123",
            "+31 6 1234 5678 9012 345",
            "06 1234 567a",
            "+0612345678",
            "call me",
            "+",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err("phone_invalid"), "{bad}");
        }
    }

    #[test]
    fn a_number_is_masked_to_its_last_digits() {
        let number = PhoneNumber::parse("06 12345678").unwrap();
        assert_eq!(number.masked(), "••• 678");
        assert_eq!(PhoneNumber::from_stored("+31612345678"), Some(number));
        assert_eq!(PhoneNumber::from_stored("06 12345678"), None);
    }

    #[test]
    fn codes_are_six_digits_hashed_with_their_id() {
        let code = new_code().unwrap();
        assert!(looks_like_code(&code), "{code}");
        assert!(!looks_like_code("12345"));
        assert!(!looks_like_code("abcdef"));
        assert_eq!(code_hash("a", "123 456"), code_hash("a", "123456"));
        assert_ne!(code_hash("a", "123456"), code_hash("b", "123456"));
    }
}
