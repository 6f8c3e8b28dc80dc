use thiserror::Error;

/// Errors of the `komek` service.
#[derive(Debug, Error)]
pub enum BotError {
    #[error("{file}: {message}")]
    Content { file: String, message: String },
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Nlu(#[from] komek_nlu::NluError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Upstream(String),
    /// A conditional write lost a race (e.g. two agents claiming one handoff).
    #[error("{0}")]
    Conflict(String),
}

impl From<sqlx::Error> for BotError {
    fn from(e: sqlx::Error) -> Self {
        BotError::Database(e.to_string())
    }
}
