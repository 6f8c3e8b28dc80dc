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
}
