//! The customer chat API (API.md "Customer chat"): sessions, messages, history and the WebSocket.

use std::net::IpAddr;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use komek_handoff::queue::QueueInfo;
use komek_nlu::Lang;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{ClientAddr, CustomerSession, JsonBody, JsonQuery, OptionalJsonBody, json_body};
use super::{ApiError, AppState, MAX_BODY_BYTES, checked_text};
use crate::chat::{Profile, TurnOutcome, locale_lang};
use crate::events::{ConvState, Message};
use crate::store::SessionRow;

/// Longest profile field accepted.
const MAX_PROFILE_CHARS: usize = 200;
/// Longest button id accepted.
const MAX_BUTTON_CHARS: usize = 64;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions", post(create_session))
        .route("/sessions/{session_id}/messages", post(send_message).get(history))
        .route("/sessions/{session_id}/language", post(pick_language))
        .route("/sessions/{session_id}/ws", get(websocket))
}

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

#[derive(Serialize)]
struct SessionCreated {
    session_id: String,
    token: String,
    conversation_id: String,
    customer_id: String,
}

/// The answer to a message and the history: messages and the conversation's state.
#[derive(Serialize)]
struct Transcript {
    messages: Vec<Message>,
    state: ConvState,
    /// While the conversation waits for a person (API.md "Waiting for an agent").
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<QueueInfo>,
}

/// A profile field: trimmed, empty as none, and not too long.
fn profile_field(name: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > MAX_PROFILE_CHARS => {
            Err(ApiError::bad_request("invalid_request", format!("{name} is longer than {MAX_PROFILE_CHARS} characters")))
        }
        other => Ok(other),
    }
}

async fn create_session(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    OptionalJsonBody(req): OptionalJsonBody<CreateSession>,
) -> Result<Response, ApiError> {
    if !state.limits.session(address) {
        state.metrics.rate_limited.inc();
        return Err(ApiError::rate_limited("too many new sessions from this address; wait a moment", super::limits::SESSION_RETRY_SECONDS));
    }
    let req = req.unwrap_or_default();
    let locale = profile_field("locale", req.locale)?;
    let c = req.customer.unwrap_or_default();
    let profile = Profile {
        name: profile_field("customer.name", c.name)?,
        email: profile_field("customer.email", c.email)?,
        phone: profile_field("customer.phone", c.phone)?,
    };
    let s = state.chat.create_session(locale, profile).await?;
    state.metrics.sessions.inc();
    let body = SessionCreated { session_id: s.session_id, token: s.token, conversation_id: s.conversation_id, customer_id: s.customer_id };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendMessage {
    text: String,
    #[serde(default)]
    button: Option<String>,
}

async fn send_message(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    CustomerSession(session): CustomerSession,
    JsonBody(req): JsonBody<SendMessage>,
) -> Result<Json<Transcript>, ApiError> {
    let outcome = customer_message(&state, address, &session, &req.text, req.button.as_deref()).await?;
    Ok(Json(Transcript { messages: outcome.messages, state: outcome.state, queue: outcome.queue }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    #[serde(default)]
    after: Option<i64>,
}

async fn history(
    State(state): State<AppState>,
    CustomerSession(session): CustomerSession,
    JsonQuery(q): JsonQuery<HistoryQuery>,
) -> Result<Json<Transcript>, ApiError> {
    let (messages, conv_state, queue) = state.chat.history(&session, q.after.unwrap_or(0)).await?;
    Ok(Json(Transcript { messages, state: conv_state, queue }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PickLanguage {
    lang: String,
}

#[derive(Serialize)]
struct LanguagePicked {
    lang: Lang,
}

async fn pick_language(
    State(state): State<AppState>,
    CustomerSession(session): CustomerSession,
    JsonBody(req): JsonBody<PickLanguage>,
) -> Result<Json<LanguagePicked>, ApiError> {
    let lang = locale_lang(&req.lang)
        .filter(|l| state.chat.nlu.detector.languages().contains(l))
        .ok_or_else(|| ApiError::bad_request("unknown_language", format!("unsupported language {:?}", req.lang)))?;
    state.chat.pick_language(&session, lang).await?;
    Ok(Json(LanguagePicked { lang }))
}

/// `?token=` opens the socket (browsers cannot set headers on a WebSocket upgrade).
async fn websocket(State(state): State<AppState>, ClientAddr(address): ClientAddr, CustomerSession(session): CustomerSession, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(MAX_BODY_BYTES).on_upgrade(move |socket| live(state, address, session, socket))
}

/// Whether a session still exists with the same token (an erased or purged one does not).
async fn session_lives(state: &AppState, session: &SessionRow) -> bool {
    matches!(state.chat.reauthenticate(session).await, Ok(true))
}

/// One WebSocket client: frames from the hub out, customer messages in. Replies reach this client
/// through the hub like every other listener; only errors are answered directly.
async fn live(state: AppState, address: IpAddr, session: SessionRow, socket: WebSocket) {
    let events = state.chat.hub().subscribe(&session.id);
    state.metrics.ws_connected.inc();
    super::live::pump(socket, events, None, state.lifecycle.closing(), |text| {
        let (state, session) = (state.clone(), session.clone());
        async move {
            let e = ws_message(&state, address, &session, &text).await.err()?;
            Some(json!({"type": "error", "error": {"code": e.code, "message": e.message}}).to_string())
        }
    }, || {
        let (state, session) = (state.clone(), session.clone());
        async move { session_lives(&state, &session).await }
    })
    .await;
    state.metrics.ws_connected.dec();
    state.chat.hub().release(&session.id);
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

async fn ws_message(state: &AppState, address: IpAddr, session: &SessionRow, text: &str) -> Result<(), ApiError> {
    let frame: ClientFrame = json_body(text.as_bytes())?;
    match frame.kind.as_str() {
        "message" => {
            let text = frame.text.ok_or_else(|| ApiError::bad_request("invalid_request", "a message frame needs text"))?;
            customer_message(state, address, session, &text, frame.button.as_deref()).await.map(|_| ())
        }
        "ping" => Ok(()),
        "typing" => {
            state.chat.customer_typing(session).await;
            Ok(())
        }
        other => Err(ApiError::bad_request("invalid_request", format!("unknown frame type {other:?}"))),
    }
}

/// A customer's message from the REST API or the socket: checked, rate-limited, then the turn.
async fn customer_message(state: &AppState, address: IpAddr, session: &SessionRow, text: &str, button: Option<&str>) -> Result<TurnOutcome, ApiError> {
    let text = checked_text(text)?;
    if button.is_some_and(|b| b.len() > MAX_BUTTON_CHARS) {
        return Err(ApiError::bad_request("invalid_request", "unknown button"));
    }
    if !state.chat.allow_message(&session.id) || !state.limits.message(address) {
        state.metrics.rate_limited.inc();
        return Err(ApiError::rate_limited("too many messages; wait a moment and send again", state.message_retry_seconds));
    }
    let outcome = state.chat.customer_turn(session, text, button, Some(super::limits::client_key(address))).await?;
    state.metrics.customer_messages.inc();
    state.metrics.bot_messages.add(outcome.messages.iter().filter(|m| m.role == komek_handoff::Role::Bot).count() as u64);
    Ok(outcome)
}
