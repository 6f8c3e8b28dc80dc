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
    /// Bearer token of back-office calls (`KOMEK_ADMIN_TOKEN`). When unset, a random one is made at
    /// start and written to `admin-token` beside the SQLite file (never a default).
    pub admin_token: Option<String>,
    /// The business's own order system (`KOMEK_ORDERS_URL`); unset: the seeded demo back office.
    pub orders_url: Option<String>,
    /// Customer messages per session: a burst, then a steady rate (`KOMEK_RATE_BURST`, `KOMEK_RATE_PER_SECOND`).
    pub rate_burst: u32,
    pub rate_per_second: f64,
    /// The Telegram channel, when `TELEGRAM_BOT_TOKEN` is set.
    pub telegram: Option<TelegramConfig>,
    /// How long an agent's login lasts (`KOMEK_AGENT_TOKEN_TTL_SECONDS`, default 12 hours).
    pub agent_token_ttl_seconds: i64,
}

/// The Telegram channel: long polling by default; webhook mode with a URL and a secret.
#[derive(Clone, Debug)]
pub struct TelegramConfig {
    pub token: String,
    /// Another Bot API server (`TELEGRAM_API_URL`), e.g. a local one in tests.
    pub api_url: Option<String>,
    /// Public HTTPS URL of `/telegram/webhook` (`TELEGRAM_WEBHOOK_URL`).
    pub webhook_url: Option<String>,
    /// Checked against `X-Telegram-Bot-Api-Secret-Token` (`TELEGRAM_WEBHOOK_SECRET`).
    pub webhook_secret: Option<String>,
}

impl TelegramConfig {
    fn from_env() -> Result<Option<Self>, BotError> {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some(token) = var("TELEGRAM_BOT_TOKEN") else { return Ok(None) };
        let (webhook_url, webhook_secret) = (var("TELEGRAM_WEBHOOK_URL"), var("TELEGRAM_WEBHOOK_SECRET"));
        if webhook_url.is_some() != webhook_secret.is_some() {
            return Err(BotError::Config("webhook mode needs both TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET".into()));
        }
        if let Some(secret) = &webhook_secret {
            // Telegram allows 1–256 of A–Z a–z 0–9 _ -.
            if secret.len() > 256 || !secret.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(BotError::Config("TELEGRAM_WEBHOOK_SECRET must be 1–256 of A-Z a-z 0-9 _ -".into()));
            }
        }
        Ok(Some(Self { token, api_url: var("TELEGRAM_API_URL"), webhook_url, webhook_secret }))
    }
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
            admin_token: std::env::var("KOMEK_ADMIN_TOKEN").ok().filter(|t| !t.trim().is_empty()),
            orders_url: std::env::var("KOMEK_ORDERS_URL").ok().filter(|u| !u.trim().is_empty()),
            rate_burst: number(&var("KOMEK_RATE_BURST", "20"), "KOMEK_RATE_BURST")?,
            rate_per_second: number(&var("KOMEK_RATE_PER_SECOND", "2"), "KOMEK_RATE_PER_SECOND")?,
            agent_token_ttl_seconds: number(&var("KOMEK_AGENT_TOKEN_TTL_SECONDS", "43200"), "KOMEK_AGENT_TOKEN_TTL_SECONDS")?,
            telegram: TelegramConfig::from_env()?,
        })
    }

    /// Settings for a service under test or benchmark: everything default except what is given.
    pub fn local(database_url: String, models: PathBuf) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            database_url,
            models,
            languages: Lang::ALL.to_vec(),
            admin_token: None,
            orders_url: None,
            rate_burst: 20,
            rate_per_second: 2.0,
            agent_token_ttl_seconds: 43_200,
            telegram: None,
        }
    }
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, BotError> {
    text.trim().parse().map_err(|_| BotError::Config(format!("{name} {text:?} is not a number")))
}
