//! Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1), always on the blocking pool: a
//! hash takes tens of milliseconds of CPU and must never stall the async runtime. Every hash
//! passes the [`HashGate`], which bounds how many run at once.

mod gate;

pub use gate::{HashGate, HashUse};

use crate::error::{AppError, AppResult};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use carespace_core::secret::Secret;
use std::sync::OnceLock;

fn argon2() -> AppResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Runs `work` on the blocking pool once the gate gives a turn; the turn is held until the work
/// ends, even when the request that asked for it is abandoned meanwhile.
async fn blocking<T: Send + 'static>(
    gate: &HashGate,
    purpose: HashUse,
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let turn = gate.enter(purpose).await?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(turn);
        result
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))?
}

/// The PHC string of a new hash of `password`, with a random salt.
pub async fn hash(gate: &HashGate, password: Secret) -> AppResult<String> {
    blocking(gate, HashUse::Other, move || {
        argon2()?
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
}

/// Whether `password` matches `hash`. With no hash (an unknown email) a dummy hash is checked
/// all the same, so the answer takes as long either way. `purpose` says whether this is a login.
pub async fn verify(
    gate: &HashGate,
    purpose: HashUse,
    password: Secret,
    hash: Option<String>,
) -> AppResult<bool> {
    blocking(gate, purpose, move || {
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (dummy_hash()?, false),
        };
        let matches = argon2()?
            .verify_password(password.expose().as_bytes(), hash.as_str())
            .is_ok();
        Ok(real && matches)
    })
    .await
}

/// A fixed hash with the same parameters, made once per process.
fn dummy_hash() -> AppResult<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = argon2()?
        .hash_password_with_salt(b"carespace dummy password", b"carespace-dummy-salt")
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))?
        .to_string();
    Ok(DUMMY.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let gate = HashGate::new(2, 1);
        let hash = hash(&gate, Secret::new("violet tram under the dunes"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify(
                &gate,
                HashUse::Login,
                Secret::new("violet tram under the dunes"),
                Some(hash.clone())
            )
            .await
            .unwrap()
        );
        assert!(
            !verify(
                &gate,
                HashUse::Other,
                Secret::new("violet tram under the dune"),
                Some(hash)
            )
            .await
            .unwrap()
        );
        assert!(
            !verify(
                &gate,
                HashUse::Login,
                Secret::new("carespace dummy password"),
                None
            )
            .await
            .unwrap()
        );
    }
}
