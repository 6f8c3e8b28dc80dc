//! Extractors: what a handler needs from a request, with errors in the API's JSON shape (axum's
//! own rejections are plain text). Authentication lives here, so a handler that takes an
//! [`AgentAuth`], a [`Supervisor`], a [`CustomerSession`] or an [`Admin`] cannot forget it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use super::{ApiError, AppState, MAX_BODY_BYTES};
use crate::agents::{self, Agent};
use crate::chat::Access;
use crate::secrets::{same, token_hash};
use crate::store::SessionRow;

/// A JSON request body, parsed with errors a client can act on.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = body_bytes(req, state).await?;
        json_body(&body).map(JsonBody)
    }
}

/// A body that may be empty: `None` then (e.g. a session with no locale and no profile).
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = body_bytes(req, state).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(None));
        }
        json_body(&body).map(|v| OptionalJsonBody(Some(v)))
    }
}

/// Raw body bytes, with the JSON errors of the API when it is too large or unreadable.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        body_bytes(req, state).await.map(RawBody)
    }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("the request body is over {MAX_BODY_BYTES} bytes"))
        } else {
            ApiError::bad_request("invalid_body", e.body_text())
        }
    })
}

/// Parses a JSON document with errors a client can act on.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request("invalid_json", "the request body is empty; send a JSON object"));
    }
    if std::str::from_utf8(body).is_err() {
        return Err(ApiError::bad_request("invalid_json", "the request body is not UTF-8 text"));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| ApiError::bad_request("invalid_json", e.to_string()))?;
    if let Some(bad) = control_in(&value) {
        return Err(ApiError::bad_request("invalid_text", format!("{bad} has a control character (only newline and tab are allowed)")));
    }
    serde_json::from_value(value).map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))
}

/// Where a JSON document has a string (or key) with a forbidden control character, if anywhere.
fn control_in(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if super::has_forbidden_control(s) => Some("a value".into()),
        serde_json::Value::Array(items) => items.iter().find_map(control_in),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            if super::has_forbidden_control(k) {
                return Some("a field name".into());
            }
            control_in(v).map(|_| format!("`{k}`"))
        }),
        _ => None,
    }
}

/// Query parameters, with a JSON error when they do not parse.
pub struct JsonQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for JsonQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(q) = Query::<T>::from_request_parts(parts, state).await.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
        Ok(JsonQuery(q))
    }
}

/// The token of an `Authorization: Bearer TOKEN` header.
fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
    let value = value.to_str().map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
    value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer TOKEN`"))
}

/// The bearer token of a request: the header, or `?token=` for WebSocket upgrades (browsers cannot
/// set headers on them).
fn token(parts: &Parts) -> Result<String, ApiError> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        return bearer(&parts.headers).map(str::to_string);
    }
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    query.get("token").filter(|t| !t.is_empty()).cloned().ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token (or ?token=)"))
}

/// A signed-in agent (any role), from a valid, unexpired token.
pub struct AgentAuth {
    pub agent: Agent,
    pub token: String,
}

impl FromRequestParts<AppState> for AgentAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = token(parts)?;
        let agent = agents::authenticate(&state.store, &token)
            .await?
            .ok_or_else(|| ApiError::unauthorized("the token is unknown or has expired; log in again"))?;
        Ok(AgentAuth { agent, token })
    }
}

/// A signed-in supervisor; other agents get 403.
pub struct Supervisor;

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AgentAuth { agent, .. } = AgentAuth::from_request_parts(parts, state).await?;
        if !agent.is_supervisor() {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only supervisors may do this"));
        }
        Ok(Supervisor)
    }
}

/// The customer session of `/api/v1/chat/sessions/{session_id}/…`, opened with its own token.
pub struct CustomerSession(pub SessionRow);

impl FromRequestParts<AppState> for CustomerSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))?;
        let session_id = params.get("session_id").ok_or_else(|| ApiError::bad_request("invalid_path", "no session id"))?;
        let token = token(parts)?;
        match state.chat.authenticate(session_id, &token).await? {
            Access::Granted(s) => Ok(CustomerSession(s)),
            // One answer whether the session exists or not (a Telegram chat id cannot be probed).
            Access::UnknownSession | Access::WrongToken => Err(ApiError::unauthorized("the token does not open this session")),
        }
    }
}

/// The client's address: the peer's, or the last entry of the trusted proxy's header when one is
/// configured and present.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let forwarded = state
            .trusted_proxy_header
            .as_ref()
            .and_then(|h| parts.headers.get(h))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(forwarded.or(peer).unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))))
    }
}

/// The back office (admin token).
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)?;
        if !same(&token_hash(token), &state.admin_token_hash) {
            return Err(ApiError::unauthorized("a valid admin token is needed"));
        }
        Ok(Admin)
    }
}
