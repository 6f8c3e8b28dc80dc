use thiserror::Error;

/// Errors of the handoff crate: only configuration and content can be wrong.
#[derive(Debug, Error)]
pub enum HandoffError {
    #[error("{0}")]
    Config(String),
}
