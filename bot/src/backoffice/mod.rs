//! The store's order system behind one small interface: the seeded demo back office (a table in our
//! own database) or a business's own HTTP endpoint (`KOMEK_ORDERS_URL`).

mod demo;
mod remote;

pub use demo::seed_demo_orders;
pub use remote::RemoteOrders;

use serde::{Deserialize, Serialize};

use crate::error::BotError;
use crate::store::{OrderRow, OrderWrite, Store};

/// Where an order stands (reply keys `order_status.<status>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Created,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    RefundPending,
    RefundDone,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Created,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::RefundPending,
        OrderStatus::RefundDone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Created => "created",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::RefundPending => "refund_pending",
            OrderStatus::RefundDone => "refund_done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The delivery address can still change without a person.
    pub fn address_changeable(self) -> bool {
        matches!(self, OrderStatus::Created | OrderStatus::Paid)
    }

    /// Every status, for messages that list them.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl TryFrom<String> for OrderStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| format!("unknown order status {s:?}"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub status: OrderStatus,
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

    /// The orders placed with a phone number (`kind` "phone") or an e-mail ("email"), newest first.
    pub async fn orders_by_contact(&self, kind: &str, value: &str) -> Result<Vec<Order>, BotError> {
        let Some(key) = contact_key(kind, value) else { return Ok(Vec::new()) };
        match self {
            BackOffice::Demo(store) => Ok(store.orders_by_contact(kind, &key).await?.into_iter().map(Order::from).collect()),
            BackOffice::Remote(remote) => remote.orders_by_contact(kind, value).await,
        }
    }

    /// Records a status change reported through the API; `None` when the order is unknown.
    pub async fn set_status(&self, id: &str, status: OrderStatus, status_date: i64, now: i64) -> Result<Option<Order>, BotError> {
        match self {
            BackOffice::Demo(store) => {
                let Some(mut row) = store.order(id).await? else { return Ok(None) };
                row.status = status;
                row.status_date = status_date;
                row.updated_at = now;
                store.writer.write(vec![OrderWrite::Upsert(row.clone()).into()]).await?;
                Ok(Some(row.into()))
            }
            // The business's own system already holds the change; read it back from there.
            BackOffice::Remote(remote) => Ok(remote.order(id).await?.map(|mut o| {
                o.status = status;
                o
            })),
        }
    }
}

/// How a contact is compared: a phone by its last ten digits (so "+7 701 555 00 01", "8 701 555 00 01"
/// and "7015550001" are one number), an e-mail in lower case.
pub fn contact_key(kind: &str, value: &str) -> Option<String> {
    match kind {
        "phone" => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            (digits.len() >= 10).then(|| digits[digits.len() - 10..].to_string())
        }
        "email" => Some(value.trim().to_lowercase()).filter(|e| e.contains('@')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::contact_key;

    #[test]
    fn contacts_compare_as_customers_write_them() {
        let key = contact_key("phone", "+7 701 555 00 01");
        assert_eq!(key.as_deref(), Some("7015550001"));
        assert_eq!(contact_key("phone", "8 (701) 555-00-01"), key);
        assert_eq!(contact_key("phone", "555-01"), None);
        assert_eq!(contact_key("email", " Aigerim@Example.KZ "), Some("aigerim@example.kz".into()));
    }
}
