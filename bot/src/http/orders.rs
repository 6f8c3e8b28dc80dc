//! Back office: `POST /api/v1/orders/{order_id}/status` (admin token) records a status change and
//! tells every subscribed conversation.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::json_body;
use super::extract::{bearer, body_bytes};
use super::{ApiError, AppState};
use crate::backoffice::ORDER_STATES;
use crate::clock::{DAY_MS, now_ms};
use crate::secrets::{same, token_hash};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: String,
    /// The date that goes with the new status (unix ms); default: a sensible one from now.
    #[serde(default)]
    status_date: Option<i64>,
}

pub async fn set_status(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let token = bearer(&headers)?;
    if !same(&token_hash(token), &state.admin_token_hash) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid admin token is needed"));
    }
    let req: StatusChange = json_body(&body_bytes(body)?)?;
    if !ORDER_STATES.contains(&req.status.as_str()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_status",
            format!("status must be one of {}", ORDER_STATES.join(", ")),
        ));
    }
    let now = now_ms();
    let date = req.status_date.unwrap_or_else(|| default_date(&req.status, now));
    let order = state
        .backoffice
        .set_status(&order_id, &req.status, date, now)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no order {order_id:?}")))?;
    let notified = state.chat.notify_order(&order).await?;
    state.metrics.notifications.add(notified as u64);
    Ok(Json(json!({"order_id": order.id, "status": order.status, "notified": notified})).into_response())
}

/// Expected dates lie ahead, dates of things that happened are today.
fn default_date(status: &str, now: i64) -> i64 {
    match status {
        "paid" => now + DAY_MS,
        "shipped" => now + 2 * DAY_MS,
        "refund_pending" => now + 3 * DAY_MS,
        _ => now,
    }
}
