//! Komek's language understanding. Pure: values in, decisions out; no network or database I/O.

pub mod content;
pub mod cues;
pub mod entities;
pub mod emotion;
mod error;
mod fast_map;
pub mod eval;
pub mod form;
pub mod intent;
pub mod lang;
pub mod parse;
mod rng;
pub mod text;

pub use error::NluError;
pub use lang::{Detection, Lang, LanguageDetector};
pub use parse::{Nlu, Parse};
