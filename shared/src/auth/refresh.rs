//! Refresh tokens: 256 random bits sent to the client once, stored only as their SHA-256.
//!
//! A stolen database therefore holds no usable token, and a lookup by hash needs no
//! constant-time comparison (the hash of a guess reveals nothing about a stored token).

use std::fmt;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Refresh tokens are valid 30 days.
pub const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);
pub const TOKEN_BYTES: usize = 32;

/// A refresh token as the client holds it (base64url of 32 random bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    /// A new random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token presented by a client; `None` if it cannot be one of ours (no store lookup needed).
    pub fn parse(text: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        (decoded.len() == TOKEN_BYTES).then(|| Self(text.trim().to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(***)")
    }
}

/// The SHA-256 of a refresh token: what the stores keep and look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits_and_parse_back() {
        let token = RefreshToken::generate();
        assert_eq!(token.expose().len(), 43);
        assert_ne!(token, RefreshToken::generate());
        assert_eq!(RefreshToken::parse(token.expose()), Some(token.clone()));
        assert_eq!(
            RefreshToken::parse(token.expose()).unwrap().hash(),
            token.hash()
        );
        for bad in ["", "abc", "' OR '1'='1", &"A".repeat(44), &"=".repeat(43)] {
            assert!(RefreshToken::parse(bad).is_none(), "{bad}");
        }
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
