//! Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1), always on the blocking pool: a
//! hash takes tens of milliseconds of CPU and must never stall the async runtime. Every hash
//! passes the [`HashGate`], which bounds how many run at once.

mod gate;
mod memory;

pub use gate::{HashGate, HashUse};

use crate::error::{AppError, AppResult};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version};
use carespace_core::passwords as policy;
use carespace_core::secret::Secret;
use memory::WorkingMemory;
use std::sync::{Arc, OnceLock};

fn params() -> AppResult<Params> {
    Params::new(19 * 1024, 2, 1, Some(32)).map_err(|e| internal("argon2 parameters", e))
}

fn internal(what: &str, error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {error}"))
}

/// Runs `work` on the blocking pool once the gate gives a turn, with the turn's working memory;
/// the turn is held until the work ends, even when the request that asked for it is abandoned
/// meanwhile.
async fn blocking<T: Send + 'static>(
    gate: &HashGate,
    purpose: HashUse,
    work: impl FnOnce(&WorkingMemory) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let turn = gate.enter(purpose).await?;
    let memory = Arc::clone(gate.memory());
    tokio::task::spawn_blocking(move || {
        let result = work(&memory);
        drop(turn);
        result
    })
    .await
    .map_err(|e| internal("hashing task failed", e))?
}

/// Argon2 of `password` and `salt` into `out`, in working memory taken from `memory`.
fn compute(
    argon2: &Argon2<'_>,
    blocks: usize,
    (password, salt): (&[u8], &[u8]),
    out: &mut [u8],
    memory: &WorkingMemory,
) -> AppResult<()> {
    let mut buffer = memory.take(blocks);
    let result = argon2.hash_password_into_with_memory(password, salt, out, &mut buffer);
    memory.give_back(buffer);
    result.map_err(|e| internal("argon2", e))
}

/// The PHC string of an argon2id hash of `password` with `salt`.
fn phc_string(password: &[u8], salt: &[u8], memory: &WorkingMemory) -> AppResult<String> {
    let params = params()?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; 32];
    compute(
        &argon2,
        params.block_count(),
        (password, salt),
        &mut out,
        memory,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| internal("argon2", e))?,
        salt: Some(Salt::new(salt).map_err(|e| internal("salt", e))?),
        hash: Some(Output::new(&out).map_err(|e| internal("argon2", e))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` gives the hash in the PHC string `stored`, computed with the parameters
/// stored with it. A string that does not parse matches nothing.
fn matches(password: &[u8], stored: &str, memory: &WorkingMemory) -> AppResult<bool> {
    let Ok(hash) = PasswordHash::new(stored) else {
        return Ok(false);
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return Ok(false);
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::new(hash.algorithm.as_str()),
        Params::try_from(&hash),
    ) else {
        return Ok(false);
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return Ok(false),
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    compute(
        &argon2,
        params.block_count(),
        (password, salt),
        &mut out,
        memory,
    )?;
    // `Output` compares in constant time.
    Ok(Output::new(&out).is_ok_and(|computed| computed == *expected))
}

/// Whether `password` may become the password of the person with `email` and `name` (the
/// policy in `core::passwords`; the error is its problem code). Its guessability estimate takes
/// milliseconds of CPU for a long password, so it runs on the blocking pool behind the same
/// gate as hashing.
pub async fn check_new(
    gate: &HashGate,
    password: &Secret,
    email: &str,
    name: &str,
) -> AppResult<Result<(), &'static str>> {
    let (password, email, name) = (password.clone(), email.to_owned(), name.to_owned());
    blocking(gate, HashUse::Other, move |_| {
        Ok(policy::check(password.expose(), &email, &name))
    })
    .await
}

/// The PHC string of a new hash of `password`, with a random salt.
pub async fn hash(gate: &HashGate, password: Secret) -> AppResult<String> {
    blocking(gate, HashUse::Other, move |memory| {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| internal("no randomness for a salt", e))?;
        phc_string(password.expose().as_bytes(), &salt, memory)
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
    blocking(gate, purpose, move |memory| {
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (dummy_hash(memory)?, false),
        };
        let matches = matches(password.expose().as_bytes(), &hash, memory)?;
        Ok(real && matches)
    })
    .await
}

/// A fixed hash with the same parameters, made once per process.
fn dummy_hash(memory: &WorkingMemory) -> AppResult<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = phc_string(b"carespace dummy password", b"carespace-dummy-salt", memory)?;
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
        // The turns' working memory is kept, not allocated again for every hash.
        assert_eq!(gate.memory().kept(), 1);
    }

    /// Hashes stored before working memory was kept (argon2's own PHC strings) still verify,
    /// and a string that is not a hash matches nothing.
    #[tokio::test]
    async fn hashes_made_by_argon2_itself_verify() {
        use argon2::password_hash::PasswordHasher;
        let params = params().unwrap();
        let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_with_salt(b"violet tram under the dunes", b"sixteen byte salt")
            .unwrap()
            .to_string();
        let gate = HashGate::new(2, 1);
        let check = |password: &str, hash: &str| {
            verify(
                &gate,
                HashUse::Other,
                Secret::new(password),
                Some(hash.to_owned()),
            )
        };
        assert!(check("violet tram under the dunes", &stored).await.unwrap());
        assert!(!check("violet tram under the dune", &stored).await.unwrap());
        assert!(
            !check("violet tram under the dunes", "not a hash")
                .await
                .unwrap()
        );
    }
}
