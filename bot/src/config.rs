//! Service settings: one set of flags, each also read from its environment variable (names per
//! `../shared/design/API.md`); `komek serve --help` lists both with the defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use komek_nlu::Lang;

use crate::secrets::Secret;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/komek.db";
pub const DEFAULT_MODELS: &str = "models";
pub const DEFAULT_LANGUAGES: &str = "ru,kk,en,uk,uz,tr,de,es,fr,zh,ar";
const DEFAULT_RATE_BURST: u32 = 20;
const DEFAULT_RATE_PER_SECOND: f64 = 2.0;
/// Twelve hours.
const DEFAULT_AGENT_TOKEN_TTL_SECONDS: i64 = 43_200;
/// An hour between purges.
const DEFAULT_PURGE_INTERVAL_SECONDS: u64 = 3600;
const DEFAULT_QUEUE_UPDATE_SECONDS: u64 = 60;
const DEFAULT_QUALITY_SWEEP_SECONDS: u64 = 30;
/// Long enough for a load balancer checking `/readyz` every 2 s to notice twice.
const DEFAULT_DRAIN_SECONDS: u64 = 5;
/// A day for a session to say something.
const DEFAULT_SILENT_SESSION_GRACE_SECONDS: i64 = 86_400;

#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Listen address.
    #[arg(long, env = "KOMEK_ADDR", default_value = DEFAULT_ADDR, value_parser = address)]
    pub addr: SocketAddr,
    /// A second address serving only `GET /metrics`, without a token (for a scraper on a private
    /// network). Unset: `/metrics` is on the main address behind the admin token.
    #[arg(long, env = "KOMEK_METRICS_ADDR", value_parser = address)]
    pub metrics_addr: Option<SocketAddr>,
    /// `sqlite:PATH` or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// The models folder: content and trained artifacts.
    #[arg(long, env = "KOMEK_MODELS", default_value = DEFAULT_MODELS)]
    pub models: PathBuf,
    /// Languages the bot detects and speaks, comma-separated; the first is the default.
    #[arg(long, env = "KOMEK_LANGUAGES", default_value = DEFAULT_LANGUAGES, value_delimiter = ',', value_parser = language)]
    pub languages: Vec<Lang>,
    /// Bearer token of back-office calls. When unset, a random one is made at start and written to
    /// `admin-token` beside the SQLite file (never a default).
    #[arg(long, env = "KOMEK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,
    /// The business's own order system; unset: the seeded demo back office.
    #[arg(long, env = "KOMEK_ORDERS_URL")]
    pub orders_url: Option<String>,
    /// Customer messages per session: a burst…
    #[arg(long, env = "KOMEK_RATE_BURST", default_value_t = DEFAULT_RATE_BURST)]
    pub rate_burst: u32,
    /// …then a steady rate (429 beyond).
    #[arg(long, env = "KOMEK_RATE_PER_SECOND", default_value_t = DEFAULT_RATE_PER_SECOND)]
    pub rate_per_second: f64,
    /// How long an agent's login lasts.
    #[arg(long, env = "KOMEK_AGENT_TOKEN_TTL_SECONDS", default_value_t = DEFAULT_AGENT_TOKEN_TTL_SECONDS)]
    pub agent_token_ttl_seconds: i64,
    /// The header a trusted reverse proxy puts the client's address in (e.g. `X-Forwarded-For`; its
    /// last entry counts). Off by default: without a proxy anyone could set it.
    #[arg(long, env = "KOMEK_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,
    /// How often sessions that never spoke, expired logins and link codes (and, with a retention,
    /// old conversations) are purged.
    #[arg(long, env = "KOMEK_PURGE_INTERVAL_SECONDS", default_value_t = DEFAULT_PURGE_INTERVAL_SECONDS, value_parser = clap::value_parser!(u64).range(1..))]
    pub purge_interval_seconds: u64,
    /// How long a session that never sent a message is kept.
    #[arg(long, env = "KOMEK_SILENT_SESSION_GRACE_SECONDS", default_value_t = DEFAULT_SILENT_SESSION_GRACE_SECONDS)]
    pub silent_session_grace_seconds: i64,
    /// Conversations idle this many days are erased like a customer's erase (the reports keep
    /// counting them), then customers with nothing left. Off by default.
    #[arg(long, env = "KOMEK_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    /// A waiting customer is told again where they stand in the queue when it changes, at most once
    /// in this many seconds.
    #[arg(long, env = "KOMEK_QUEUE_UPDATE_SECONDS", default_value_t = DEFAULT_QUEUE_UPDATE_SECONDS, value_parser = clap::value_parser!(u64).range(1..))]
    pub queue_update_seconds: u64,
    /// How often conversations that ended (or got new events) are scored for quality.
    #[arg(long, env = "KOMEK_QUALITY_SWEEP_SECONDS", default_value_t = DEFAULT_QUALITY_SWEEP_SECONDS, value_parser = clap::value_parser!(u64).range(1..))]
    pub quality_sweep_seconds: u64,
    /// This node's name among several on one PostgreSQL database (in logs, presence and leases).
    /// Unset: made from the host name and process id.
    #[arg(long, env = "KOMEK_NODE_ID")]
    pub node_id: Option<String>,
    /// On SIGTERM a node sharing its database with others first answers `/readyz` with 503 for this
    /// long (so the load balancer stops sending it traffic), then closes its sockets (clients
    /// reconnect elsewhere) and finishes the requests in flight. A lone SQLite node does not wait.
    #[arg(long, env = "KOMEK_DRAIN_SECONDS", default_value_t = DEFAULT_DRAIN_SECONDS)]
    pub drain_seconds: u64,
    /// The Telegram channel, when a bot token is given.
    #[command(flatten)]
    pub telegram: Option<TelegramConfig>,
}

/// The Telegram channel: long polling by default; webhook mode with a URL and a secret.
#[derive(Clone, Debug, Args)]
pub struct TelegramConfig {
    /// The bot's token from @BotFather; enables the Telegram channel.
    #[arg(long = "telegram-bot-token", env = "TELEGRAM_BOT_TOKEN", hide_env_values = true, required = false)]
    pub token: Secret,
    /// Another Bot API server (e.g. a local one in tests).
    #[arg(long = "telegram-api-url", env = "TELEGRAM_API_URL")]
    pub api_url: Option<String>,
    /// Public HTTPS URL of `/telegram/webhook` (webhook mode; needs the secret too).
    #[arg(long = "telegram-webhook-url", env = "TELEGRAM_WEBHOOK_URL", requires = "webhook_secret")]
    pub webhook_url: Option<String>,
    /// Checked against `X-Telegram-Bot-Api-Secret-Token` (1–256 of A-Z a-z 0-9 _ -).
    #[arg(long = "telegram-webhook-secret", env = "TELEGRAM_WEBHOOK_SECRET", hide_env_values = true, requires = "webhook_url", value_parser = webhook_secret)]
    pub webhook_secret: Option<Secret>,
}

fn address(s: &str) -> Result<SocketAddr, String> {
    s.trim().parse().map_err(|_| format!("{s:?} is not an address like {DEFAULT_ADDR} (KOMEK_ADDR or --addr)"))
}

fn language(code: &str) -> Result<Lang, String> {
    Lang::from_code(code.trim()).ok_or_else(|| format!("unsupported language {code:?} (supported: {DEFAULT_LANGUAGES})"))
}

fn webhook_secret(s: &str) -> Result<Secret, String> {
    // Telegram allows 1–256 of A–Z a–z 0–9 _ -.
    if s.is_empty() || s.len() > 256 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err("must be 1–256 of A-Z a-z 0-9 _ -".into());
    }
    Ok(Secret::from(s))
}

impl Config {
    pub fn purge(&self) -> crate::purge::PurgeSettings {
        crate::purge::PurgeSettings {
            every: std::time::Duration::from_secs(self.purge_interval_seconds),
            silent_grace_ms: self.silent_session_grace_seconds.saturating_mul(1000),
            retention_days: self.retention_days,
        }
    }

    /// Settings for a service under test or benchmark: the defaults (not the environment), a
    /// random port, and the given database and models.
    pub fn local(database_url: String, models: PathBuf) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().expect("valid address"),
            metrics_addr: None,
            database_url,
            models,
            languages: Lang::ALL.to_vec(),
            admin_token: None,
            orders_url: None,
            rate_burst: DEFAULT_RATE_BURST,
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            agent_token_ttl_seconds: DEFAULT_AGENT_TOKEN_TTL_SECONDS,
            trusted_proxy_header: None,
            purge_interval_seconds: DEFAULT_PURGE_INTERVAL_SECONDS,
            silent_session_grace_seconds: DEFAULT_SILENT_SESSION_GRACE_SECONDS,
            retention_days: None,
            queue_update_seconds: DEFAULT_QUEUE_UPDATE_SECONDS,
            quality_sweep_seconds: DEFAULT_QUALITY_SWEEP_SECONDS,
            node_id: None,
            drain_seconds: 0,
            telegram: None,
        }
    }
}
