//! A customer's data (admin token): `GET /api/v1/customers/{id}/export` gives everything stored
//! about them, `DELETE /api/v1/customers/{id}` erases it (the reports keep counting).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::Value;

use super::extract::Admin;
use super::{ApiError, AppState};
use crate::error::BotError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{customer_id}/export", get(export)).route("/{customer_id}", delete(erase))
}

async fn export(State(state): State<AppState>, _: Admin, Path(customer_id): Path<String>) -> Result<Json<Value>, ApiError> {
    let data = state.store.customer_export(&customer_id).await?.ok_or(BotError::NotFound("no such customer"))?;
    Ok(Json(data))
}

async fn erase(State(state): State<AppState>, _: Admin, Path(customer_id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.chat.erase_customer(&customer_id).await? {
        return Err(BotError::NotFound("no such customer").into());
    }
    Ok(StatusCode::NO_CONTENT)
}
