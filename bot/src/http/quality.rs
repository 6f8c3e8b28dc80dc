//! The Quality API (API.md "Quality"): scorecards worst first with filters, one conversation's
//! scorecard, and the CSV of the same rows. Supervisors see everyone's; an agent sees the
//! conversations they took part in and their own scorecard only.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use komek_handoff::quality::Criterion;
use serde::Deserialize;
use serde_json::json;

use super::extract::{AgentAuth, JsonQuery};
use super::{ApiError, AppState};
use crate::authz::{self, Action, Principal, Target};
use crate::clock::{DAY_MS, now_ms};
use crate::error::BotError;
use crate::quality::report::{self, BOT, Filter};

pub fn routes() -> Router<AppState> {
    Router::new().route("/quality", get(list)).route("/conversations/{id}/quality", get(one))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QualityQuery {
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    criterion: Option<String>,
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    /// `json` (the default) or `csv`.
    #[serde(default)]
    format: Option<String>,
}

/// `GET /api/v1/agent/quality?days=7[&criterion=…&agent=…&language=…&channel=…&format=csv]`.
async fn list(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, JsonQuery(q): JsonQuery<QualityQuery>) -> Result<Response, ApiError> {
    let days = q.days.unwrap_or(7);
    if !(1..=366).contains(&days) {
        return Err(ApiError::bad_request("invalid_query", "days must be 1 to 366"));
    }
    let criterion = match q.criterion.as_deref().filter(|c| !c.is_empty()) {
        Some(name) => Some(Criterion::parse(name).ok_or_else(|| ApiError::bad_request("invalid_query", format!("unknown criterion {name:?}")))?),
        None => None,
    };
    let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut filter = Filter { criterion, agent: blank(q.agent), language: blank(q.language), channel: blank(q.channel) };
    // An agent sees their own conversations whatever they ask for.
    let own = (!agent.is_supervisor()).then(|| agent.username.clone());
    if let Some(me) = &own {
        if filter.agent.as_deref().is_some_and(|a| a != me && a != BOT) {
            return Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", "agents see only their own conversations"));
        }
        filter.agent = Some(me.clone());
    }
    let now = now_ms();
    let from = now - i64::from(days) * DAY_MS;
    let rows = state.store.quality_rows(from, own.as_deref()).await?;
    let report = report::build(&rows, &filter, days, from, now);
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(report).into_response()),
        "csv" => {
            let ids: std::collections::HashSet<&str> = report.conversations.iter().map(|c| c.conversation_id.as_str()).collect();
            let mut kept: Vec<_> = rows.iter().filter(|r| ids.contains(r.conversation_id.as_str())).cloned().collect();
            kept.sort_by_key(|r| (r.score, r.effort, -r.started_at));
            let disposition = format!("attachment; filename=\"komek-quality-{days}d.csv\"");
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], report::csv(&kept)).into_response())
        }
        _ => Err(ApiError::bad_request("invalid_query", "format must be json or csv")),
    }
}

/// `GET /api/v1/agent/conversations/{id}/quality`: the stored scorecard, or one scored now for a
/// conversation still going on (`"ended": false`).
async fn one(State(state): State<AppState>, AgentAuth { agent, .. }: AgentAuth, Path(id): Path<String>) -> Result<Response, ApiError> {
    // Whoever may read the conversation may see its scorecard; an agent only if they took part.
    // The decision alone: the transcript is not needed.
    let conv = state.store.conversation(&id).await?.ok_or(BotError::NotFound("no such conversation"))?;
    let handoff = state.store.conversation_handoff(&id).await?;
    authz::decide(Principal::Agent(&agent), Action::Read, Target { customer_id: &conv.customer_id, handoff: handoff.as_ref() })?;
    let now = now_ms();
    let (card, row) = match state.store.quality_row(&id).await? {
        Some(row) if state.store.conversation_last_event(&id).await? <= row.through_event => {
            let card = serde_json::from_str(&row.card).map_err(BotError::from)?;
            (card, row)
        }
        _ => state.quality.card(&state.store, &id, now).await?.ok_or(BotError::NotFound("no such conversation"))?,
    };
    if !agent.is_supervisor() && !row.agent_names().any(|a| a == agent.username) {
        return Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", "agents see only their own conversations"));
    }
    Ok(Json(json!({
        "conversation_id": id,
        "effort": card.effort,
        "criteria": card.criteria,
        "score": card.score,
        "ended": card.ended,
        "survey_ces": row.survey_ces,
    }))
    .into_response())
}
