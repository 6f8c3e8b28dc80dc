//! `POST /telegram/webhook`: updates from Telegram in webhook mode. Only requests carrying the
//! secret given to setWebhook (`X-Telegram-Bot-Api-Secret-Token`) are accepted; the token never
//! appears in the URL.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::extract::body_bytes;
use super::{ApiError, AppState};
use crate::secrets::same;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let Some(telegram) = state.telegram.as_ref().filter(|t| t.webhook_mode()) else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "the Telegram webhook is not enabled"));
    };
    let expected = telegram.config.webhook_secret.as_deref().unwrap_or_default();
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if expected.is_empty() || !same(given, expected) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "wrong or missing X-Telegram-Bot-Api-Secret-Token"));
    }
    let body = body_bytes(body)?;
    let update: teloxide::types::Update = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_update", format!("not a Telegram update: {e}")))?;
    // Handled before answering: Telegram re-sends what it did not get a 200 for, and the update id
    // makes a re-sent one harmless.
    crate::telegram::handle_update(telegram, &state.chat, update).await;
    Ok(Json(json!({"ok": true})).into_response())
}
