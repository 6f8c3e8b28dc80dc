//! `GET /healthz` (the process is up), `GET /readyz` (database and models ready) and `GET /metrics`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use std::sync::Arc;

use super::AppState;
use super::metrics::Metrics;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

/// `GET /metrics` alone and without a token, for `KOMEK_METRICS_ADDR`: an address only the
/// monitoring network reaches (e.g. loopback or a private interface), so a scraper needs no secret.
pub fn metrics_only(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move { prometheus(&metrics) }
            }),
        )
        .fallback(|| async { super::ApiError::new(StatusCode::NOT_FOUND, "not_found", "only /metrics is served here") })
        .layer(axum::middleware::from_fn(super::boundary::checked))
}

/// Prometheus text; the counters say how the service is used, so on the public address only the
/// back office reads them.
async fn metrics_text(State(state): State<AppState>, _: super::extract::Admin) -> Response {
    prometheus(&state.metrics)
}

fn prometheus(metrics: &Metrics) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render()).into_response()
}

/// Ready when the database answers and the models answer a parse (they load before the listener
/// opens, so this checks they still work, e.g. after a bad content reload).
/// A draining node is not ready whatever else holds: the load balancer sends its traffic elsewhere.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.lifecycle.is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "draining", "node": state.chat.node.id}))).into_response();
    }
    let database = state.store.ping().await;
    let nlu = state.chat.nlu.clone();
    let models = tokio::task::spawn_blocking(move || !nlu.parse("ok", None).ranking.is_empty()).await.unwrap_or(false);
    let word = |ok: bool, bad: &'static str| if ok { "ok" } else { bad };
    let body = json!({
        "status": if database && models { "ready" } else { "not_ready" },
        "database": word(database, "unreachable"),
        "models": word(models, "failing"),
        "node": state.chat.node.id,
    });
    let status = if database && models { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}
