//! The agent API (API.md "Agents") and the agent console's WebSocket. Every call but login takes an
//! [`AgentAuth`] (a valid, unexpired bearer token); supervisor-only calls take a [`Supervisor`].

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::{AgentAuth, ClientAddr, JsonBody, JsonQuery, Supervisor};
use super::{ApiError, AppState, MAX_BODY_BYTES, checked_text};
use crate::agents::{self, Agent};
use crate::chat::{AgentConversation, AgentOverview, ConversationDetail, Finish, NoteView, QueueItem};
use crate::clock::rfc3339;
use crate::error::BotError;
use crate::events::{ConvState, Message};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/queue", get(queue))
        .route("/handoffs/{id}/claim", post(claim))
        .route("/conversations", get(conversations))
        .route("/conversations/{id}", get(conversation))
        .route("/conversations/{id}/messages", post(send))
        .route("/conversations/{id}/notes", post(note))
        .route("/conversations/{id}/release", post(release))
        .route("/conversations/{id}/close", post(close))
        .route("/agents", get(list_agents))
        .route("/analytics", get(analytics))
        .route("/ws", get(websocket))
        .route("/files/telegram/{file_id}", get(telegram_file))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoggedIn {
    token: String,
    expires_at: String,
    agent: Agent,
}

async fn login(State(state): State<AppState>, ClientAddr(address): ClientAddr, JsonBody(req): JsonBody<LoginRequest>) -> Result<Json<LoggedIn>, ApiError> {
    // Guessing passwords is slowed per address and username, in the username's one form.
    if !state.limits.login(address, &agents::normalize_username(&req.username)) {
        return Err(ApiError::rate_limited("too many login attempts; wait a minute", super::limits::LOGIN_RETRY_SECONDS));
    }
    let ttl_ms = state.agent_token_ttl_seconds * 1000;
    match agents::login(&state.store, &req.username, &req.password, ttl_ms).await? {
        Some(l) => {
            state.limits.logged_in(address, &agents::normalize_username(&req.username));
            Ok(Json(LoggedIn { token: l.token, expires_at: rfc3339(l.expires_at), agent: l.agent }))
        }
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong username or password")),
    }
}

async fn logout(State(state): State<AppState>, auth: AgentAuth) -> Result<StatusCode, ApiError> {
    agents::logout(&state.store, &auth.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct Me {
    agent: Agent,
}

async fn me(AgentAuth { agent, .. }: AgentAuth) -> Json<Me> {
    Json(Me { agent })
}

#[derive(Serialize)]
struct Queue {
    handoffs: Vec<QueueItem>,
}

async fn queue(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth) -> Result<Json<Queue>, ApiError> {
    Ok(Json(Queue { handoffs: state.chat.queue_for(&agent).await? }))
}

async fn claim(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(id): Path<String>) -> Result<Json<ConversationDetail>, ApiError> {
    Ok(Json(state.chat.claim(&agent, &id).await?))
}

#[derive(Serialize)]
struct Conversations {
    conversations: Vec<AgentConversation>,
}

async fn conversations(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth) -> Result<Json<Conversations>, ApiError> {
    Ok(Json(Conversations { conversations: state.chat.agent_conversations(&agent).await? }))
}

async fn conversation(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(id): Path<String>) -> Result<Json<ConversationDetail>, ApiError> {
    Ok(Json(state.chat.conversation_detail(&agent, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextBody {
    text: String,
}

#[derive(Serialize)]
struct Sent {
    message: Message,
}

async fn send(
    State(state): State<AppState>,
    AgentAuth { agent, .. }: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<TextBody>,
) -> Result<Json<Sent>, ApiError> {
    let text = checked_text(&req.text)?;
    Ok(Json(Sent { message: state.chat.agent_message(&agent, &id, text).await? }))
}

#[derive(Serialize)]
struct Noted {
    note: NoteView,
}

async fn note(
    State(state): State<AppState>,
    AgentAuth { agent, .. }: AgentAuth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<TextBody>,
) -> Result<Json<Noted>, ApiError> {
    let text = checked_text(&req.text)?;
    Ok(Json(Noted { note: state.chat.agent_note(&agent, &id, text).await? }))
}

#[derive(Serialize)]
struct Finished {
    state: ConvState,
}

async fn release(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(id): Path<String>) -> Result<Json<Finished>, ApiError> {
    Ok(Json(Finished { state: state.chat.agent_finish(&agent, &id, Finish::Release).await? }))
}

async fn close(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(id): Path<String>) -> Result<Json<Finished>, ApiError> {
    Ok(Json(Finished { state: state.chat.agent_finish(&agent, &id, Finish::Close).await? }))
}

#[derive(Serialize)]
struct Team {
    agents: Vec<AgentOverview>,
}

async fn list_agents(State(state): State<AppState>, _: Supervisor) -> Result<Json<Team>, ApiError> {
    Ok(Json(Team { agents: state.chat.agents_overview().await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyticsQuery {
    #[serde(default)]
    days: Option<u32>,
    /// Where the days of `daily` begin, in minutes east of UTC (the supervisor's own days).
    #[serde(default)]
    utc_offset_minutes: Option<i32>,
}

/// `GET /api/v1/agent/analytics?days=N[&utc_offset_minutes=M]` (supervisors): the figures of the
/// last N days, with one `daily` entry per calendar day at UTC+M minutes (UTC by default).
async fn analytics(State(state): State<AppState>, _: Supervisor, JsonQuery(q): JsonQuery<AnalyticsQuery>) -> Result<Response, ApiError> {
    let days = q.days.unwrap_or(7);
    if !(1..=90).contains(&days) {
        return Err(ApiError::bad_request("invalid_query", "days must be 1 to 90"));
    }
    let offset = q.utc_offset_minutes.unwrap_or(0);
    let max = crate::analytics::MAX_UTC_OFFSET_MINUTES;
    if !(-max..=max).contains(&offset) {
        return Err(ApiError::bad_request("invalid_query", "utc_offset_minutes must be -840 to 840"));
    }
    let report = crate::analytics::report(&state.store, days, crate::clock::now_ms(), offset).await?;
    Ok(Json(report).into_response())
}

/// `?token=` opens the socket (browsers cannot set headers on a WebSocket upgrade).
async fn websocket(State(state): State<AppState>, AgentAuth { agent, token }: AgentAuth, upgrade: WebSocketUpgrade) -> Response {
    upgrade.max_message_size(MAX_BODY_BYTES).on_upgrade(move |socket| live(state, agent, token, socket))
}

/// One console connection: the agent is online while it is open. "The agent is typing" goes on to
/// the customer; nothing else from the console needs an answer.
async fn live(state: AppState, agent: Agent, token: String, socket: WebSocket) {
    let events = state.chat.agent_events(&agent.id);
    state.chat.agent_online(&agent.id, true);
    state.chat.presence_changed();
    state.chat.tell_waiting().await;
    let handoffs = state.chat.queue_for(&agent).await.unwrap_or_default();
    let first = json!({"type": "queue", "handoffs": handoffs}).to_string();
    super::live::pump(socket, events, Some(first), state.lifecycle.closing(), |text| {
        let (state, agent) = (state.clone(), agent.clone());
        async move {
            if let Ok(frame) = serde_json::from_str::<serde_json::Value>(&text)
                && let (Some("typing"), Some(conv)) = (frame["type"].as_str(), frame["conversation_id"].as_str())
            {
                state.chat.agent_typing(&agent, conv).await;
            }
            None
        }
    }, || {
        let (state, agent, token) = (state.clone(), agent.clone(), token.clone());
        // The token must still open the same agent with the same role (logout, expiry, role change).
        async move { agents::authenticate(&state.store, &token).await.is_ok_and(|now| now.is_some_and(|a| a == agent)) }
    })
    .await;
    state.chat.agent_online(&agent.id, false);
    state.chat.presence_changed();
    state.chat.queue_changed().await;
}

/// `GET /api/v1/agent/files/telegram/{file_id}`: a file a customer sent in Telegram, for agents who
/// may read that conversation.
async fn telegram_file(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(file_id): Path<String>) -> Result<Response, ApiError> {
    let telegram = state.telegram.as_ref().ok_or(BotError::NotFound("the Telegram channel is not enabled"))?;
    let conversation = state.store.conversation_with_file(&file_id).await?.ok_or(BotError::NotFound("no customer sent such a file"))?;
    // The same rule as reading the conversation.
    state.chat.conversation_detail(&agent, &conversation).await?;
    let bytes = telegram.download(&file_id).await?;
    let kind = if bytes.starts_with(&[0xff, 0xd8]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    Ok(([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, "inline")], bytes).into_response())
}
