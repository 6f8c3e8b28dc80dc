//! The HTTP API (`../shared/design/API.md`), one module per resource: health and metrics, the NLU,
//! the customer chat API with its WebSocket, the agent API with its WebSocket, the back office,
//! Telegram's webhook, and the pages with their assets.

mod agents;
mod quality;
mod boundary;
pub mod assets;
mod chat;
pub mod console_labels;
mod customers;
mod error;
mod extract;
pub mod health;
mod limits;
mod live;
pub mod metrics;
mod nlu;
mod orders;
mod telegram;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, header};
use tower_http::cors::{self, CorsLayer};

pub use error::ApiError;
pub use limits::Limits;

use crate::backoffice::BackOffice;
use crate::chat::Chat;
use crate::store::Store;
use metrics::Metrics;

/// Longest customer text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub chat: Arc<Chat>,
    pub backoffice: BackOffice,
    pub metrics: Arc<Metrics>,
    /// SHA-256 of the back-office token.
    pub admin_token_hash: String,
    /// `/widget/i18n.json`, built once at start.
    pub widget_strings: Arc<str>,
    /// `/console/i18n.json`.
    pub console_strings: Arc<str>,
    /// Conversation quality: scorecards on demand and the sweeper's stored ones.
    pub quality: crate::quality::Quality,
    pub agent_token_ttl_seconds: i64,
    /// Abuse limits per client address.
    pub limits: Arc<limits::Limits>,
    /// The header a trusted proxy puts the client's address in (`KOMEK_TRUSTED_PROXY_HEADER`).
    /// `Retry-After` of a customer over the message limit.
    pub message_retry_seconds: u64,
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    pub telegram: Option<crate::telegram::Telegram>,
    /// Draining for a stop: `/readyz` says so and live sockets are handed back.
    pub lifecycle: Arc<Lifecycle>,
}

/// A node's way out: first it tells the load balancer it is leaving (`/readyz` 503), then it closes
/// its live sockets so their clients reconnect to another node.
pub struct Lifecycle {
    draining: std::sync::atomic::AtomicBool,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self { draining: std::sync::atomic::AtomicBool::new(false), closing: tokio::sync::watch::channel(false).0 }
    }
}

impl Lifecycle {
    pub fn drain(&self) {
        self.draining.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every live socket closes with 1012 ("service restart": reconnect).
    pub fn close_sockets(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .nest("/api/v1/nlu", nlu::routes())
        .nest("/api/v1/chat", chat::routes())
        .nest("/api/v1/agent", agents::routes().merge(quality::routes()))
        .nest("/api/v1/orders", orders::routes())
        .nest("/api/v1/customers", customers::routes())
        .nest("/telegram", telegram::routes())
        .merge(assets::routes())
        .merge(assets::strings_routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(boundary::checked))
        // The widget runs on the business's own site; it authenticates with bearer tokens, never
        // cookies, so any origin may call.
        .layer(
            CorsLayer::new()
                .allow_origin(cors::Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
        .with_state(state)
}

/// Control characters other than newline and tab: never part of a name, a locale, an id or a
/// message (and PostgreSQL cannot store NUL in text at all).
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// Drops forbidden control characters, for channels that cannot be answered with a 400 (Telegram).
pub fn without_control(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// A customer or agent text must have something in it and fit the limit.
pub fn checked_text(text: &str) -> Result<&str, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("empty_text", "text is empty"));
    }
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "text_too_long", format!("text has {n} characters; the limit is {MAX_TEXT_CHARS}")));
    }
    Ok(text)
}
