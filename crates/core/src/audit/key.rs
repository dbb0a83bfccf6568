//! The audit chain's key: HMAC-SHA256 over each entry, so that only a holder of the key can
//! write a chain that verifies. The key lives in configuration or a key file, never in the
//! database.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// The fewest key bytes accepted: the HMAC-SHA256 block of security.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(Vec<u8>);

impl AuditKey {
    /// A key from its hexadecimal form (what key files and `audit.key` hold).
    pub fn from_hex(text: &str) -> Result<AuditKey, String> {
        let text = text.trim();
        if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("must be hexadecimal".into());
        }
        let bytes: Vec<u8> = (0..text.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
            .collect();
        if bytes.len() < MIN_KEY_BYTES {
            return Err(format!(
                "must be at least {MIN_KEY_BYTES} bytes ({} hexadecimal characters)",
                MIN_KEY_BYTES * 2
            ));
        }
        Ok(AuditKey(bytes))
    }

    /// A new random key of 32 bytes.
    pub fn generate() -> Result<AuditKey, getrandom::Error> {
        let mut bytes = vec![0u8; MIN_KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(AuditKey(bytes))
    }

    /// The form a key file holds.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// HMAC-SHA256 of `parts`, each followed by a newline, in hexadecimal.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> String {
        // HMAC takes a key of any length.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC accepts keys of every length")
        };
        for part in parts {
            mac.update(part);
            mac.update(b"\n");
        }
        hex(&mac.finalize().into_bytes())
    }
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey([redacted])")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex_and_short_or_odd_ones_are_refused() {
        let key = AuditKey::generate().unwrap();
        assert_eq!(AuditKey::from_hex(&key.to_hex()).unwrap(), key);
        assert_eq!(key.to_hex().len(), 64);
        assert!(AuditKey::from_hex("abcd").is_err());
        assert!(AuditKey::from_hex(&"z".repeat(64)).is_err());
        assert!(AuditKey::from_hex(&"a".repeat(63)).is_err());
        assert!(!format!("{key:?}").contains(&key.to_hex()));
    }
}
