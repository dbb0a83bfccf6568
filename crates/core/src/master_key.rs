//! The installation's master key as configuration and key files hold it: its 32 bytes in
//! hexadecimal (64 characters, what `carespace admin init-key` writes) or in base64.

use crate::crypto::{DataKey, KEY_LEN};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use zeroize::Zeroizing;

/// Why a text is no master key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be 32 bytes in hexadecimal (64 characters) or base64")]
pub struct NotAMasterKey;

/// The key `text` holds; surrounding white space (a key file's newline) is ignored.
pub fn parse(text: &str) -> Result<DataKey, NotAMasterKey> {
    let text = text.trim();
    let bytes = if text.len() == KEY_LEN * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Zeroizing::new(
            (0..text.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
                .collect::<Vec<u8>>(),
        )
    } else {
        let decoded = STANDARD
            .decode(text)
            .or_else(|_| STANDARD_NO_PAD.decode(text))
            .map_err(|_| NotAMasterKey)?;
        Zeroizing::new(decoded)
    };
    DataKey::from_bytes(&bytes).ok_or(NotAMasterKey)
}

/// The key in hexadecimal, as a key file holds it.
pub fn to_hex(key: &DataKey) -> Zeroizing<String> {
    Zeroizing::new(key.expose().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_from_hex_and_from_base64() {
        let key = DataKey::generate().unwrap();
        let hex = to_hex(&key);
        assert_eq!(hex.len(), 64);
        assert_eq!(
            parse(&format!("{}\n", *hex)).unwrap().expose(),
            key.expose()
        );
        let base64 = STANDARD.encode(key.expose());
        assert_eq!(parse(&base64).unwrap().expose(), key.expose());
        assert_eq!(
            parse(base64.trim_end_matches('=')).unwrap().expose(),
            key.expose()
        );
    }

    #[test]
    fn short_long_or_garbled_keys_are_refused() {
        assert_eq!(parse(&"ab".repeat(31)).err(), Some(NotAMasterKey));
        assert_eq!(parse(&"ab".repeat(33)).err(), Some(NotAMasterKey));
        assert_eq!(
            parse(&STANDARD.encode([7u8; 16])).err(),
            Some(NotAMasterKey)
        );
        assert_eq!(parse("not a key at all!").err(), Some(NotAMasterKey));
        assert_eq!(parse("").err(), Some(NotAMasterKey));
    }
}
