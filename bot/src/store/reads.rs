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

impl Store {
    /// A digest of a customer's other conversations since `since` (unix ms), oldest first.
    pub async fn past_contacts(&self, customer_id: &str, except: &str, since: i64) -> Result<Vec<komek_handoff::PastContact>, BotError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS}, c.created_at AS started FROM events e JOIN conversations c ON c.id = e.conversation_id \
             WHERE c.customer_id = $1 AND c.id <> $2 AND c.created_at >= $3 \
             AND e.kind IN ('fact', 'bot_message', 'handoff_requested') ORDER BY e.id"
        );
        let rows = sqlx::query(&sql).bind(customer_id).bind(except).bind(since).fetch_all(&self.pool).await?;
        let mut started: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for r in &rows {
            started.insert(r.try_get("conversation_id")?, r.try_get("started")?);
        }
        let mut out: Vec<komek_handoff::PastContact> = Vec::new();
        for e in decode_events(rows)? {
            let i = match out.iter().position(|p| p.conversation_id == e.conversation_id) {
                Some(i) => i,
                None => {
                    out.push(komek_handoff::PastContact {
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

const HANDOFF_COLUMNS: &str = "id, conversation_id, reason, rule, language, priority, status, requested_at, offered_to, offered_at, agent_id, claimed_at, first_reply_at, brief";

fn handoff_row(r: &AnyRow) -> Result<super::HandoffRow, BotError> {
    Ok(super::HandoffRow {
        id: r.try_get("id")?,
        conversation_id: r.try_get("conversation_id")?,
        reason: r.try_get("reason")?,
        rule: r.try_get("rule")?,
        language: r.try_get("language")?,
        priority: r.try_get("priority")?,
        status: r.try_get("status")?,
        requested_at: r.try_get("requested_at")?,
        offered_to: r.try_get("offered_to")?,
        offered_at: r.try_get("offered_at")?,
        agent_id: r.try_get("agent_id")?,
        claimed_at: r.try_get("claimed_at")?,
        first_reply_at: r.try_get("first_reply_at")?,
        brief: r.try_get("brief")?,
    })
}

fn agent_row(r: &AnyRow) -> Result<super::AgentRow, BotError> {
    let languages: String = r.try_get("languages")?;
    Ok(super::AgentRow {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        password_hash: r.try_get("password_hash")?,
        role: r.try_get("role")?,
        languages: languages.split(',').filter(|l| !l.is_empty()).map(str::to_string).collect(),
        capacity: r.try_get("capacity")?,
    })
}

impl Store {
    pub async fn queued_handoffs(&self) -> Result<Vec<super::HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE status = 'queued' ORDER BY requested_at");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(handoff_row).collect()
    }

    pub async fn handoff(&self, id: &str) -> Result<Option<super::HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?.map(|r| handoff_row(&r)).transpose()
    }

    /// The latest handoff of a conversation.
    pub async fn conversation_handoff(&self, conversation_id: &str) -> Result<Option<super::HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE conversation_id = $1 ORDER BY requested_at DESC, id DESC LIMIT 1");
        sqlx::query(&sql).bind(conversation_id).fetch_optional(&self.pool).await?.map(|r| handoff_row(&r)).transpose()
    }

    /// Handoffs an agent owns now.
    pub async fn agent_handoffs(&self, agent_id: &str) -> Result<Vec<super::HandoffRow>, BotError> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE agent_id = $1 AND status = 'claimed' ORDER BY claimed_at");
        let rows = sqlx::query(&sql).bind(agent_id).fetch_all(&self.pool).await?;
        rows.iter().map(handoff_row).collect()
    }

    /// Average seconds from handoff to claim over the last claims in a language (for the wait estimate).
    pub async fn recent_wait_seconds(&self, language: &str) -> Result<Option<f64>, BotError> {
        let rows = sqlx::query(
            "SELECT requested_at, claimed_at FROM handoffs WHERE language = $1 AND claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 20",
        )
        .bind(language)
        .fetch_all(&self.pool)
        .await?;
        let waits: Vec<f64> = rows
            .iter()
            .filter_map(|r| Some((r.try_get::<i64, _>(1).ok()? - r.try_get::<i64, _>(0).ok()?) as f64 / 1000.0))
            .collect();
        Ok((!waits.is_empty()).then(|| waits.iter().sum::<f64>() / waits.len() as f64))
    }

    pub async fn agent_by_username(&self, username: &str) -> Result<Option<super::AgentRow>, BotError> {
        let row = sqlx::query("SELECT id, username, password_hash, role, languages, capacity FROM agents WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| agent_row(&r)).transpose()
    }

    pub async fn agents(&self) -> Result<Vec<super::AgentRow>, BotError> {
        let rows = sqlx::query("SELECT id, username, password_hash, role, languages, capacity FROM agents ORDER BY username")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(agent_row).collect()
    }

    /// The agent a token belongs to, if the token exists and has not expired at `now`.
    pub async fn agent_by_token(&self, token_hash: &str, now: i64) -> Result<Option<super::AgentRow>, BotError> {
        let row = sqlx::query(
            "SELECT a.id, a.username, a.password_hash, a.role, a.languages, a.capacity FROM agent_tokens t \
             JOIN agents a ON a.id = t.agent_id WHERE t.token_hash = $1 AND t.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| agent_row(&r)).transpose()
    }
}

impl Store {
    /// A customer's profile and the channels they have used.
    pub async fn customer_info(&self, id: &str) -> Result<komek_handoff::CustomerInfo, BotError> {
        let row = sqlx::query("SELECT name, email, phone FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let channels = sqlx::query("SELECT DISTINCT channel FROM conversations WHERE customer_id = $1 ORDER BY channel")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, _>>()?;
        let (name, email, phone) = match row {
            Some(r) => (r.try_get("name")?, r.try_get("email")?, r.try_get("phone")?),
            None => (None, None, None),
        };
        Ok(komek_handoff::CustomerInfo { id: id.to_string(), name, email, phone, channels })
    }

    /// Conversations each agent owns now.
    pub async fn active_counts(&self) -> Result<std::collections::HashMap<String, u32>, BotError> {
        let rows = sqlx::query("SELECT agent_id, COUNT(*) FROM handoffs WHERE status = 'claimed' AND agent_id IS NOT NULL GROUP BY agent_id")
            .fetch_all(&self.pool)
            .await?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            out.insert(r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?.max(0) as u32);
        }
        Ok(out)
    }

    /// Every event of a conversation of the given kinds, oldest first.
    pub async fn conversation_events_of(&self, conversation_id: &str, kinds: &[&str]) -> Result<Vec<Event>, BotError> {
        let kinds = kinds.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.conversation_id = $1 AND e.kind IN ({kinds}) ORDER BY e.id");
        let rows = sqlx::query(&sql).bind(conversation_id).fetch_all(&self.pool).await?;
        decode_events(rows)
    }
}

/// A reply waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub address: String,
    pub payload: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
}

impl Store {
    /// Pending deliveries of a channel, oldest first.
    pub async fn pending_outbox(&self, channel: &str, limit: i64) -> Result<Vec<OutboxRow>, BotError> {
        let rows = sqlx::query(
            "SELECT id, channel, address, payload, attempts, next_attempt_at FROM outbox WHERE status = 'pending' AND channel = $1 ORDER BY id LIMIT $2",
        )
        .bind(channel)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    id: r.try_get("id")?,
                    channel: r.try_get("channel")?,
                    address: r.try_get("address")?,
                    payload: r.try_get("payload")?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                })
            })
            .collect()
    }

    /// The customer a valid link code belongs to.
    pub async fn link_code(&self, code: &str, now: i64) -> Result<Option<String>, BotError> {
        let row = sqlx::query("SELECT customer_id FROM link_codes WHERE code = $1 AND expires_at > $2")
            .bind(code)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>(0)).transpose()?)
    }
}

impl Store {
    /// The conversation in which a customer sent a file.
    pub async fn conversation_with_file(&self, file_id: &str) -> Result<Option<String>, BotError> {
        let row = sqlx::query("SELECT conversation_id FROM events WHERE kind = 'customer_message' AND ref = $1 LIMIT 1")
            .bind(file_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>(0)).transpose()?)
    }
}
