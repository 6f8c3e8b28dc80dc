//! Deliveries to push channels (Telegram), written in the same transaction as the events that
//! produced them, and the Telegram updates already taken (so a re-sent one is handled once).

use super::Store;
use super::writer::Tx;
use crate::channel::Channel;
use crate::error::{BotError, Conflict};

/// A reply waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub address: String,
    pub payload: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
}

#[derive(Clone, Debug)]
pub enum OutboxWrite {
    /// A reply waiting to be delivered to a channel's address.
    Enqueue { channel: Channel, address: String, payload: String, at: i64 },
    Sent { id: i64, at: i64 },
    Retry { id: i64, next_attempt_at: i64, error: String },
    Failed { id: i64, error: String },
    /// Takes a Telegram update once: a second time fails the unit of work with [`Conflict::UpdateSeen`].
    TelegramUpdate { update_id: i64, at: i64 },
}

impl OutboxWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        match self {
            OutboxWrite::Enqueue { channel, address, payload, at } => {
                sqlx::query(
                    "INSERT INTO outbox (channel, address, payload, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
                )
                .bind(channel.as_str())
                .bind(address)
                .bind(payload)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            OutboxWrite::Sent { id, at } => {
                sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            OutboxWrite::Retry { id, next_attempt_at, error } => {
                sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3")
                    .bind(next_attempt_at)
                    .bind(error)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            OutboxWrite::Failed { id, error } => {
                sqlx::query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2")
                    .bind(error)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            OutboxWrite::TelegramUpdate { update_id, at } => {
                let done = sqlx::query("INSERT INTO telegram_updates (update_id, received_at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING")
                    .bind(update_id)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(Conflict::UpdateSeen.into());
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// Pending deliveries of a channel, oldest first.
    pub async fn pending_outbox(&self, channel: Channel, limit: i64) -> Result<Vec<OutboxRow>, BotError> {
        Ok(sqlx::query_as(
            "SELECT id, address, payload, attempts, next_attempt_at FROM outbox WHERE status = 'pending' AND channel = $1 ORDER BY id LIMIT $2",
        )
        .bind(channel.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
