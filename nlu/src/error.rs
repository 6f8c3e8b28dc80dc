use thiserror::Error;

/// Everything that can go wrong in the NLU crate.
#[derive(Debug, Error)]
pub enum NluError {
    #[error("unsupported language code {0:?}")]
    UnknownLanguage(String),
    #[error("model data is invalid: {0}")]
    Model(String),
    #[error("{path}:{line}: {message}")]
    Data { path: String, line: usize, message: String },
    #[error("training failed: {0}")]
    Training(String),
    #[error("tensor computation failed: {0}")]
    Tensor(#[from] candle_core::Error),
    #[error("{file}: {message}")]
    Content { file: String, message: String },
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
}
