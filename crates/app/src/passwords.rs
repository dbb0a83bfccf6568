//! Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1), always on the blocking pool: a
//! hash takes tens of milliseconds of CPU and must never stall the async runtime.

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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("hashing task failed: {e}")))?
}

/// The PHC string of a new hash of `password`, with a random salt.
pub async fn hash(password: Secret) -> AppResult<String> {
    blocking(move || {
        argon2()?
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
}

/// Whether `password` matches `hash`. With no hash (an unknown email) a dummy hash is checked
/// all the same, so the answer takes as long either way.
pub async fn verify(password: Secret, hash: Option<String>) -> AppResult<bool> {
    blocking(move || {
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
        let hash = hash(Secret::new("violet tram under the dunes"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify(
                Secret::new("violet tram under the dunes"),
                Some(hash.clone())
            )
            .await
            .unwrap()
        );
        assert!(
            !verify(Secret::new("violet tram under the dune"), Some(hash))
                .await
                .unwrap()
        );
        assert!(
            !verify(Secret::new("carespace dummy password"), None)
                .await
                .unwrap()
        );
    }
}
