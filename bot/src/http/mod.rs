//! The HTTP API (`../shared/design/API.md`): health, metrics, NLU parse, the customer chat API with
//! its WebSocket, the back office, and the widget's files.

mod agents;
pub mod assets;
mod chat;
mod error;
mod extract;
pub mod metrics;
mod orders;
mod telegram;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use komek_nlu::{Lang, Nlu};
use serde::Deserialize;
use serde_json::json;
use tower_http::cors::{self, CorsLayer};

pub use error::ApiError;

use crate::backoffice::BackOffice;
use crate::chat::Chat;
use crate::error::BotError;
use crate::store::Store;
use metrics::Metrics;

/// Longest customer text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub nlu: Arc<Nlu>,
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
    pub agent_token_ttl_seconds: i64,
    pub login_limiter: Arc<crate::chat::rate::RateLimiter>,
    pub telegram: Option<crate::telegram::Telegram>,
}

impl From<BotError> for ApiError {
    fn from(e: BotError) -> Self {
        tracing::error!(error = %e, "request failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; nothing you sent was lost, try again")
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/api/v1/nlu/parse", post(parse))
        .route("/api/v1/chat/sessions", post(chat::create_session))
        .route("/api/v1/chat/sessions/{session_id}/messages", post(chat::send_message).get(chat::history))
        .route("/api/v1/chat/sessions/{session_id}/language", post(chat::pick_language))
        .route("/api/v1/chat/sessions/{session_id}/ws", get(chat::websocket))
        .route("/api/v1/orders/{order_id}/status", post(orders::set_status))
        .route("/api/v1/agent/login", post(agents::login))
        .route("/api/v1/agent/logout", post(agents::logout))
        .route("/api/v1/agent/me", get(agents::me))
        .route("/api/v1/agent/queue", get(agents::queue))
        .route("/api/v1/agent/handoffs/{id}/claim", post(agents::claim))
        .route("/api/v1/agent/conversations", get(agents::conversations))
        .route("/api/v1/agent/conversations/{id}", get(agents::conversation))
        .route("/api/v1/agent/conversations/{id}/messages", post(agents::send))
        .route("/api/v1/agent/conversations/{id}/notes", post(agents::note))
        .route("/api/v1/agent/conversations/{id}/release", post(agents::release))
        .route("/api/v1/agent/conversations/{id}/close", post(agents::close))
        .route("/api/v1/agent/agents", get(agents::list_agents))
        .route("/api/v1/agent/analytics", get(agents::analytics))
        .route("/api/v1/agent/ws", get(agents::websocket))
        .route("/api/v1/agent/files/telegram/{file_id}", get(agents::telegram_file))
        .route("/telegram/webhook", post(telegram::webhook))
        .route("/console/i18n.json", get(console_strings))
        .route("/widget/i18n.json", get(widget_strings))
        .merge(assets::routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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

async fn metrics_text(State(state): State<AppState>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

async fn widget_strings(State(state): State<AppState>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], state.widget_strings.to_string()).into_response()
}

async fn console_strings(State(state): State<AppState>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], state.console_strings.to_string()).into_response()
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        Json(json!({"status": "ready", "database": "ok", "models": "ok"})).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "not_ready", "database": "unreachable", "models": "ok"})))
            .into_response()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseRequest {
    text: String,
    #[serde(default)]
    lang_hint: Option<String>,
}

async fn parse(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let req: ParseRequest = error::json_body(&body)?;
    let text = checked_text(&req.text)?;
    let hint = match req.lang_hint.as_deref() {
        Some(h) => Some(
            Lang::from_code(h)
                .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "unknown_language", format!("unsupported lang_hint {h:?}")))?,
        ),
        None => None,
    };
    let nlu = state.nlu.clone();
    let text = text.to_string();
    // Parsing is CPU work of tens of microseconds; keep it off the I/O threads anyway.
    let parse = tokio::task::spawn_blocking(move || nlu.parse(&text, hint))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "parse failed"))?;
    Ok(Json(parse).into_response())
}

/// A customer text must have something in it and fit the limit.
pub fn checked_text(text: &str) -> Result<&str, ApiError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "empty_text", "text is empty"));
    }
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "text_too_long",
            format!("text has {n} characters; the limit is {MAX_TEXT_CHARS}"),
        ));
    }
    Ok(text)
}
