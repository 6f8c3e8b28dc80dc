//! API errors as `{"error": {"code": "...", "message": "..."}}` with a fitting status, and the one
//! place where the crate's errors become HTTP responses.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::BotError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(message: impl Into<String>, retry_after_seconds: u64) -> Self {
        Self { retry_after: Some(retry_after_seconds.max(1)), ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message) }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({"error": {"code": self.code, "message": self.message}}))).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response
    }
}

impl From<BotError> for ApiError {
    fn from(e: BotError) -> Self {
        match e {
            BotError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            BotError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            BotError::Conflict(c) => ApiError::new(StatusCode::CONFLICT, c.code(), c.to_string()),
            BotError::Invalid(m) => ApiError::bad_request("invalid_request", m),
            BotError::Busy => ApiError { retry_after: Some(1), ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the service is busy; try again in a moment") },
            BotError::Upstream(m) => {
                tracing::warn!(error = %m, "upstream failed");
                ApiError::new(StatusCode::BAD_GATEWAY, "upstream", "a system we depend on did not answer; try again")
            }
            e => {
                tracing::error!(error = %e, "request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; nothing you sent was lost, try again")
            }
        }
    }
}
