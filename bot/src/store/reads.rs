//! Reads: sessions, conversations and the events of the log, decoded.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{OrderRow, Store};
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, MESSAGE_KINDS};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub customer_id: String,
    pub token_hash: String,
    pub locale: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: String,
    pub customer_id: String,
    pub session_id: Option<String>,
    pub channel: String,
    pub state: ConvState,
    pub created_at: i64,
}

const EVENT_COLUMNS: &str = "e.id, e.conversation_id, e.actor, e.payload, e.created_at";
const CONVERSATION_COLUMNS: &str = "id, customer_id, session_id, channel, state, created_at";

fn message_kinds_sql() -> String {
    MESSAGE_KINDS.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
}

impl Store {
    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, BotError> {
        let row = sqlx::query("SELECT id, customer_id, token_hash, locale FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SessionRow {
                id: r.try_get("id")?,
                customer_id: r.try_get("customer_id")?,
                token_hash: r.try_get("token_hash")?,
                locale: r.try_get("locale")?,
            })
        })
        .transpose()
    }

    /// The latest conversation a widget session has had.
    pub async fn current_conversation_of_session(&self, session_id: &str) -> Result<Option<ConversationRow>, BotError> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE session_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql).bind(session_id).fetch_optional(&self.pool).await?;
        row.map(|r| conversation_row(&r)).transpose()
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRow>, BotError> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| conversation_row(&r)).transpose()
    }

    /// Every event of a conversation, oldest first.
    pub async fn conversation_events(&self, conversation_id: &str) -> Result<Vec<Event>, BotError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.conversation_id = $1 ORDER BY e.id");
        let rows = sqlx::query(&sql).bind(conversation_id).fetch_all(&self.pool).await?;
        decode_events(rows)
    }

    /// The facts a customer gave in any of their conversations, oldest first.
    pub async fn customer_facts(&self, customer_id: &str) -> Result<Vec<Event>, BotError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.customer_id = $1 AND e.kind = 'fact' ORDER BY e.id"
        );
        let rows = sqlx::query(&sql).bind(customer_id).fetch_all(&self.pool).await?;
        decode_events(rows)
    }

    /// The messages of every conversation a widget session has had, after event `after`.
    pub async fn session_messages(&self, session_id: &str, after: i64) -> Result<Vec<Event>, BotError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.session_id = $1 AND e.id > $2 AND e.kind IN ({}) ORDER BY e.id",
            message_kinds_sql()
        );
        let rows = sqlx::query(&sql).bind(session_id).bind(after).fetch_all(&self.pool).await?;
        decode_events(rows)
    }

    /// Conversations subscribed to an order's updates (and not closed).
    pub async fn subscribers(&self, order_id: &str) -> Result<Vec<String>, BotError> {
        let rows = sqlx::query(
            "SELECT DISTINCT e.conversation_id FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE e.kind = 'subscribed' AND e.ref = $1 AND c.state <> 'closed'",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get::<String, _>(0).map_err(BotError::from)).collect()
    }

    pub async fn order(&self, id: &str) -> Result<Option<OrderRow>, BotError> {
        let row = sqlx::query("SELECT id, status, amount, currency, status_date, updated_at FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(OrderRow {
                id: r.try_get("id")?,
                status: r.try_get("status")?,
                amount: r.try_get("amount")?,
                currency: r.try_get("currency")?,
                status_date: r.try_get("status_date")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .transpose()
    }

    pub async fn order_count(&self) -> Result<i64, BotError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(&self.pool).await?)
    }
}

fn conversation_row(r: &AnyRow) -> Result<ConversationRow, BotError> {
    let state: String = r.try_get("state")?;
    Ok(ConversationRow {
        id: r.try_get("id")?,
        customer_id: r.try_get::<Option<String>, _>("customer_id")?.unwrap_or_default(),
        session_id: r.try_get("session_id")?,
        channel: r.try_get("channel")?,
        state: ConvState::parse(&state).ok_or_else(|| BotError::Database(format!("unknown conversation state {state:?}")))?,
        created_at: r.try_get("created_at")?,
    })
}

fn decode_events(rows: Vec<AnyRow>) -> Result<Vec<Event>, BotError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let payload: String = r.try_get("payload")?;
        let id: i64 = r.try_get("id")?;
        // An event kind this version does not know (written by a newer one) is skipped, not fatal.
        let Ok(body) = serde_json::from_str::<EventBody>(&payload) else {
            tracing::warn!(id, "skipping an event this version cannot read");
            continue;
        };
        out.push(Event { id, conversation_id: r.try_get("conversation_id")?, actor: r.try_get("actor")?, at: r.try_get("created_at")?, body });
    }
    Ok(out)
}
