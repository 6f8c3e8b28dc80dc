//! Conversations and their event log: the one source of truth. Transcripts, memory, briefs and
//! reports are readers of `events`; `conversations.state` is a projection kept for queries.

use std::collections::HashMap;

use komek_handoff::PastContact;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::writer::Tx;
use super::{Store, sql_list};
use crate::channel::Channel;
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, EventKind, MESSAGE_KINDS};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: String,
    pub customer_id: String,
    pub session_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub state: ConvState,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub enum ConversationWrite {
    Conversation { id: String, customer_id: String, session_id: Option<String>, channel: Channel, at: i64 },
    /// The conversation's current state, a projection of its `state_changed` events.
    State { conversation_id: String, state: ConvState, at: i64 },
    Event { conversation_id: String, actor: String, body: EventBody, at: i64 },
}

impl ConversationWrite {
    /// Applies the write; returns the id of a new event.
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<Option<i64>, BotError> {
        match self {
            ConversationWrite::Conversation { id, customer_id, session_id, channel, at } => {
                sqlx::query(
                    "INSERT INTO conversations (id, channel, state, created_at, updated_at, customer_id, session_id) \
                     VALUES ($1, $2, $3, $4, $4, $5, $6)",
                )
                .bind(id)
                .bind(channel.as_str())
                .bind(ConvState::Bot.as_str())
                .bind(at)
                .bind(customer_id)
                .bind(session_id.clone())
                .execute(&mut **tx)
                .await?;
                Ok(None)
            }
            ConversationWrite::State { conversation_id, state, at } => {
                sqlx::query("UPDATE conversations SET state = $1, updated_at = $2 WHERE id = $3")
                    .bind(state.as_str())
                    .bind(at)
                    .bind(conversation_id)
                    .execute(&mut **tx)
                    .await?;
                Ok(None)
            }
            ConversationWrite::Event { conversation_id, actor, body, at } => {
                let payload = serde_json::to_string(body)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO events (conversation_id, kind, actor, payload, created_at, ref) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(conversation_id)
                .bind(body.kind().as_str())
                .bind(actor)
                .bind(payload)
                .bind(at)
                .bind(body.reference().map(str::to_string))
                .fetch_one(&mut **tx)
                .await?;
                Ok(Some(id))
            }
        }
    }
}

const EVENT_COLUMNS: &str = "e.id, e.conversation_id, e.actor, e.payload, e.created_at";
const CONVERSATION_COLUMNS: &str = "id, COALESCE(customer_id, '') AS customer_id, session_id, channel, state, created_at";

impl Store {
    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRow>, BotError> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// The latest conversation a session has had.
    pub async fn current_conversation_of_session(&self, session_id: &str) -> Result<Option<ConversationRow>, BotError> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE session_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1");
        Ok(sqlx::query_as(&sql).bind(session_id).fetch_optional(&self.pool).await?)
    }

    /// Every event of a conversation, oldest first.
    pub async fn conversation_events(&self, conversation_id: &str) -> Result<Vec<Event>, BotError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.conversation_id = $1 ORDER BY e.id");
        decode_events(sqlx::query(&sql).bind(conversation_id).fetch_all(&self.pool).await?)
    }

    /// Every event of a conversation of the given kinds, oldest first.
    pub async fn conversation_events_of(&self, conversation_id: &str, kinds: &[EventKind]) -> Result<Vec<Event>, BotError> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.conversation_id = $1 AND e.kind IN ({}) ORDER BY e.id", sql_list(&kinds));
        decode_events(sqlx::query(&sql).bind(conversation_id).fetch_all(&self.pool).await?)
    }

    /// The facts a customer gave in any of their conversations, oldest first.
    pub async fn customer_facts(&self, customer_id: &str) -> Result<Vec<Event>, BotError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.customer_id = $1 AND e.kind = 'fact' ORDER BY e.id"
        );
        decode_events(sqlx::query(&sql).bind(customer_id).fetch_all(&self.pool).await?)
    }

    /// The messages of every conversation a session has had, after event `after`.
    pub async fn session_messages(&self, session_id: &str, after: i64) -> Result<Vec<Event>, BotError> {
        self.session_events_of(session_id, after, MESSAGE_KINDS).await
    }

    /// The events of the given kinds in every conversation a session has had, after event `after`.
    pub async fn session_events_of(&self, session_id: &str, after: i64, kinds: &[EventKind]) -> Result<Vec<Event>, BotError> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.session_id = $1 AND e.id > $2 AND e.kind IN ({}) ORDER BY e.id",
            sql_list(&kinds)
        );
        decode_events(sqlx::query(&sql).bind(session_id).bind(after).fetch_all(&self.pool).await?)
    }

    /// Conversations subscribed to an order's updates: those not closed, and closed ones that
    /// subscribed at `since` (unix ms) or later. Each once, oldest first.
    pub async fn subscribers(&self, order_id: &str, since: i64) -> Result<Vec<ConversationRow>, BotError> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN (\
             SELECT e.conversation_id FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE e.kind = 'subscribed' AND e.ref = $1 AND (c.state <> 'closed' OR e.created_at >= $2)) \
             ORDER BY created_at, id"
        );
        Ok(sqlx::query_as(&sql).bind(order_id).bind(since).fetch_all(&self.pool).await?)
    }

    /// The conversation in which a customer sent a file.
    pub async fn conversation_with_file(&self, file_id: &str) -> Result<Option<String>, BotError> {
        Ok(sqlx::query_scalar("SELECT conversation_id FROM events WHERE kind = 'customer_message' AND ref = $1 LIMIT 1")
            .bind(file_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The events of several conversations (of the given kinds, or all), in log order.
    pub async fn events_of_conversations(&self, ids: &[String], kinds: Option<&[EventKind]>) -> Result<Vec<Event>, BotError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let kinds = kinds.map_or(String::new(), |k| {
            let names: Vec<&str> = k.iter().map(|k| k.as_str()).collect();
            format!(" AND e.kind IN ({})", sql_list(&names))
        });
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.conversation_id IN ({}){kinds} ORDER BY e.id", marks.join(", "));
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(id);
        }
        decode_events(query.fetch_all(&self.pool).await?)
    }

    /// Conversations of these customers started between `from` and `to`.
    pub async fn conversations_of_customers(&self, customers: &[String], from: i64, to: i64) -> Result<Vec<ConversationRow>, BotError> {
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (3..customers.len() + 3).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE created_at >= $1 AND created_at <= $2 AND customer_id IN ({}) \
             ORDER BY created_at",
            marks.join(", ")
        );
        let mut query = sqlx::query_as(&sql).bind(from).bind(to);
        for c in customers {
            query = query.bind(c);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// Conversations by id.
    pub async fn conversations_by_id(&self, ids: &[String]) -> Result<Vec<ConversationRow>, BotError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id IN ({})", marks.join(", "));
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// A digest of a customer's other conversations since `since` (unix ms), oldest first.
    pub async fn past_contacts(&self, customer_id: &str, except: &str, since: i64) -> Result<Vec<PastContact>, BotError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, c.created_at AS started FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.customer_id = $1 AND c.id <> $2 AND c.created_at >= $3 \
             AND e.kind IN ('fact', 'bot_message', 'handoff_requested') ORDER BY e.id"
        );
        let rows = sqlx::query(&sql).bind(customer_id).bind(except).bind(since).fetch_all(&self.pool).await?;
        let mut started: HashMap<String, i64> = HashMap::new();
        for r in &rows {
            started.insert(r.try_get("conversation_id")?, r.try_get("started")?);
        }
        let mut out: Vec<PastContact> = Vec::new();
        for e in decode_events(rows)? {
            let i = match out.iter().position(|p| p.conversation_id == e.conversation_id) {
                Some(i) => i,
                None => {
                    out.push(PastContact {
                        conversation_id: e.conversation_id.clone(),
                        started_at: started.get(&e.conversation_id).copied().unwrap_or(e.at),
                        intents: Vec::new(),
                        order_ids: Vec::new(),
                        handed_off: false,
                    });
                    out.len() - 1
                }
            };
            let p = &mut out[i];
            match e.body {
                EventBody::Fact { name, value } if name == "order_id" && !p.order_ids.contains(&value) => p.order_ids.push(value),
                EventBody::BotMessage { intent: Some(intent), proactive: false, .. } if !p.intents.contains(&intent) => p.intents.push(intent),
                EventBody::HandoffRequested { .. } => p.handed_off = true,
                _ => {}
            }
        }
        out.sort_by_key(|p| p.started_at);
        Ok(out)
    }
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
