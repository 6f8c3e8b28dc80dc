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
    /// Who placed it: the last ten digits of their phone, their e-mail in lower case.
    pub phone: Option<String>,
    pub email: Option<String>,
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
            "INSERT INTO orders (id, status, amount, currency, status_date, updated_at, phone, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_date = excluded.status_date, \
             updated_at = excluded.updated_at, phone = excluded.phone, email = excluded.email",
        )
        .bind(&o.id)
        .bind(o.status.as_str())
        .bind(o.amount)
        .bind(&o.currency)
        .bind(o.status_date)
        .bind(o.updated_at)
        .bind(o.phone.clone())
        .bind(o.email.clone())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

const ORDER_COLUMNS: &str = "id, status, amount, currency, status_date, updated_at, phone, email";

impl Store {
    pub async fn order(&self, id: &str) -> Result<Option<OrderRow>, BotError> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// Orders placed with a contact (`kind` "phone" or "email", as [`crate::backoffice::contact_key`]
    /// writes it), newest first.
    pub async fn orders_by_contact(&self, kind: &str, key: &str) -> Result<Vec<OrderRow>, BotError> {
        let column = if kind == "phone" { "phone" } else { "email" };
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {column} = $1 ORDER BY id DESC LIMIT 10");
        Ok(sqlx::query_as(&sql).bind(key).fetch_all(&self.pool).await?)
    }

    pub async fn order_count(&self) -> Result<i64, BotError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(&self.pool).await?)
    }
}
