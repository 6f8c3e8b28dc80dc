//! Handoffs: the queue's view of the log's handoff events. A row makes "who may claim" one atomic
//! conditional update and keeps the brief agents read while the conversation waits.

use std::collections::HashMap;

use komek_handoff::Reason;
use komek_handoff::queue::Pace;
use serde::{Deserialize, Serialize};

use super::Store;
use super::writer::Tx;
use crate::error::{BotError, Conflict};

/// Where a handoff stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffStatus {
    Queued,
    Claimed,
    Released,
    Closed,
    /// The customer no longer wanted a person before one took it.
    Withdrawn,
}

impl HandoffStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffStatus::Queued => "queued",
            HandoffStatus::Claimed => "claimed",
            HandoffStatus::Released => "released",
            HandoffStatus::Closed => "closed",
            HandoffStatus::Withdrawn => "withdrawn",
        }
    }
}

impl TryFrom<String> for HandoffStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        [HandoffStatus::Queued, HandoffStatus::Claimed, HandoffStatus::Released, HandoffStatus::Closed, HandoffStatus::Withdrawn]
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| format!("unknown handoff status {s:?}"))
    }
}

/// A handoff as the queue stores it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct HandoffRow {
    pub id: String,
    pub conversation_id: String,
    #[sqlx(try_from = "String")]
    pub reason: Reason,
    pub rule: String,
    pub language: String,
    pub priority: i64,
    #[sqlx(try_from = "String")]
    pub status: HandoffStatus,
    pub requested_at: i64,
    pub offered_to: Option<String>,
    pub offered_at: Option<i64>,
    pub agent_id: Option<String>,
    pub claimed_at: Option<i64>,
    pub first_reply_at: Option<i64>,
    /// The brief as JSON.
    pub brief: String,
}

impl HandoffRow {
    /// Whether `agent_id` has claimed it and still owns it.
    pub fn owned_by(&self, agent_id: &str) -> bool {
        self.status == HandoffStatus::Claimed && self.agent_id.as_deref() == Some(agent_id)
    }

    /// The agent had it (now or before it was closed or handed back).
    pub fn handled_by(&self, agent_id: &str) -> bool {
        self.agent_id.as_deref() == Some(agent_id)
    }
}

#[derive(Clone, Debug)]
pub enum HandoffWrite {
    Open(HandoffRow),
    /// Succeeds only while the handoff is queued: two agents claiming at once, one wins and the
    /// other's whole unit of work is rolled back with [`Conflict::AlreadyClaimed`].
    Claim { id: String, agent_id: String, at: i64 },
    Status { id: String, status: HandoffStatus, at: i64 },
    FirstReply { id: String, at: i64 },
    Brief { id: String, brief: String },
}

impl HandoffWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        match self {
            HandoffWrite::Open(h) => {
                sqlx::query(
                    "INSERT INTO handoffs (id, conversation_id, reason, rule, language, priority, status, requested_at, offered_to, offered_at, brief) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10)",
                )
                .bind(&h.id)
                .bind(&h.conversation_id)
                .bind(h.reason.as_str())
                .bind(&h.rule)
                .bind(&h.language)
                .bind(h.priority)
                .bind(h.requested_at)
                .bind(h.offered_to.clone())
                .bind(h.offered_at)
                .bind(&h.brief)
                .execute(&mut **tx)
                .await?;
            }
            HandoffWrite::Claim { id, agent_id, at } => {
                let done = sqlx::query("UPDATE handoffs SET status = 'claimed', agent_id = $1, claimed_at = $2 WHERE id = $3 AND status = 'queued'")
                    .bind(agent_id)
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(Conflict::AlreadyClaimed.into());
                }
            }
            HandoffWrite::Status { id, status, at } => {
                sqlx::query("UPDATE handoffs SET status = $1, closed_at = $2 WHERE id = $3")
                    .bind(status.as_str())
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            HandoffWrite::FirstReply { id, at } => {
                sqlx::query("UPDATE handoffs SET first_reply_at = $1 WHERE id = $2 AND first_reply_at IS NULL")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            HandoffWrite::Brief { id, brief } => {
                sqlx::query("UPDATE handoffs SET brief = $1 WHERE id = $2").bind(brief).bind(id).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }
}

const HANDOFF_COLUMNS: &str =
    "id, conversation_id, reason, rule, language, priority, status, requested_at, offered_to, offered_at, agent_id, claimed_at, first_reply_at, brief";

impl Store {
    pub async fn queued_handoffs(&self) -> Result<Vec<HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE status = 'queued' ORDER BY requested_at");
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    pub async fn handoff(&self, id: &str) -> Result<Option<HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// The latest handoff of a conversation.
    pub async fn conversation_handoff(&self, conversation_id: &str) -> Result<Option<HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE conversation_id = $1 ORDER BY requested_at DESC, id DESC LIMIT 1");
        Ok(sqlx::query_as(&sql).bind(conversation_id).fetch_optional(&self.pool).await?)
    }

    /// Handoffs an agent owns now.
    pub async fn agent_handoffs(&self, agent_id: &str) -> Result<Vec<HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE agent_id = $1 AND status = 'claimed' ORDER BY claimed_at");
        Ok(sqlx::query_as(&sql).bind(agent_id).fetch_all(&self.pool).await?)
    }

    /// Conversations each agent owns now.
    pub async fn active_counts(&self) -> Result<HashMap<String, u32>, BotError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT agent_id, COUNT(*) FROM handoffs WHERE status = 'claimed' AND agent_id IS NOT NULL GROUP BY agent_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u32)).collect())
    }

    /// How fast handoffs in `language` were taken lately, and how long agents' conversations lasted:
    /// the quick quarter of recent waits (a claim while agents were free, not time spent behind
    /// others) and the mean length of recent conversations with an agent. Defaults when there is
    /// no history yet.
    pub async fn recent_pace(&self, language: &str) -> Result<Pace, BotError> {
        let waits: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT requested_at, claimed_at FROM handoffs WHERE language = $1 AND claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 40",
        )
        .bind(language)
        .fetch_all(&self.pool)
        .await?;
        let lengths: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT claimed_at, closed_at FROM handoffs WHERE claimed_at IS NOT NULL AND closed_at IS NOT NULL AND status = 'closed' \
             ORDER BY closed_at DESC LIMIT 40",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut pace = Pace::default();
        let mut waits: Vec<f64> = waits.iter().map(|(r, c)| (c - r).max(0) as f64 / 1000.0).collect();
        if !waits.is_empty() {
            waits.sort_by(f64::total_cmp);
            pace.claim_seconds = waits[waits.len() / 4].clamp(10.0, 600.0);
        }
        if !lengths.is_empty() {
            let mean = lengths.iter().map(|(c, e)| (e - c).max(0) as f64 / 1000.0).sum::<f64>() / lengths.len() as f64;
            pace.handle_seconds = mean.clamp(60.0, 3600.0);
        }
        Ok(pace)
    }
}
