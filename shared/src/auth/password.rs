//! Passwords: the policy a new password must meet, and argon2id hashing and verification.
//!
//! Hashing is deliberately slow (OWASP parameters: 19 MiB, 2 passes, 1 lane), so it runs on the
//! blocking pool and a login never stalls the runtime that serves other requests. A password
//! never appears in `Debug` output, logs or answers.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash as Phc, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use crate::error::ApiError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// The bundled list, lower case, one per line; `#` lines are comments.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// A new password that meets the policy: 8–128 characters and not a common password.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(text: String) -> Result<Self, String> {
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
        }
        if is_common(&text) {
            return Err("is too common; choose a less guessable password".into());
        }
        Ok(Self(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Whether `text` is on the bundled list of common passwords (case-insensitive).
pub fn is_common(text: &str) -> bool {
    COMMON_PASSWORDS.contains(text.to_lowercase().as_str())
}

/// An argon2id hash in PHC string format, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a stored PHC string (read back from a store).
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

fn hasher() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|e| ApiError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> Result<PasswordHash, ApiError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ApiError::Internal(format!("argon2 salt: {e}")))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|phc| PasswordHash(phc.to_string()))
        .map_err(|e| ApiError::Internal(format!("argon2 hash: {e}")))
}

fn verify_blocking(candidate: &str, stored: &str) -> bool {
    // The parameters come from the PHC string, so hashes made with older parameters still verify.
    Phc::new(stored).ok().is_some_and(|phc| {
        hasher().is_ok_and(|h| h.verify_password(candidate.as_bytes(), &phc).is_ok())
    })
}

/// A hash of a random, forgotten password with the current parameters, verified against when the
/// account does not exist so that an unknown login takes as long as a wrong password (no user
/// enumeration by timing). A constant, so even the first such login of a container costs the
/// same as any other; nothing can match it, and its result is ignored anyway.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AHGrbo02XS1evMtjz3SDnQ$iIep/hyuMfRGhphawyqK9fqKEpDEQbQLme2OpZ5HKSY";

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing task failed: {e}")))
}

/// Hashes a new password with argon2id on the blocking pool.
pub async fn hash(password: &Password) -> Result<PasswordHash, ApiError> {
    let password = password.0.clone();
    blocking(move || hash_blocking(&password)).await?
}

/// Checks `candidate` against `stored`; with no stored hash (unknown account) it verifies
/// against a dummy hash and answers `false`, taking the same time.
pub async fn verify(candidate: &str, stored: Option<&PasswordHash>) -> Result<bool, ApiError> {
    let candidate = candidate.to_owned();
    match stored {
        Some(hash) => {
            let stored = hash.0.clone();
            blocking(move || verify_blocking(&candidate, &stored)).await
        }
        None => {
            blocking(move || {
                verify_blocking(&candidate, DUMMY_HASH);
                false
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_bounds_length_and_refuses_common_passwords() {
        assert!(Password::parse("short7!".into()).is_err());
        assert!(Password::parse("x".repeat(129)).is_err());
        assert!(
            Password::parse("é".repeat(128)).is_ok(),
            "counted in characters"
        );
        for common in [
            "password",
            "Password123",
            "QWERTYUIOP",
            "iloveyou1",
            "12345678",
        ] {
            assert!(Password::parse(common.into()).is_err(), "{common}");
        }
        assert!(Password::parse("correct horse battery staple".into()).is_ok());
        assert!(COMMON_PASSWORDS.len() > 1000);
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let password = Password::parse("s3cret-enough-pw".into()).unwrap();
        assert!(!format!("{password:?}").contains("s3cret"));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let password = Password::parse("a perfectly fine pw".into()).unwrap();
        let hashed = hash(&password).await.unwrap();
        assert!(hashed
            .as_str()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("a perfectly fine pw", Some(&hashed)).await.unwrap());
        assert!(!verify("a perfectly fine pX", Some(&hashed)).await.unwrap());
        assert!(!verify("anything", None).await.unwrap());
        // The dummy hash costs what a real one does: same algorithm and parameters.
        let params = |phc: &str| phc.rsplitn(3, '$').nth(2).unwrap().to_string();
        assert_eq!(params(DUMMY_HASH), params(hashed.as_str()));
        let garbage = PasswordHash::from_stored("not a phc string".into());
        assert!(!verify("anything", Some(&garbage)).await.unwrap());
    }
}
