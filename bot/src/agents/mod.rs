//! Agents: accounts with Argon2id password hashes, roles, language skills and capacity; login hands
//! out an expiring bearer token of which only the hash is stored. There is no default account or
//! password: `komek agent add` creates them.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use komek_nlu::Lang;
use serde::{Deserialize, Serialize};

pub mod password;

use unicode_normalization::UnicodeNormalization;

use crate::clock::now_ms;
use crate::error::BotError;
use crate::secrets::{new_id, new_token, random_hex, token_hash};
use crate::store::{AgentRow, AgentWrite, Store};
use crate::store::agents::CodeList;

/// What an agent may do: agents work the queue; supervisors also see everyone's conversations, the
/// team and the reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AgentRole {
    Agent,
    Supervisor,
}

impl AgentRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentRole::Agent => "agent",
            AgentRole::Supervisor => "supervisor",
        }
    }
}

impl TryFrom<String> for AgentRole {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "agent" => Ok(AgentRole::Agent),
            "supervisor" => Ok(AgentRole::Supervisor),
            _ => Err(format!("unknown role {s:?}")),
        }
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// An agent as the API shows them (never the hash).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agent {
    pub id: String,
    pub username: String,
    pub role: AgentRole,
    pub languages: Vec<String>,
    pub capacity: u32,
}

impl From<&AgentRow> for Agent {
    fn from(r: &AgentRow) -> Self {
        Self { id: r.id.clone(), username: r.username.clone(), role: r.role, languages: r.languages.0.clone(), capacity: r.capacity.max(0) as u32 }
    }
}

impl Agent {
    pub fn is_supervisor(&self) -> bool {
        self.role == AgentRole::Supervisor
    }
}

pub struct NewAgent<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub languages: &'a [Lang],
    pub role: AgentRole,
    pub capacity: u32,
}

/// Longest username, in bytes.
const MAX_USERNAME_BYTES: usize = 64;

/// The one form of a username, for creation, lookup and the login limiter alike: NFKC (full-width
/// and other look-alike forms fold), trimmed (NFKC turns a no-break space into a space), lower case.
pub fn normalize_username(username: &str) -> String {
    username.nfkc().collect::<String>().trim().to_lowercase()
}

/// Whether a normalised username is one an agent may have.
pub fn valid_username(username: &str) -> bool {
    !username.is_empty() && username.len() <= MAX_USERNAME_BYTES && username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c))
}

/// Creates an agent; the username must be new.
pub async fn add_agent(store: &Store, new: NewAgent<'_>) -> Result<Agent, BotError> {
    let username = &normalize_username(new.username);
    if !valid_username(username) {
        return Err(BotError::Invalid("the username must be 1–64 letters, digits or . _ - @".into()));
    }
    if new.password.len() > MAX_PASSWORD_BYTES {
        return Err(BotError::Invalid(format!("the password must have at most {MAX_PASSWORD_BYTES} bytes")));
    }
    if new.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(BotError::Invalid(format!("the password must have at least {MIN_PASSWORD_CHARS} characters")));
    }
    if new.languages.is_empty() {
        return Err(BotError::Invalid("an agent needs at least one language".into()));
    }
    if store.agent_by_username(username).await?.is_some() {
        return Err(BotError::Invalid(format!("an agent named {username:?} exists already")));
    }
    let row = AgentRow {
        id: new_id("a"),
        username: username.to_string(),
        password_hash: hash_password(new.password)?,
        role: new.role,
        languages: CodeList(new.languages.iter().map(|l| l.code().to_string()).collect()),
        capacity: i64::from(new.capacity.max(1)),
    };
    store.writer.write(vec![AgentWrite::Agent { row: row.clone(), at: now_ms() }.into()]).await?;
    Ok(Agent::from(&row))
}

pub fn hash_password(password: &str) -> Result<String, BotError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| BotError::Hashing(format!("randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| BotError::Hashing(format!("salt: {e}")))?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| BotError::Hashing(e.to_string()))?.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the username is unknown, so both cases take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_hex(16)).unwrap_or_default())
}

pub struct Login {
    pub token: String,
    pub expires_at: i64,
    pub agent: Agent,
}

/// Longest password checked, in bytes (longer ones cannot be right: `agent add` refuses them).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks the password and issues a token valid for `ttl_ms`; `None` for a wrong username or password.
/// `username` is normalised here ([`normalize_username`]). Unknown usernames are checked against a
/// decoy hash, so both cases take the same time — through the same bounded verifier.
pub async fn login(store: &Store, username: &str, password: &str, ttl_ms: i64) -> Result<Option<Login>, BotError> {
    let username = normalize_username(username);
    if !valid_username(&username) || password.len() > MAX_PASSWORD_BYTES {
        return Ok(None);
    }
    let row = store.agent_by_username(&username).await?;
    let hash = row.as_ref().map_or_else(|| decoy_hash().to_string(), |r| r.password_hash.clone());
    let ok = password::verify(password.to_string(), hash).await?;
    let Some(row) = row.filter(|_| ok) else { return Ok(None) };
    let token = new_token();
    let now = now_ms();
    let expires_at = now + ttl_ms;
    store.writer.write(vec![AgentWrite::Token { token_hash: token_hash(&token), agent_id: row.id.clone(), expires_at, at: now }.into()]).await?;
    Ok(Some(Login { token, expires_at, agent: Agent::from(&row) }))
}

pub async fn logout(store: &Store, token: &str) -> Result<(), BotError> {
    store.writer.write(vec![AgentWrite::DeleteToken { token_hash: token_hash(token) }.into()]).await?;
    Ok(())
}

/// The agent a bearer token opens, if valid now.
pub async fn authenticate(store: &Store, token: &str) -> Result<Option<Agent>, BotError> {
    Ok(store.agent_by_token(&token_hash(token), now_ms()).await?.as_ref().map(Agent::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_salt_and_verify() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("x", "not a hash"));
        let mut blocks = Vec::new();
        assert!(password::verify_in("correct horse", &a, &mut blocks), "the bounded verifier agrees");
        assert!(!password::verify_in("wrong horse", &a, &mut blocks));
        assert!(!password::verify_in("x", "not a hash", &mut blocks));
    }

    #[test]
    fn usernames_have_one_form() {
        for variant in [" a3", "a3 ", "\ta3", "\u{a0}a3", "A3", "ａ３", " Ａ3\n"] {
            assert_eq!(normalize_username(variant), "a3", "{variant:?}");
        }
        assert!(valid_username("aigerim.k@shop"));
        assert!(!valid_username("a b") && !valid_username("") && !valid_username(&"a".repeat(65)));
    }
}
