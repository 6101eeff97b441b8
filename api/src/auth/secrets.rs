//! Opaque secrets (refresh tokens, API client secrets): random, shown once, stored only as
//! a SHA-256 digest. They carry 256 bits of entropy, so a fast digest is enough; a slow
//! password hash would only slow every request down.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random secret with a readable prefix, e.g. `rt_…` or `cs_…`.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A random password for the bootstrap admin: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_digested() {
        let a = generate("rt");
        let b = generate("rt");
        assert!(a.starts_with("rt_"));
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 32);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(generate_password().len(), 20);
    }
}
