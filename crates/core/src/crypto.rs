//! Health data at rest: each client's data is sealed under that client's own random data key
//! (XChaCha20-Poly1305), with the id of the row or file it belongs to as associated data, so a
//! sealed value moved to another row does not open. Destroying a client's data key makes every
//! copy of their data unreadable, backups included.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// Bytes in a data key (256 bits).
pub const KEY_LEN: usize = 32;
/// Bytes of the random nonce that starts every sealed value.
pub const NONCE_LEN: usize = 24;
/// Bytes the authentication tag adds to every sealed value.
pub const TAG_LEN: usize = 16;

/// A symmetric key: a client's data key, or the installation's master key that wraps them.
/// Wiped from memory when dropped and never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// A new random key.
    pub fn generate() -> Result<DataKey, getrandom::Error> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut())?;
        Ok(DataKey(bytes))
    }

    /// A key from its bytes; `None` unless there are exactly [`KEY_LEN`] of them.
    pub fn from_bytes(bytes: &[u8]) -> Option<DataKey> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(array)))
    }

    /// The key's bytes, for wrapping it under another key.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

/// A sealed value did not open: wrong key, wrong associated data, or changed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed data does not open with this key")]
pub struct Unreadable;

/// Why sealing failed: the system's random source gave no nonce.
#[derive(Debug, thiserror::Error)]
#[error("no random nonce: {0}")]
pub struct NoNonce(getrandom::Error);

impl From<getrandom::Error> for NoNonce {
    fn from(error: getrandom::Error) -> Self {
        NoNonce(error)
    }
}

/// Seals `plaintext` under `key`, bound to `aad`: a random nonce, then the ciphertext and tag.
pub fn seal(key: &DataKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, NoNonce> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(NoNonce)?;
    Ok(seal_with_nonce(key, &nonce, aad, plaintext))
}

/// [`seal`] with a nonce the caller guarantees is never used twice under `key` (the chunks of
/// one file derive theirs from the file's random nonce and their position).
pub fn seal_with_nonce(
    key: &DataKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    let payload = Payload {
        msg: plaintext,
        aad,
    };
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(nonce);
    // Encryption with a valid key and nonce length cannot fail; the library's error type covers
    // decryption's failures too.
    let sealed = key
        .cipher()
        .encrypt(XNonce::from_slice(nonce), payload)
        .unwrap_or_default();
    out.extend_from_slice(&sealed);
    out
}

/// Opens what [`seal`] made with the same key and associated data.
pub fn open(key: &DataKey, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unreadable> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(Unreadable);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let payload = Payload {
        msg: ciphertext,
        aad,
    };
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), payload)
        .map_err(|_| Unreadable)
}

/// [`seal`] for text.
pub fn seal_text(key: &DataKey, aad: &[u8], text: &str) -> Result<Vec<u8>, NoNonce> {
    seal(key, aad, text.as_bytes())
}

/// [`open`] for text sealed with [`seal_text`].
pub fn open_text(key: &DataKey, aad: &[u8], sealed: &[u8]) -> Result<String, Unreadable> {
    String::from_utf8(open(key, aad, sealed)?).map_err(|_| Unreadable)
}

/// Wraps a client's data key under the installation's master key, bound to the client's account
/// id: a wrapped key copied onto another account does not open.
pub fn wrap_key(master: &DataKey, account_id: &str, key: &DataKey) -> Result<Vec<u8>, NoNonce> {
    seal(master, account_id.as_bytes(), key.expose())
}

/// The data key [`wrap_key`] wrapped for `account_id` under `master`.
pub fn unwrap_key(
    master: &DataKey,
    account_id: &str,
    wrapped: &[u8],
) -> Result<DataKey, Unreadable> {
    let bytes = zeroize::Zeroizing::new(open(master, account_id.as_bytes(), wrapped)?);
    DataKey::from_bytes(&bytes).ok_or(Unreadable)
}

/// Characters in a [`master_key_id`].
pub const MASTER_KEY_ID_LEN: usize = 16;

/// A short name for a master key, stored beside every key it wraps, to tell keys apart (which
/// one wraps a data key, whether a rotation is done) without revealing the key: the first 8
/// bytes of a SHA-256 over a label and the key, in hexadecimal.
pub fn master_key_id(master: &DataKey) -> String {
    let digest = Sha256::new()
        .chain_update(b"carespace master key id\0")
        .chain_update(master.expose())
        .finalize();
    digest[..MASTER_KEY_ID_LEN / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key_and_row() {
        let key = DataKey::generate().unwrap();
        let sealed = seal_text(&key, b"row-1", "verwijsbrief huisarts").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"verwijsbr"));
        assert_eq!(
            open_text(&key, b"row-1", &sealed).unwrap(),
            "verwijsbrief huisarts"
        );
        assert_eq!(open_text(&key, b"row-2", &sealed), Err(Unreadable));
        let other = DataKey::generate().unwrap();
        assert_eq!(open_text(&other, b"row-1", &sealed), Err(Unreadable));
    }

    #[test]
    fn a_changed_byte_or_a_short_value_does_not_open() {
        let key = DataKey::generate().unwrap();
        let mut sealed = seal(&key, b"a", b"x-ray").unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(open(&key, b"a", &sealed), Err(Unreadable));
        assert_eq!(open(&key, b"a", &[0; 10]), Err(Unreadable));
    }

    #[test]
    fn the_same_text_seals_differently_each_time() {
        let key = DataKey::generate().unwrap();
        assert_ne!(
            seal(&key, b"a", b"same").unwrap(),
            seal(&key, b"a", b"same").unwrap()
        );
    }

    #[test]
    fn keys_have_exactly_their_length_and_never_print() {
        assert!(DataKey::from_bytes(&[7; 31]).is_none());
        let key = DataKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "DataKey([redacted])");
    }

    #[test]
    fn a_wrapped_key_opens_only_under_its_master_key_and_account() {
        let master = DataKey::generate().unwrap();
        let key = DataKey::generate().unwrap();
        let wrapped = wrap_key(&master, "account-1", &key).unwrap();
        assert!(!wrapped.windows(KEY_LEN).any(|w| w == key.expose()));
        let unwrapped = unwrap_key(&master, "account-1", &wrapped).unwrap();
        assert_eq!(unwrapped.expose(), key.expose());
        assert!(unwrap_key(&master, "account-2", &wrapped).is_err());
        let other = DataKey::generate().unwrap();
        assert!(unwrap_key(&other, "account-1", &wrapped).is_err());
    }

    #[test]
    fn a_master_key_id_is_short_stable_and_differs_per_key() {
        let master = DataKey::from_bytes(&[1; 32]).unwrap();
        let id = master_key_id(&master);
        assert_eq!(id.len(), MASTER_KEY_ID_LEN);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, master_key_id(&DataKey::from_bytes(&[1; 32]).unwrap()));
        assert_ne!(id, master_key_id(&DataKey::from_bytes(&[2; 32]).unwrap()));
    }
}
