//! Komek's language understanding. Pure: values in, decisions out; no network or database I/O.

pub mod content;
mod error;
pub mod eval;
pub mod intent;
pub mod lang;
mod rng;

pub use error::NluError;
pub use lang::{Detection, Lang, LanguageDetector};
