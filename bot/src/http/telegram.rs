//! `POST /telegram/webhook`: updates from Telegram in webhook mode. Only requests carrying the
//! secret given to setWebhook (`X-Telegram-Bot-Api-Secret-Token`) are accepted; the token never
//! appears in the URL.

use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::extract::RawBody;
use super::{ApiError, AppState};
use crate::error::BotError;
use crate::secrets::same;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub fn routes() -> Router<AppState> {
    Router::new().route("/webhook", post(webhook))
}

/// The secret is checked before the body is read.
async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Request) -> Result<Json<Value>, ApiError> {
    let telegram = state.telegram.as_ref().filter(|t| t.webhook_mode()).ok_or(BotError::NotFound("the Telegram webhook is not enabled"))?;
    let expected = telegram.config.webhook_secret.as_ref().map(|s| s.expose()).unwrap_or_default();
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if expected.is_empty() || !same(given, expected) {
        return Err(ApiError::unauthorized("wrong or missing X-Telegram-Bot-Api-Secret-Token"));
    }
    let RawBody(body) = RawBody::from_request(body, &state).await?;
    let update: teloxide::types::Update =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request("invalid_update", format!("not a Telegram update: {e}")))?;
    // Handled before answering: Telegram re-sends what it did not get a 200 for, and the update id
    // makes a re-sent one harmless.
    crate::telegram::handle_update(telegram, &state.chat, update).await;
    Ok(Json(json!({"ok": true})))
}
