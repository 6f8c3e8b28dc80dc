//! A business's own order system over HTTP: `GET {base}/orders/{id}` answers
//! `{"id", "status", "amount", "currency", "status_date"}` (status_date in unix ms) or 404.

use serde::Deserialize;

use super::{Order, OrderStatus};
use crate::error::BotError;

#[derive(Clone, Debug)]
pub struct RemoteOrders {
    base: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct RemoteOrder {
    id: String,
    status: String,
    #[serde(default)]
    amount: i64,
    #[serde(default = "default_currency")]
    currency: String,
    #[serde(default)]
    status_date: i64,
}

fn default_currency() -> String {
    "KZT".into()
}

impl RemoteOrders {
    pub fn new(base: &str) -> Result<Self, BotError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| BotError::Config(format!("order system client: {e}")))?;
        Ok(Self { base: base.trim_end_matches('/').to_string(), client })
    }

    /// `GET {base}/orders?phone=…` or `?email=…` → a JSON array of orders (empty when none).
    pub async fn orders_by_contact(&self, kind: &str, value: &str) -> Result<Vec<Order>, BotError> {
        let response = self
            .client
            .get(format!("{}/orders", self.base))
            .query(&[(kind, value)])
            .send()
            .await
            .map_err(|e| BotError::Upstream(format!("order system: {e}")))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        let response = response.error_for_status().map_err(|e| BotError::Upstream(format!("order system: {e}")))?;
        let orders: Vec<RemoteOrder> = response.json().await.map_err(|e| BotError::Upstream(format!("order system answer: {e}")))?;
        orders.into_iter().map(RemoteOrder::into_order).collect()
    }

    pub async fn order(&self, id: &str) -> Result<Option<Order>, BotError> {
        // Order ids come from customer text: only the characters an id may have go into the URL.
        let safe: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        let response = self
            .client
            .get(format!("{}/orders/{safe}", self.base))
            .send()
            .await
            .map_err(|e| BotError::Upstream(format!("order system: {e}")))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = response.error_for_status().map_err(|e| BotError::Upstream(format!("order system: {e}")))?;
        let o: RemoteOrder = response.json().await.map_err(|e| BotError::Upstream(format!("order system answer: {e}")))?;
        o.into_order().map(Some)
    }
}

impl RemoteOrder {
    fn into_order(self) -> Result<Order, BotError> {
        // Dates from 2000 to 2100 and amounts that fit any currency's display: anything else is nonsense.
        if !(946_684_800_000..=4_102_444_800_000).contains(&self.status_date) && self.status_date != 0 {
            return Err(BotError::Upstream(format!("order system: status_date {} is out of range", self.status_date)));
        }
        if !(0..=1_000_000_000_000).contains(&self.amount) {
            return Err(BotError::Upstream(format!("order system: amount {} is out of range", self.amount)));
        }
        if [&self.id, &self.status, &self.currency].iter().any(|s| crate::http::has_forbidden_control(s) || s.chars().count() > 64) {
            return Err(BotError::Upstream("order system: a field has control characters or is too long".into()));
        }
        let status = OrderStatus::parse(&self.status).ok_or_else(|| BotError::Upstream(format!("order system: unknown status {:?}", self.status)))?;
        Ok(Order { id: self.id, status, amount: self.amount, currency: self.currency, status_date: self.status_date })
    }
}
