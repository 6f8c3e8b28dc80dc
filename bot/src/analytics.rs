//! Supervisor figures, read from the log: containment, handoff reasons, first-contact resolution,
//! waiting and first-reply times, service level, CES and CSAT — overall, by language and by channel.

use std::collections::{BTreeMap, HashMap};

use komek_nlu::lang::ConversationLanguage;
use serde::Serialize;
use sqlx::Row;

use crate::clock::DAY_MS;
use crate::error::BotError;
use crate::store::Store;

/// A later conversation of the same customer within this window means the first did not resolve.
const FCR_WINDOW_MS: i64 = 7 * DAY_MS;
/// Service level: the first agent reply within this many seconds of the handoff.
pub const SERVICE_LEVEL_SECONDS: f64 = komek_handoff::sla::TARGET_SECONDS;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Times {
    pub n: usize,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Mean {
    pub n: usize,
    pub mean: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub conversations: usize,
    pub contained: usize,
    pub containment_rate: Option<f64>,
    pub handoffs: usize,
    pub handoff_reasons: BTreeMap<String, usize>,
    pub first_contact_resolution: Option<f64>,
    pub waiting_seconds: Times,
    pub first_reply_seconds: Times,
    pub service_level: Option<f64>,
    pub service_level_target_seconds: f64,
    pub ces: Mean,
    pub csat: Mean,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub days: u32,
    pub overall: Stats,
    pub by_language: BTreeMap<String, Stats>,
    pub by_channel: BTreeMap<String, Stats>,
}

/// One conversation, summarised.
#[derive(Clone, Debug, Default)]
struct Figures {
    customer: String,
    channel: String,
    language: String,
    created_at: i64,
    customer_messages: usize,
    reasons: Vec<String>,
    /// Per handoff: seconds waited for a claim (if claimed), seconds to the first agent reply (if any)
    /// and whether it is already past the service-level target without one.
    waits: Vec<f64>,
    first_replies: Vec<f64>,
    overdue_unanswered: usize,
    ces: Vec<f64>,
    csat: Vec<f64>,
    resolved_first_time: bool,
}

pub async fn report(store: &Store, days: u32, now: i64) -> Result<Report, BotError> {
    let from = now - i64::from(days) * DAY_MS;
    let mut rows: HashMap<String, Figures> = HashMap::new();
    for r in sqlx::query("SELECT id, customer_id, channel, created_at FROM conversations WHERE created_at >= $1")
        .bind(from)
        .fetch_all(&store.pool)
        .await?
    {
        rows.insert(
            r.try_get("id")?,
            Figures {
                customer: r.try_get::<Option<String>, _>("customer_id")?.unwrap_or_default(),
                channel: r.try_get("channel")?,
                created_at: r.try_get("created_at")?,
                ..Default::default()
            },
        );
    }
    let events = sqlx::query(
        "SELECT e.conversation_id, e.kind, e.payload FROM events e JOIN conversations c ON c.id = e.conversation_id \
         WHERE c.created_at >= $1 AND e.kind IN ('customer_message', 'language', 'handoff_requested', 'survey_answer') ORDER BY e.id",
    )
    .bind(from)
    .fetch_all(&store.pool)
    .await?;
    for e in events {
        let id: String = e.try_get(0)?;
        let kind: String = e.try_get(1)?;
        let Some(row) = rows.get_mut(&id) else { continue };
        if kind == "customer_message" {
            row.customer_messages += 1;
            continue;
        }
        let payload: String = e.try_get(2)?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&payload) else { continue };
        match kind.as_str() {
            "language" => {
                if let Ok(state) = serde_json::from_value::<ConversationLanguage>(v["state"].clone()) {
                    row.language = state.current().code().to_string();
                }
            }
            "handoff_requested" => row.reasons.push(v["reason"].as_str().unwrap_or_default().to_string()),
            "survey_answer" => {
                let score = v["score"].as_f64().unwrap_or_default();
                match v["question"].as_str() {
                    Some("ces") => row.ces.push(score),
                    Some("csat") => row.csat.push(score),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    for h in sqlx::query("SELECT conversation_id, requested_at, claimed_at, first_reply_at FROM handoffs WHERE requested_at >= $1")
        .bind(from)
        .fetch_all(&store.pool)
        .await?
    {
        let id: String = h.try_get(0)?;
        let Some(row) = rows.get_mut(&id) else { continue };
        let requested: i64 = h.try_get(1)?;
        if let Some(claimed) = h.try_get::<Option<i64>, _>(2)? {
            row.waits.push((claimed - requested) as f64 / 1000.0);
        }
        match h.try_get::<Option<i64>, _>(3)? {
            Some(reply) => row.first_replies.push((reply - requested) as f64 / 1000.0),
            None if (now - requested) as f64 / 1000.0 > SERVICE_LEVEL_SECONDS => row.overdue_unanswered += 1,
            None => {}
        }
    }
    // First-contact resolution: no later conversation of the same customer within the window.
    let mut by_customer: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in rows.values().filter(|r| r.customer_messages > 0) {
        by_customer.entry(r.customer.as_str()).or_default().push(r.created_at);
    }
    let resolved: HashMap<String, bool> = rows
        .iter()
        .map(|(id, r)| {
            let again = by_customer
                .get(r.customer.as_str())
                .is_some_and(|starts| starts.iter().any(|t| *t > r.created_at && *t - r.created_at <= FCR_WINDOW_MS));
            (id.clone(), !again)
        })
        .collect();
    for (id, r) in rows.iter_mut() {
        r.resolved_first_time = resolved[id];
    }

    let counted: Vec<&Figures> = rows.values().filter(|r| r.customer_messages > 0).collect();
    let mut by_language: BTreeMap<String, Vec<&Figures>> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, Vec<&Figures>> = BTreeMap::new();
    for r in &counted {
        by_language.entry(if r.language.is_empty() { "unknown".into() } else { r.language.clone() }).or_default().push(r);
        by_channel.entry(r.channel.clone()).or_default().push(r);
    }
    Ok(Report {
        from: crate::clock::rfc3339(from),
        to: crate::clock::rfc3339(now),
        days,
        overall: stats(&counted),
        by_language: by_language.into_iter().map(|(k, v)| (k, stats(&v))).collect(),
        by_channel: by_channel.into_iter().map(|(k, v)| (k, stats(&v))).collect(),
    })
}

fn stats(rows: &[&Figures]) -> Stats {
    let n = rows.len();
    let contained = rows.iter().filter(|r| r.reasons.is_empty()).count();
    let mut reasons = BTreeMap::new();
    for reason in rows.iter().flat_map(|r| r.reasons.iter()) {
        *reasons.entry(reason.clone()).or_insert(0) += 1;
    }
    let waits: Vec<f64> = rows.iter().flat_map(|r| r.waits.iter().copied()).collect();
    let replies: Vec<f64> = rows.iter().flat_map(|r| r.first_replies.iter().copied()).collect();
    let overdue: usize = rows.iter().map(|r| r.overdue_unanswered).sum();
    let in_time = replies.iter().filter(|s| **s <= SERVICE_LEVEL_SECONDS).count();
    let judged = replies.len() + overdue;
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    Stats {
        conversations: n,
        contained,
        containment_rate: ratio(contained, n),
        handoffs: reasons.values().sum(),
        handoff_reasons: reasons,
        first_contact_resolution: ratio(rows.iter().filter(|r| r.resolved_first_time).count(), n),
        waiting_seconds: times(waits),
        first_reply_seconds: times(replies),
        service_level: ratio(in_time, judged),
        service_level_target_seconds: SERVICE_LEVEL_SECONDS,
        ces: mean(rows.iter().flat_map(|r| r.ces.iter().copied()).collect()),
        csat: mean(rows.iter().flat_map(|r| r.csat.iter().copied()).collect()),
    }
}

fn times(mut v: Vec<f64>) -> Times {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied();
    Times { n: v.len(), p50: at(0.5), p90: at(0.9), max: v.last().copied() }
}

fn mean(v: Vec<f64>) -> Mean {
    Mean { n: v.len(), mean: (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_means() {
        let t = times(vec![30.0, 10.0, 20.0, 40.0, 50.0]);
        assert_eq!((t.n, t.p50, t.max), (5, Some(30.0), Some(50.0)));
        assert_eq!(times(vec![]).p50, None);
        assert_eq!(mean(vec![5.0, 7.0]).mean, Some(6.0));
    }
}
