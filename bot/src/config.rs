//! Service settings from the environment (names per `../shared/design/API.md`).

use std::net::SocketAddr;
use std::path::PathBuf;

use komek_nlu::Lang;
use komek_nlu::lang::parse_language_list;

use crate::error::BotError;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// `sqlite:PATH` (default `sqlite:data/komek.db`) or `postgres://…`.
    pub database_url: String,
    pub models: PathBuf,
    pub languages: Vec<Lang>,
}

pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/komek.db";
pub const DEFAULT_LANGUAGES: &str = "ru,kk,en,uk,uz,tr,de,es,fr,zh,ar";

impl Config {
    pub fn from_env() -> Result<Self, BotError> {
        let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
        let addr_text = var("KOMEK_ADDR", DEFAULT_ADDR);
        let addr = addr_text
            .parse()
            .map_err(|_| BotError::Config(format!("KOMEK_ADDR {addr_text:?} is not an address like 127.0.0.1:8080")))?;
        let languages = parse_language_list(&var("KOMEK_LANGUAGES", DEFAULT_LANGUAGES))?;
        Ok(Self {
            addr,
            database_url: var("DATABASE_URL", DEFAULT_DATABASE_URL),
            models: PathBuf::from(var("KOMEK_MODELS", "models")),
            languages,
        })
    }
}
