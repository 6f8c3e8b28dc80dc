//! The store's order system behind one small interface: the seeded demo back office (a table in our
//! own database) or a business's own HTTP endpoint (`KOMEK_ORDERS_URL`).

mod demo;
mod remote;

pub use demo::seed_demo_orders;
pub use remote::RemoteOrders;

use crate::error::BotError;
use crate::store::{OrderRow, Store, Write};

/// Order states the dialogue knows (reply keys `order_status.<status>`).
pub const ORDER_STATES: &[&str] = &["created", "paid", "shipped", "delivered", "cancelled", "refund_pending", "refund_done"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    /// The date that goes with the status (unix ms).
    pub status_date: i64,
}

impl From<OrderRow> for Order {
    fn from(r: OrderRow) -> Self {
        Self { id: r.id, status: r.status, amount: r.amount, currency: r.currency, status_date: r.status_date }
    }
}

#[derive(Clone, Debug)]
pub enum BackOffice {
    Demo(Store),
    Remote(RemoteOrders),
}

impl BackOffice {
    pub async fn order(&self, id: &str) -> Result<Option<Order>, BotError> {
        match self {
            BackOffice::Demo(store) => Ok(store.order(id).await?.map(Order::from)),
            BackOffice::Remote(remote) => remote.order(id).await,
        }
    }

    /// Records a status change reported through the API; `None` when the order is unknown.
    pub async fn set_status(&self, id: &str, status: &str, status_date: i64, now: i64) -> Result<Option<Order>, BotError> {
        match self {
            BackOffice::Demo(store) => {
                let Some(mut row) = store.order(id).await? else { return Ok(None) };
                row.status = status.to_string();
                row.status_date = status_date;
                row.updated_at = now;
                store.writer.write(vec![Write::Order(row.clone())]).await?;
                Ok(Some(row.into()))
            }
            // The business's own system already holds the change; read it back from there.
            BackOffice::Remote(remote) => Ok(remote.order(id).await?.map(|mut o| {
                o.status = status.to_string();
                o
            })),
        }
    }
}
