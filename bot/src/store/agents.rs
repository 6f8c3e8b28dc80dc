//! Agents and their login tokens (only hashes are stored; tokens expire).

use super::Store;
use super::writer::Tx;
use crate::agents::AgentRole;
use crate::error::BotError;

/// An agent as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AgentRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: AgentRole,
    #[sqlx(try_from = "String")]
    pub languages: CodeList,
    pub capacity: i64,
}

/// Language codes stored as one comma-separated column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeList(pub Vec<String>);

impl From<String> for CodeList {
    fn from(s: String) -> Self {
        CodeList(s.split(',').filter(|l| !l.is_empty()).map(str::to_string).collect())
    }
}

#[derive(Clone, Debug)]
pub enum AgentWrite {
    Agent { row: AgentRow, at: i64 },
    Token { token_hash: String, agent_id: String, expires_at: i64, at: i64 },
    DeleteToken { token_hash: String },
}

impl AgentWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        match self {
            AgentWrite::Agent { row, at } => {
                sqlx::query(
                    "INSERT INTO agents (id, username, password_hash, role, languages, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&row.id)
                .bind(&row.username)
                .bind(&row.password_hash)
                .bind(row.role.as_str())
                .bind(row.languages.0.join(","))
                .bind(row.capacity)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            AgentWrite::Token { token_hash, agent_id, expires_at, at } => {
                sqlx::query("INSERT INTO agent_tokens (token_hash, agent_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(agent_id)
                    .bind(expires_at)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            AgentWrite::DeleteToken { token_hash } => {
                sqlx::query("DELETE FROM agent_tokens WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }
}

const AGENT_COLUMNS: &str = "a.id, a.username, a.password_hash, a.role, a.languages, a.capacity";

impl Store {
    pub async fn agent_by_username(&self, username: &str) -> Result<Option<AgentRow>, BotError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents a WHERE a.username = $1");
        Ok(sqlx::query_as(&sql).bind(username).fetch_optional(&self.pool).await?)
    }

    pub async fn agent(&self, id: &str) -> Result<Option<AgentRow>, BotError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents a WHERE a.id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn agents(&self) -> Result<Vec<AgentRow>, BotError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents a ORDER BY a.username");
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    /// The agent a token belongs to, if the token exists and has not expired at `now`.
    pub async fn agent_by_token(&self, token_hash: &str, now: i64) -> Result<Option<AgentRow>, BotError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agent_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.token_hash = $1 AND t.expires_at > $2");
        Ok(sqlx::query_as(&sql).bind(token_hash).bind(now).fetch_optional(&self.pool).await?)
    }
}
