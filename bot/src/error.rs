//! The one error type of the `komek` crate. Each variant says what went wrong and keeps its cause;
//! `http::error` maps them to responses in one place.

use std::sync::Arc;

use thiserror::Error;

/// Why an action cannot happen in the state things are in (HTTP 409): a conditional write that lost
/// a race, or an action that no longer fits the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum Conflict {
    #[error("another agent claimed this handoff first")]
    AlreadyClaimed,
    #[error("this Telegram update was handled before")]
    UpdateSeen,
    #[error("the conversation is not with an agent")]
    NotWithAgent,
    #[error("the conversation is closed")]
    Closed,
    #[error("the conversation is with the bot")]
    WithBot,
    /// Another node (or an erase, or a link) wrote to the customer's conversations since this
    /// memory was read: the caller re-reads and decides again.
    #[error("the customer's conversation changed meanwhile")]
    Stale,
}

impl BotError {
    /// Whether the unit of work lost to a write made since its memory was read (go again).
    pub fn is_stale(&self) -> bool {
        matches!(self, BotError::Conflict(Conflict::Stale))
    }
}

impl Conflict {
    /// The `error.code` of the API.
    pub fn code(self) -> &'static str {
        match self {
            Conflict::AlreadyClaimed => "already_claimed",
            _ => "conflict",
        }
    }
}

#[derive(Debug, Error)]
pub enum BotError {
    #[error("{file}: {message}")]
    Content { file: String, message: String },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Nlu(#[from] komek_nlu::NluError),
    #[error("configuration: {0}")]
    Config(String),
    /// A value given by a caller (an agent's name, a password, a role…) is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The database failed. Shared, because one failed batch answers every caller in it.
    #[error("database: {0}")]
    Database(#[source] Arc<sqlx::Error>),
    #[error("database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the writer has stopped")]
    WriterStopped,
    #[error("password hashing: {0}")]
    Hashing(String),
    /// Too much work is waiting (e.g. password checks): try again in a moment.
    #[error("the service is busy; try again in a moment")]
    Busy,
    #[error("a background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("encoding: {0}")]
    Json(#[from] serde_json::Error),
    /// A system we depend on (the order system, Telegram) failed or answered nonsense.
    #[error("{0}")]
    Upstream(String),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Conflict(#[from] Conflict),
}

impl From<sqlx::Error> for BotError {
    fn from(e: sqlx::Error) -> Self {
        BotError::Database(Arc::new(e))
    }
}
