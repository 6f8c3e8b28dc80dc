//! The agent API (API.md "Agents") and the agent console's WebSocket. Every call but login needs a
//! valid, unexpired bearer token; supervisor-only calls answer 403 to agents.

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
use crate::agents::{self, Agent};
use crate::chat::hub::outgoing;
use crate::chat::{AgentResult, Refusal};
use crate::clock::rfc3339;

async fn agent_of(state: &AppState, token: &str) -> Result<Agent, ApiError> {
    agents::authenticate(&state.store, token)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the token is unknown or has expired; log in again"))
}

async fn authorised(state: &AppState, headers: &HeaderMap) -> Result<Agent, ApiError> {
    agent_of(state, bearer(headers)?).await
}

fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
        Refusal::Conflict("already_claimed") => ApiError::new(StatusCode::CONFLICT, "already_claimed", "another agent claimed this handoff first"),
        Refusal::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
        Refusal::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
    }
}

fn settled<T>(r: AgentResult<T>) -> Result<T, ApiError> {
    r?.map_err(refused)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

pub async fn login(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let req: LoginRequest = json_body(&body_bytes(body)?)?;
    // Guessing passwords is slowed per username.
    if !state.login_limiter.allow(&req.username.to_lowercase()) {
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many login attempts; wait a minute"));
    }
    let ttl_ms = state.agent_token_ttl_seconds * 1000;
    match agents::login(&state.store, &req.username, &req.password, ttl_ms).await? {
        Some(l) => Ok(Json(json!({"token": l.token, "expires_at": rfc3339(l.expires_at), "agent": l.agent})).into_response()),
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong username or password")),
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = bearer(&headers)?;
    agent_of(&state, token).await?;
    agents::logout(&state.store, token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    Ok(Json(json!({"agent": agent})).into_response())
}

pub async fn queue(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let handoffs = state.chat.queue_for(&agent).await?;
    Ok(Json(json!({"handoffs": handoffs})).into_response())
}

pub async fn claim(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let detail = settled(state.chat.claim(&agent, &id).await)?;
    Ok(Json(detail).into_response())
}

pub async fn conversations(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    Ok(Json(json!({"conversations": state.chat.agent_conversations(&agent).await?})).into_response())
}

pub async fn conversation(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    Ok(Json(settled(state.chat.conversation_detail(&agent, &id).await)?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextBody {
    text: String,
}

pub async fn send(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let req: TextBody = json_body(&body_bytes(body)?)?;
    let text = checked_text(&req.text)?;
    let message = settled(state.chat.agent_message(&agent, &id, text).await)?;
    Ok(Json(json!({"message": message})).into_response())
}

pub async fn note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let req: TextBody = json_body(&body_bytes(body)?)?;
    let text = checked_text(&req.text)?;
    let note = settled(state.chat.agent_note(&agent, &id, text).await)?;
    Ok(Json(json!({"note": note})).into_response())
}

pub async fn release(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let to = settled(state.chat.agent_finish(&agent, &id, false).await)?;
    Ok(Json(json!({"state": to})).into_response())
}

pub async fn close(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let to = settled(state.chat.agent_finish(&agent, &id, true).await)?;
    Ok(Json(json!({"state": to})).into_response())
}

pub async fn list_agents(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    if !agent.is_supervisor() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only supervisors may list agents"));
    }
    Ok(Json(json!({"agents": state.chat.agents_overview().await?})).into_response())
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: Option<String>,
}

pub async fn websocket(
    State(state): State<AppState>,
    query: Result<Query<TokenQuery>, QueryRejection>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    let token = q.token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing ?token="))?;
    let agent = agent_of(&state, &token).await?;
    Ok(upgrade.max_message_size(super::MAX_BODY_BYTES).on_upgrade(move |socket| live(state, agent, socket)))
}

/// One console connection: the agent is online while it is open.
async fn live(state: AppState, agent: Agent, socket: WebSocket) {
    let mut events = state.chat.agent_events(&agent.id);
    let (mut tx, mut rx) = socket.split();
    state.chat.agent_online(&agent.id, true);
    let first = match state.chat.queue_for(&agent).await {
        Ok(q) => json!({"type": "queue", "handoffs": q}).to_string(),
        Err(_) => json!({"type": "queue", "handoffs": []}).to_string(),
    };
    if tx.send(WsMessage::Text(first.into())).await.is_ok() {
        loop {
            tokio::select! {
                event = events.recv() => {
                    let Some(frame) = outgoing(event) else { break };
                    if tx.send(WsMessage::Text(frame.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                incoming = rx.next() => match incoming {
                    // "The agent is typing" goes on to the customer; nothing else needs an answer.
                    Some(Ok(WsMessage::Text(text))) => {
                        if let Ok(frame) = serde_json::from_str::<serde_json::Value>(text.as_str())
                            && let (Some("typing"), Some(conv)) = (frame["type"].as_str(), frame["conversation_id"].as_str()) {
                                state.chat.agent_typing(&agent, conv).await;
                            }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                },
            }
        }
    }
    state.chat.agent_online(&agent.id, false);
}

/// `GET /api/v1/agent/files/telegram/{file_id}`: a file a customer sent in Telegram, for agents who
/// may see that conversation.
pub async fn telegram_file(State(state): State<AppState>, Path(file_id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    let Some(telegram) = &state.telegram else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "the Telegram channel is not enabled"));
    };
    let Some(conversation) = state.store.conversation_with_file(&file_id).await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no customer sent such a file"));
    };
    // The same rule as reading the conversation.
    settled(state.chat.conversation_detail(&agent, &conversation).await)?;
    let bytes = telegram.download(&file_id).await.map_err(|e| {
        tracing::warn!(error = %e, "file download failed");
        ApiError::new(StatusCode::BAD_GATEWAY, "upstream", "Telegram did not give the file; try again")
    })?;
    let kind = if bytes.starts_with(&[0xff, 0xd8]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    Ok(([(axum::http::header::CONTENT_TYPE, kind), (axum::http::header::CONTENT_DISPOSITION, "inline")], bytes).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    #[serde(default)]
    days: Option<u32>,
}

/// `GET /api/v1/agent/analytics?days=N` (supervisors): the figures of the last N days.
pub async fn analytics(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<AnalyticsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let agent = authorised(&state, &headers).await?;
    if !agent.is_supervisor() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only supervisors see the reports"));
    }
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))?;
    let days = q.days.unwrap_or(7);
    if !(1..=90).contains(&days) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "days must be 1 to 90"));
    }
    let report = crate::analytics::report(&state.store, days, crate::clock::now_ms()).await?;
    Ok(Json(report).into_response())
}
