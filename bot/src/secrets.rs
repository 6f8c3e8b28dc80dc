//! Random identifiers and bearer tokens; only token hashes are stored.

use sha2::{Digest, Sha256};

/// `bytes` random bytes as lowercase hex, from the operating system's generator.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    hex(&buf)
}

/// A new identifier with a readable prefix, e.g. `c_3f9a…` for a conversation.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(12))
}

/// A new bearer token (256 bits).
pub fn new_token() -> String {
    random_hex(32)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A secret setting (a token): never printed, not even by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.trim().to_string())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::from(s.as_str())
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret::from(s))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(same(&token_hash(&a), &token_hash(&a)));
        assert!(!same(&token_hash(&a), &token_hash(&b)));
        assert!(new_id("c").starts_with("c_"));
        assert_eq!(format!("{:?}", Secret::from("hunter2")), "Secret(…)");
    }
}
