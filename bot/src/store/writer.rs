//! The one writer: every write goes through a single task that commits whatever has queued up in one
//! transaction (group commit). SQLite allows one writer at a time anyway; batching turns a thousand
//! small transactions a second into a few dozen, and callers only hear back after their writes are
//! durable. Each caller's writes sit in their own savepoint, so one bad request cannot fail another.

use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{HandoffRow, OrderRow};
use crate::error::BotError;
use crate::events::{ConvState, EventBody};

/// Most callers' writes committed together.
const MAX_BATCH: usize = 256;

/// One write of a caller's unit of work.
#[derive(Clone, Debug)]
pub enum Write {
    Customer { id: String, name: Option<String>, email: Option<String>, phone: Option<String>, at: i64 },
    Session { id: String, customer_id: String, token_hash: String, locale: Option<String>, at: i64 },
    Conversation { id: String, customer_id: String, session_id: Option<String>, channel: String, at: i64 },
    /// The conversation's current state, a projection of its `state_changed` events.
    State { conversation_id: String, state: ConvState, at: i64 },
    Event { conversation_id: String, actor: String, body: EventBody, at: i64 },
    Order(OrderRow),
    Agent { id: String, username: String, password_hash: String, role: String, languages: String, capacity: i64, at: i64 },
    AgentToken { token_hash: String, agent_id: String, expires_at: i64, at: i64 },
    DeleteAgentToken { token_hash: String },
    Handoff(HandoffRow),
    /// Succeeds only while the handoff is queued: two agents claiming at once, one wins and the
    /// other's whole unit of work is rolled back with [`BotError::Conflict`].
    ClaimHandoff { id: String, agent_id: String, at: i64 },
    HandoffStatus { id: String, status: String, at: i64 },
    HandoffFirstReply { id: String, at: i64 },
    HandoffBrief { id: String, brief: String },
    /// Takes a Telegram update once: a second time fails the unit of work with [`BotError::Conflict`].
    TelegramUpdate { update_id: i64, at: i64 },
    /// A reply waiting to be delivered to a channel.
    Outbox { channel: String, address: String, payload: String, at: i64 },
    OutboxSent { id: i64, at: i64 },
    OutboxRetry { id: i64, next_attempt_at: i64, error: String },
    OutboxFailed { id: i64, error: String },
    LinkCode { code: String, customer_id: String, expires_at: i64 },
    DeleteLinkCode { code: String },
    /// Everything of customer `from` becomes customer `into`'s (linked channels).
    MergeCustomer { from: String, into: String },
}

struct Job {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<Vec<i64>, BotError>>,
}

/// A handle to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    pub fn spawn(pool: AnyPool) -> Self {
        let (tx, rx) = mpsc::channel(4096);
        tokio::spawn(run(pool, rx));
        Self { tx }
    }

    /// Commits `writes` atomically; returns the ids of the events among them, in order.
    pub async fn write(&self, writes: Vec<Write>) -> Result<Vec<i64>, BotError> {
        let (done, answer) = oneshot::channel();
        self.tx.send(Job { writes, done }).await.map_err(|_| BotError::Database("the writer has stopped".into()))?;
        answer.await.map_err(|_| BotError::Database("the writer has stopped".into()))?
    }
}

async fn run(pool: AnyPool, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&pool, &mut batch).await;
    }
}

async fn commit_batch(pool: &AnyPool, batch: &mut Vec<Job>) {
    let mut outcomes: Vec<Result<Vec<i64>, BotError>> = Vec::with_capacity(batch.len());
    let result: Result<(), BotError> = async {
        let mut tx = pool.begin().await?;
        for job in batch.iter() {
            sqlx::query("SAVEPOINT job").execute(&mut *tx).await?;
            match apply(&mut tx, &job.writes).await {
                Ok(ids) => {
                    sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await?;
                    outcomes.push(Ok(ids));
                }
                Err(e) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT job").execute(&mut *tx).await?;
                    sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await?;
                    outcomes.push(Err(e));
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                let _ = job.done.send(outcome);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = batch.len(), "write batch failed");
            for job in batch.drain(..) {
                let _ = job.done.send(Err(BotError::Database(e.to_string())));
            }
        }
    }
}

async fn apply(tx: &mut Transaction<'static, Any>, writes: &[Write]) -> Result<Vec<i64>, BotError> {
    let mut ids = Vec::new();
    for w in writes {
        match w {
            Write::Customer { id, name, email, phone, at } => {
                sqlx::query("INSERT INTO customers (id, name, email, phone, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(name.clone())
                    .bind(email.clone())
                    .bind(phone.clone())
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::Session { id, customer_id, token_hash, locale, at } => {
                sqlx::query("INSERT INTO sessions (id, customer_id, token_hash, locale, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(customer_id)
                    .bind(token_hash)
                    .bind(locale.clone())
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::Conversation { id, customer_id, session_id, channel, at } => {
                sqlx::query(
                    "INSERT INTO conversations (id, channel, state, created_at, updated_at, customer_id, session_id) \
                     VALUES ($1, $2, $3, $4, $4, $5, $6)",
                )
                .bind(id)
                .bind(channel)
                .bind(ConvState::Bot.as_str())
                .bind(at)
                .bind(customer_id)
                .bind(session_id.clone())
                .execute(&mut **tx)
                .await?;
            }
            Write::State { conversation_id, state, at } => {
                sqlx::query("UPDATE conversations SET state = $1, updated_at = $2 WHERE id = $3")
                    .bind(state.as_str())
                    .bind(at)
                    .bind(conversation_id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::Event { conversation_id, actor, body, at } => {
                let payload = serde_json::to_string(body).map_err(|e| BotError::Database(e.to_string()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO events (conversation_id, kind, actor, payload, created_at, ref) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(conversation_id)
                .bind(body.kind())
                .bind(actor)
                .bind(payload)
                .bind(at)
                .bind(body.reference().map(str::to_string))
                .fetch_one(&mut **tx)
                .await?;
                ids.push(id);
            }
            Write::Agent { id, username, password_hash, role, languages, capacity, at } => {
                sqlx::query(
                    "INSERT INTO agents (id, username, password_hash, role, languages, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(username)
                .bind(password_hash)
                .bind(role)
                .bind(languages)
                .bind(capacity)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            Write::AgentToken { token_hash, agent_id, expires_at, at } => {
                sqlx::query("INSERT INTO agent_tokens (token_hash, agent_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(agent_id)
                    .bind(expires_at)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::DeleteAgentToken { token_hash } => {
                sqlx::query("DELETE FROM agent_tokens WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
            }
            Write::Handoff(h) => {
                sqlx::query(
                    "INSERT INTO handoffs (id, conversation_id, reason, rule, language, priority, status, requested_at, offered_to, offered_at, brief) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10)",
                )
                .bind(&h.id)
                .bind(&h.conversation_id)
                .bind(&h.reason)
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
            Write::ClaimHandoff { id, agent_id, at } => {
                let done = sqlx::query("UPDATE handoffs SET status = 'claimed', agent_id = $1, claimed_at = $2 WHERE id = $3 AND status = 'queued'")
                    .bind(agent_id)
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(BotError::Conflict("the handoff was already claimed".into()));
                }
            }
            Write::HandoffStatus { id, status, at } => {
                sqlx::query("UPDATE handoffs SET status = $1, closed_at = $2 WHERE id = $3")
                    .bind(status)
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::HandoffFirstReply { id, at } => {
                sqlx::query("UPDATE handoffs SET first_reply_at = $1 WHERE id = $2 AND first_reply_at IS NULL")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::HandoffBrief { id, brief } => {
                sqlx::query("UPDATE handoffs SET brief = $1 WHERE id = $2").bind(brief).bind(id).execute(&mut **tx).await?;
            }
            Write::TelegramUpdate { update_id, at } => {
                let done = sqlx::query("INSERT INTO telegram_updates (update_id, received_at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING")
                    .bind(update_id)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(BotError::Conflict("the update was processed before".into()));
                }
            }
            Write::Outbox { channel, address, payload, at } => {
                sqlx::query(
                    "INSERT INTO outbox (channel, address, payload, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
                )
                .bind(channel)
                .bind(address)
                .bind(payload)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            Write::OutboxSent { id, at } => {
                sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::OutboxRetry { id, next_attempt_at, error } => {
                sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3")
                    .bind(next_attempt_at)
                    .bind(error)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::OutboxFailed { id, error } => {
                sqlx::query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2")
                    .bind(error)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::LinkCode { code, customer_id, expires_at } => {
                sqlx::query("INSERT INTO link_codes (code, customer_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(code)
                    .bind(customer_id)
                    .bind(expires_at)
                    .execute(&mut **tx)
                    .await?;
            }
            Write::DeleteLinkCode { code } => {
                sqlx::query("DELETE FROM link_codes WHERE code = $1").bind(code).execute(&mut **tx).await?;
            }
            Write::MergeCustomer { from, into } => {
                for sql in [
                    "UPDATE conversations SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE sessions SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE link_codes SET customer_id = $1 WHERE customer_id = $2",
                ] {
                    sqlx::query(sql).bind(into).bind(from).execute(&mut **tx).await?;
                }
            }
            Write::Order(o) => {
                sqlx::query(
                    "INSERT INTO orders (id, status, amount, currency, status_date, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_date = excluded.status_date, \
                     updated_at = excluded.updated_at",
                )
                .bind(&o.id)
                .bind(&o.status)
                .bind(o.amount)
                .bind(&o.currency)
                .bind(o.status_date)
                .bind(o.updated_at)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(ids)
}
