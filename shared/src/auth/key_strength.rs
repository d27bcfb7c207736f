//! Whether a configured `JWT_SECRET` is fit to sign tokens.
//!
//! HS256 is only as strong as its key: whoever guesses it can sign any token. Two mistakes are
//! common enough to refuse outright at start-up: copying the example from the documentation, and
//! typing a memorable phrase instead of generating random bytes. The entropy estimate below
//! cannot prove a key random, but it catches repeated characters, short alphabets and words.

use std::collections::HashMap;

use super::MIN_SECRET_BYTES;

/// Secrets that have appeared as examples in this project's documentation.
const DOCUMENTED_EXAMPLES: &[&str] = &["change-me-to-at-least-32-random-bytes-please"];

/// Least estimated entropy, in bits, of an accepted key: 32 random bytes written in hex
/// (`openssl rand -hex 32`) or base64 estimate well above this; a sentence or a keyboard walk
/// does not.
pub const MIN_ENTROPY_BITS: f64 = 128.0;

/// `Ok` for a key that is long enough, not a documented example and not visibly low-entropy;
/// otherwise what is wrong with it (never the key itself).
pub fn check(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"
        ));
    }
    if DOCUMENTED_EXAMPLES
        .iter()
        .any(|example| example.as_bytes() == secret)
    {
        return Err("JWT_SECRET is the example from the documentation; generate a random one (openssl rand -hex 32)".into());
    }
    let bits = estimated_entropy_bits(secret);
    if bits < MIN_ENTROPY_BITS {
        return Err(format!(
            "JWT_SECRET looks guessable (about {bits:.0} bits of entropy, {MIN_ENTROPY_BITS:.0} needed); generate a random one (openssl rand -hex 32)"
        ));
    }
    Ok(())
}

/// The key's length times the Shannon entropy of its byte frequencies: an upper bound on what
/// the key can hold, and low for keys made of few distinct characters.
fn estimated_entropy_bits(secret: &[u8]) -> f64 {
    let mut counts: HashMap<u8, usize> = HashMap::new();
    for byte in secret {
        *counts.entry(*byte).or_default() += 1;
    }
    let len = secret.len() as f64;
    let per_byte: f64 = counts
        .values()
        .map(|&count| {
            let p = count as f64 / len;
            -p * p.log2()
        })
        .sum();
    per_byte * len
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn random_keys_in_hex_base64_or_raw_bytes_are_accepted() {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        use base64::Engine;
        let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        for key in [
            hex::encode(bytes).into_bytes(),
            base64.into_bytes(),
            bytes.to_vec(),
        ] {
            assert!(check(&key).is_ok(), "{}", String::from_utf8_lossy(&key));
        }
    }

    #[test]
    fn short_copied_or_low_entropy_keys_are_refused() {
        for key in [
            "short",
            "change-me-to-at-least-32-random-bytes-please",
            &"a".repeat(64),
            &"ab".repeat(32),
            "passwordpasswordpasswordpassword",
        ] {
            let refused = check(key.as_bytes()).unwrap_err();
            assert!(!refused.contains(key), "the reason must not quote the key");
        }
    }
}
