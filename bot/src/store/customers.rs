//! Customers, their sessions (a widget session or a Telegram chat) and the one-time codes that link
//! a customer's channels.

use sqlx::Row;

use super::Store;
use super::writer::Tx;
use crate::channel::Channel;
use crate::error::{BotError, Conflict};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub customer_id: String,
    /// SHA-256 of the session's bearer token; empty for channels that use no token (Telegram).
    pub token_hash: String,
    pub locale: Option<String>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
}

/// A link code as stored (the verifier only as its hash).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkCodeRow {
    pub selector: String,
    pub verifier_hash: String,
    pub customer_id: String,
    pub session_id: String,
    pub expires_at: i64,
    pub attempts: i64,
    pub joiner_session: Option<String>,
    pub joiner_customer: Option<String>,
}

const LINK_COLUMNS: &str = "selector, verifier_hash, customer_id, session_id, expires_at, attempts, joiner_session, joiner_customer";

#[derive(Clone, Debug)]
pub enum CustomerWrite {
    Customer { id: String, name: Option<String>, email: Option<String>, phone: Option<String>, at: i64 },
    Session { id: String, customer_id: String, channel: Channel, token_hash: String, locale: Option<String>, at: i64 },
    /// A link code: the public selector, the hash of its secret verifier, and the channel that made it.
    LinkCode { selector: String, verifier_hash: String, customer_id: String, session_id: String, expires_at: i64 },
    /// A wrong verifier was presented for this selector.
    LinkAttempt { selector: String },
    /// The right code was presented by `session_id` (customer `customer_id`): it waits for a yes.
    LinkJoiner { selector: String, session_id: String, customer_id: String },
    DeleteLinkCode { selector: String },
    /// Everything of customer `from` becomes customer `into`'s (linked channels).
    Merge { from: String, into: String },
    /// A unit of work on the customer's conversations decided on the memory read at `seq`: it
    /// commits only while that is still the count (else [`Conflict::Stale`]) and moves it on.
    Turn { customer_id: String, seq: i64 },
}

impl CustomerWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        match self {
            CustomerWrite::Customer { id, name, email, phone, at } => {
                sqlx::query("INSERT INTO customers (id, name, email, phone, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(name.clone())
                    .bind(email.clone())
                    .bind(phone.clone())
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            CustomerWrite::Session { id, customer_id, channel, token_hash, locale, at } => {
                sqlx::query("INSERT INTO sessions (id, customer_id, token_hash, locale, created_at, channel) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id)
                    .bind(customer_id)
                    .bind(token_hash)
                    .bind(locale.clone())
                    .bind(at)
                    .bind(channel.as_str())
                    .execute(&mut **tx)
                    .await?;
            }
            CustomerWrite::LinkCode { selector, verifier_hash, customer_id, session_id, expires_at } => {
                // One open code per channel: a new `/link` replaces the old one.
                sqlx::query("DELETE FROM link_codes WHERE session_id = $1").bind(session_id).execute(&mut **tx).await?;
                sqlx::query("INSERT INTO link_codes (selector, verifier_hash, customer_id, session_id, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0)")
                    .bind(selector)
                    .bind(verifier_hash)
                    .bind(customer_id)
                    .bind(session_id)
                    .bind(expires_at)
                    .execute(&mut **tx)
                    .await?;
            }
            CustomerWrite::LinkAttempt { selector } => {
                sqlx::query("UPDATE link_codes SET attempts = attempts + 1 WHERE selector = $1").bind(selector).execute(&mut **tx).await?;
            }
            CustomerWrite::LinkJoiner { selector, session_id, customer_id } => {
                sqlx::query("UPDATE link_codes SET joiner_session = $1, joiner_customer = $2 WHERE selector = $3")
                    .bind(session_id)
                    .bind(customer_id)
                    .bind(selector)
                    .execute(&mut **tx)
                    .await?;
            }
            CustomerWrite::DeleteLinkCode { selector } => {
                sqlx::query("DELETE FROM link_codes WHERE selector = $1").bind(selector).execute(&mut **tx).await?;
            }
            CustomerWrite::Turn { customer_id, seq } => {
                let done = sqlx::query("UPDATE customers SET turn_seq = turn_seq + 1 WHERE id = $1 AND turn_seq = $2")
                    .bind(customer_id)
                    .bind(seq)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(Conflict::Stale.into());
                }
            }
            CustomerWrite::Merge { from, into } => {
                for sql in [
                    "UPDATE conversations SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE sessions SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE link_codes SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE link_codes SET joiner_customer = $1 WHERE joiner_customer = $2",
                    // The profile stays where it is; an erase of `into` finds it through this.
                    "UPDATE customers SET merged_into = $1 WHERE id = $2 OR merged_into = $2",
                    // Memory of either, cached on any node, is out of date.
                    "UPDATE customers SET turn_seq = turn_seq + 1 WHERE id = $1 OR id = $2",
                ] {
                    sqlx::query(sql).bind(into).bind(from).execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }
}

impl Store {
    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, BotError> {
        Ok(sqlx::query_as("SELECT id, customer_id, token_hash, locale, channel FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A customer's profile and the channels they have used.
    /// The count of units of work written on the customer's conversations (0 for none, or no such
    /// customer): read before the log, so memory built from the log is at least this current.
    pub async fn turn_seq(&self, id: &str) -> Result<i64, BotError> {
        Ok(sqlx::query_scalar("SELECT turn_seq FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?.unwrap_or(0))
    }

    pub async fn customer_info(&self, id: &str) -> Result<komek_handoff::CustomerInfo, BotError> {
        let row = sqlx::query("SELECT name, email, phone FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let channels: Vec<String> = sqlx::query_scalar("SELECT DISTINCT channel FROM conversations WHERE customer_id = $1 ORDER BY channel")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let (name, email, phone) = match row {
            Some(r) => (r.try_get("name")?, r.try_get("email")?, r.try_get("phone")?),
            None => (None, None, None),
        };
        Ok(komek_handoff::CustomerInfo { id: id.to_string(), name, email, phone, channels })
    }

    /// A link code by its selector, if it has not expired at `now`.
    pub async fn link_code(&self, selector: &str, now: i64) -> Result<Option<LinkCodeRow>, BotError> {
        Ok(sqlx::query_as(&format!("SELECT {LINK_COLUMNS} FROM link_codes WHERE selector = $1 AND expires_at > $2"))
            .bind(selector)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The code made in `session_id` that another channel presented and that waits for a yes.
    pub async fn pending_link(&self, session_id: &str, now: i64) -> Result<Option<LinkCodeRow>, BotError> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM link_codes WHERE session_id = $1 AND expires_at > $2 AND joiner_session IS NOT NULL");
        Ok(sqlx::query_as(&sql).bind(session_id).bind(now).fetch_optional(&self.pool).await?)
    }
}
