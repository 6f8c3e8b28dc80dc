//! The demo back office's orders (a business with its own order system uses `KOMEK_ORDERS_URL`).

use super::Store;
use super::writer::Tx;
use crate::backoffice::OrderStatus;
use crate::error::BotError;

/// An order of the demo back office, as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    /// In the currency's main unit.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The date that goes with the status: expected shipping or delivery, delivered, cancelled,
    /// refund expected or refund sent (unix ms).
    pub status_date: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug)]
pub enum OrderWrite {
    /// Inserts the order or updates its status.
    Upsert(OrderRow),
}

impl OrderWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        let OrderWrite::Upsert(o) = self;
        sqlx::query(
            "INSERT INTO orders (id, status, amount, currency, status_date, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_date = excluded.status_date, \
             updated_at = excluded.updated_at",
        )
        .bind(&o.id)
        .bind(o.status.as_str())
        .bind(o.amount)
        .bind(&o.currency)
        .bind(o.status_date)
        .bind(o.updated_at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn order(&self, id: &str) -> Result<Option<OrderRow>, BotError> {
        Ok(sqlx::query_as("SELECT id, status, amount, currency, status_date, updated_at FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn order_count(&self) -> Result<i64, BotError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(&self.pool).await?)
    }
}
