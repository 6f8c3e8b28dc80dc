//! Customers, their sessions (a widget session or a Telegram chat) and the one-time codes that link
//! a customer's channels.

use sqlx::Row;

use super::Store;
use super::writer::Tx;
use crate::channel::Channel;
use crate::error::BotError;

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

#[derive(Clone, Debug)]
pub enum CustomerWrite {
    Customer { id: String, name: Option<String>, email: Option<String>, phone: Option<String>, at: i64 },
    Session { id: String, customer_id: String, channel: Channel, token_hash: String, locale: Option<String>, at: i64 },
    LinkCode { code: String, customer_id: String, expires_at: i64 },
    DeleteLinkCode { code: String },
    /// Everything of customer `from` becomes customer `into`'s (linked channels).
    Merge { from: String, into: String },
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
            CustomerWrite::LinkCode { code, customer_id, expires_at } => {
                sqlx::query("INSERT INTO link_codes (code, customer_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(code)
                    .bind(customer_id)
                    .bind(expires_at)
                    .execute(&mut **tx)
                    .await?;
            }
            CustomerWrite::DeleteLinkCode { code } => {
                sqlx::query("DELETE FROM link_codes WHERE code = $1").bind(code).execute(&mut **tx).await?;
            }
            CustomerWrite::Merge { from, into } => {
                for sql in [
                    "UPDATE conversations SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE sessions SET customer_id = $1 WHERE customer_id = $2",
                    "UPDATE link_codes SET customer_id = $1 WHERE customer_id = $2",
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

    /// The customer a valid link code belongs to.
    pub async fn link_code(&self, code: &str, now: i64) -> Result<Option<String>, BotError> {
        Ok(sqlx::query_scalar("SELECT customer_id FROM link_codes WHERE code = $1 AND expires_at > $2")
            .bind(code)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }
}
