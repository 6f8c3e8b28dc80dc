//! Quality scorecards, one row per scored conversation (see `crate::quality`).

use sqlx::Row;

use super::Store;
use super::writer::Tx;
use crate::error::BotError;

/// A conversation's scorecard as stored; `card` is the scorecard's JSON.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct QualityRow {
    pub conversation_id: String,
    pub started_at: i64,
    pub channel: String,
    pub language: String,
    /// `,aigerim,bob,`
    pub agents: String,
    /// `,repeat_ask,slow_reply,`
    pub failed: String,
    pub score: i32,
    pub effort: i32,
    /// The customer's own CES answer, when they gave one.
    pub survey_ces: Option<i32>,
    pub through_event: i64,
    pub scored_at: i64,
    pub card: String,
}

impl QualityRow {
    pub fn agent_names(&self) -> impl Iterator<Item = &str> {
        self.agents.split(',').filter(|a| !a.is_empty())
    }

    pub fn failed_names(&self) -> impl Iterator<Item = &str> {
        self.failed.split(',').filter(|a| !a.is_empty())
    }
}

/// Joins names into the `,a,b,` form that `LIKE '%,a,%'` finds.
pub fn name_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from(",");
    for n in names {
        out.push_str(n);
        out.push(',');
    }
    out
}

#[derive(Clone, Debug)]
pub enum QualityWrite {
    Upsert(QualityRow),
}

impl QualityWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        let QualityWrite::Upsert(q) = self;
        sqlx::query(
            "INSERT INTO quality (conversation_id, started_at, channel, language, agents, failed, score, effort, survey_ces, \
             through_event, scored_at, card) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (conversation_id) DO UPDATE SET channel = excluded.channel, language = excluded.language, \
             agents = excluded.agents, failed = excluded.failed, score = excluded.score, effort = excluded.effort, \
             survey_ces = excluded.survey_ces, through_event = excluded.through_event, scored_at = excluded.scored_at, \
             card = excluded.card",
        )
        .bind(&q.conversation_id)
        .bind(q.started_at)
        .bind(&q.channel)
        .bind(&q.language)
        .bind(&q.agents)
        .bind(&q.failed)
        .bind(q.score)
        .bind(q.effort)
        .bind(q.survey_ces)
        .bind(q.through_event)
        .bind(q.scored_at)
        .bind(&q.card)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

const QUALITY_COLUMNS: &str =
    "conversation_id, started_at, channel, language, agents, failed, score, effort, survey_ces, through_event, scored_at, card";

impl Store {
    /// The scorecards of conversations started since `from`, worst first; only those `agent` took
    /// part in when given.
    pub async fn quality_rows(&self, from: i64, agent: Option<&str>) -> Result<Vec<QualityRow>, BotError> {
        let sql = format!(
            "SELECT {QUALITY_COLUMNS} FROM quality WHERE started_at >= $1 AND ($2 = '' OR agents LIKE $3) \
             ORDER BY score, effort, started_at DESC"
        );
        let agent = agent.unwrap_or("");
        Ok(sqlx::query_as(&sql).bind(from).bind(agent).bind(format!("%,{agent},%")).fetch_all(&self.pool).await?)
    }

    pub async fn quality_row(&self, conversation_id: &str) -> Result<Option<QualityRow>, BotError> {
        let sql = format!("SELECT {QUALITY_COLUMNS} FROM quality WHERE conversation_id = $1");
        Ok(sqlx::query_as(&sql).bind(conversation_id).fetch_optional(&self.pool).await?)
    }

    /// Conversations started since `from` with events their scorecard has not seen (or none), and
    /// the last event of each.
    pub async fn quality_stale(&self, from: i64) -> Result<Vec<(String, i64)>, BotError> {
        let rows = sqlx::query(
            "SELECT c.id, MAX(e.id) FROM conversations c JOIN events e ON e.conversation_id = c.id \
             LEFT JOIN quality q ON q.conversation_id = c.id WHERE c.created_at >= $1 \
             GROUP BY c.id, q.through_event HAVING q.through_event IS NULL OR MAX(e.id) > q.through_event",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// The id of a conversation's last event (0 when it has none).
    pub async fn conversation_last_event(&self, conversation_id: &str) -> Result<i64, BotError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM events WHERE conversation_id = $1")
            .bind(conversation_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// When each of these orders last changed (order id, unix ms), for those that exist: one query.
    pub async fn orders_updated_at(&self, ids: &[String]) -> Result<Vec<(String, i64)>, BotError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, updated_at FROM orders WHERE id IN ({})", marks.join(", "));
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// Conversations with events after `after`, each with its newest event id, and the newest
    /// event id seen.
    pub async fn conversations_with_events_after(&self, after: i64) -> Result<(Vec<(String, i64)>, i64), BotError> {
        let rows = sqlx::query("SELECT conversation_id, MAX(id) FROM events WHERE id > $1 GROUP BY conversation_id")
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
        let mut newest = after;
        let mut ids = Vec::with_capacity(rows.len());
        for r in rows {
            let last: i64 = r.try_get(1)?;
            ids.push((r.try_get(0)?, last));
            newest = newest.max(last);
        }
        Ok((ids, newest))
    }
}
