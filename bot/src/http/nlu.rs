//! `POST /api/v1/nlu/parse`: the parse of one text, as `komek nlu parse` prints it.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use komek_nlu::{Lang, Parse};
use serde::Deserialize;

use super::extract::JsonBody;
use super::{ApiError, AppState, checked_text};
use crate::error::BotError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/parse", post(parse))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParseRequest {
    text: String,
    #[serde(default)]
    lang_hint: Option<String>,
}

async fn parse(State(state): State<AppState>, JsonBody(req): JsonBody<ParseRequest>) -> Result<Json<Parse>, ApiError> {
    let text = checked_text(&req.text)?.to_string();
    let hint = match req.lang_hint.as_deref() {
        Some(h) => Some(Lang::from_code(h).ok_or_else(|| ApiError::bad_request("unknown_language", format!("unsupported lang_hint {h:?}")))?),
        None => None,
    };
    let nlu = state.chat.nlu.clone();
    // A parse is tens of microseconds of CPU; on the blocking pool it cannot stall sockets even
    // when a burst of long texts arrives.
    let parse = tokio::task::spawn_blocking(move || nlu.parse(&text, hint)).await.map_err(BotError::from)?;
    Ok(Json(parse))
}
