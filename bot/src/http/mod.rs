//! The HTTP API (`../shared/design/API.md`): health, readiness and the NLU parse endpoint so far.

mod error;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use komek_nlu::{Lang, Nlu};
use serde::Deserialize;
use serde_json::json;

pub use error::ApiError;

use crate::store::Store;

/// Longest customer text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub nlu: Arc<Nlu>,
    pub store: Store,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/readyz", get(readyz))
        .route("/api/v1/nlu/parse", post(parse))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
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
