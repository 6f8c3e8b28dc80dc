//! Back office: `POST /api/v1/orders/{order_id}/status` (admin token) records a status change and
//! tells every subscribed conversation.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::extract::{Admin, JsonBody};
use super::{ApiError, AppState};
use crate::backoffice::OrderStatus;
use crate::clock::{DAY_MS, now_ms};
use crate::error::BotError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{order_id}/status", post(set_status))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: String,
    /// The date that goes with the new status (unix ms); default: a sensible one from now.
    #[serde(default)]
    status_date: Option<i64>,
}

#[derive(Serialize)]
struct StatusChanged {
    order_id: String,
    status: OrderStatus,
    notified: usize,
}

async fn set_status(
    State(state): State<AppState>,
    _: Admin,
    Path(order_id): Path<String>,
    JsonBody(req): JsonBody<StatusChange>,
) -> Result<Json<StatusChanged>, ApiError> {
    let status = OrderStatus::parse(&req.status)
        .ok_or_else(|| ApiError::bad_request("invalid_status", format!("status must be one of {}", OrderStatus::names())))?;
    let now = now_ms();
    let date = req.status_date.unwrap_or_else(|| default_date(status, now));
    let order = state.backoffice.set_status(&order_id, status, date, now).await?.ok_or(BotError::NotFound("no such order"))?;
    let notified = state.chat.notify_order(&order).await?;
    state.metrics.notifications.add(notified as u64);
    Ok(Json(StatusChanged { order_id: order.id, status: order.status, notified }))
}

/// Expected dates lie ahead, dates of things that happened are today.
fn default_date(status: OrderStatus, now: i64) -> i64 {
    match status {
        OrderStatus::Paid => now + DAY_MS,
        OrderStatus::Shipped => now + 2 * DAY_MS,
        OrderStatus::RefundPending => now + 3 * DAY_MS,
        _ => now,
    }
}
