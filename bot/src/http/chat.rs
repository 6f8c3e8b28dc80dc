//! The customer chat API (API.md "Customer chat"): sessions, messages, history and the WebSocket.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;

use super::error::json_body;
use super::extract::{bearer, body_bytes};
use super::{ApiError, AppState, checked_text};
use crate::chat::hub::outgoing;
use crate::chat::{Access, Profile, locale_lang};
use crate::store::SessionRow;

/// Longest profile field accepted.
const MAX_PROFILE_CHARS: usize = 200;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CreateSession {
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    customer: Option<CustomerIn>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CustomerIn {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

pub async fn create_session(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let body = body_bytes(body)?;
    // An empty body is a session with no locale and no profile.
    let req: CreateSession = if body.iter().all(u8::is_ascii_whitespace) { CreateSession::default() } else { json_body(&body)? };
    let field = |name: &str, v: Option<String>| -> Result<Option<String>, ApiError> {
        match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > MAX_PROFILE_CHARS => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("{name} is longer than {MAX_PROFILE_CHARS} characters"),
            )),
            other => Ok(other),
        }
    };
    let locale = field("locale", req.locale)?;
    let c = req.customer.unwrap_or_default();
    let profile = Profile { name: field("customer.name", c.name)?, email: field("customer.email", c.email)?, phone: field("customer.phone", c.phone)? };
    let s = state.chat.create_session(locale, profile).await?;
    state.metrics.sessions.inc();
    Ok((StatusCode::CREATED, Json(json!({"session_id": s.session_id, "token": s.token, "conversation_id": s.conversation_id}))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendMessage {
    text: String,
    #[serde(default)]
    button: Option<String>,
}

pub async fn send_message(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let session = authorise(&state, &session_id, bearer(&headers)?).await?;
    let req: SendMessage = json_body(&body_bytes(body)?)?;
    let outcome = customer_message(&state, &session, &req.text, req.button.as_deref()).await?;
    Ok(Json(json!({"messages": outcome.messages, "state": outcome.state})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[serde(default)]
    pub after: Option<i64>,
}

pub async fn history(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let session = authorise(&state, &session_id, bearer(&headers)?).await?;
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    let (messages, conv_state) = state.chat.history(&session, q.after.unwrap_or(0)).await?;
    Ok(Json(json!({"messages": messages, "state": conv_state})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PickLanguage {
    lang: String,
}

pub async fn pick_language(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let session = authorise(&state, &session_id, bearer(&headers)?).await?;
    let req: PickLanguage = json_body(&body_bytes(body)?)?;
    let lang = locale_lang(&req.lang)
        .filter(|l| state.chat.nlu.detector.languages().contains(l))
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "unknown_language", format!("unsupported language {:?}", req.lang)))?;
    state.chat.pick_language(&session, lang).await?;
    Ok(Json(json!({"lang": lang})).into_response())
}

pub async fn websocket(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    let token = q
        .get("token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing ?token="))?;
    let session = authorise(&state, &session_id, token).await?;
    Ok(upgrade.max_message_size(super::MAX_BODY_BYTES).on_upgrade(move |socket| live(state, session, socket)))
}

/// One WebSocket client: frames from the hub out, customer messages in.
async fn live(state: AppState, session: SessionRow, socket: WebSocket) {
    let mut events = state.chat.hub.subscribe(&session.id);
    let (mut tx, mut rx) = socket.split();
    state.metrics.ws_connected.inc();
    loop {
        tokio::select! {
            event = events.recv() => {
                let Some(frame) = outgoing(event) else { break };
                if tx.send(WsMessage::Text(frame.as_ref().into())).await.is_err() {
                    break;
                }
            }
            incoming = rx.next() => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    // Replies reach this client through the hub like every other listener; only
                    // errors are answered directly.
                    if let Err(e) = ws_message(&state, &session, text.as_str()).await {
                        let frame = json!({"type": "error", "error": {"code": e.code, "message": e.message}});
                        if tx.send(WsMessage::Text(frame.to_string().into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(WsMessage::Binary(_))) => {
                    let frame = json!({"type": "error", "error": {"code": "invalid_frame", "message": "send JSON text frames"}});
                    if tx.send(WsMessage::Text(frame.to_string().into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
        }
    }
    state.metrics.ws_connected.dec();
}

#[derive(Deserialize)]
struct ClientFrame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    button: Option<String>,
}

async fn ws_message(state: &AppState, session: &SessionRow, text: &str) -> Result<(), ApiError> {
    let frame: ClientFrame = json_body(text.as_bytes())?;
    match frame.kind.as_str() {
        "message" => {
            let text = frame.text.ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", "a message frame needs text"))?;
            customer_message(state, session, &text, frame.button.as_deref()).await.map(|_| ())
        }
        "ping" => Ok(()),
        other => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", format!("unknown frame type {other:?}"))),
    }
}

async fn customer_message(
    state: &AppState,
    session: &SessionRow,
    text: &str,
    button: Option<&str>,
) -> Result<crate::chat::TurnOutcome, ApiError> {
    let text = checked_text(text)?;
    if button.is_some_and(|b| b.len() > 64) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", "unknown button"));
    }
    if !state.chat.allow_message(&session.id) {
        state.metrics.rate_limited.inc();
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many messages; wait a moment and send again"));
    }
    let outcome = state.chat.customer_turn(session, text, button).await?;
    state.metrics.customer_messages.inc();
    state.metrics.bot_messages.add(outcome.messages.iter().filter(|m| m.role == "bot").count() as u64);
    Ok(outcome)
}

async fn authorise(state: &AppState, session_id: &str, token: &str) -> Result<SessionRow, ApiError> {
    match state.chat.authenticate(session_id, token).await? {
        Access::Granted(s) => Ok(s),
        Access::UnknownSession => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such session")),
        Access::WrongToken => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the token does not open this session")),
    }
}
