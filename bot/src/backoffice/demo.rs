//! The demo store's orders 100001–100040, several in every state, seeded on first start.

use super::ORDER_STATES;
use crate::clock::DAY_MS;
use crate::error::BotError;
use crate::store::{OrderRow, Store, Write};

pub const FIRST_DEMO_ORDER: u32 = 100_001;
pub const DEMO_ORDERS: u32 = 40;

/// Seeds the demo orders when the table is empty; dates are relative to `now` so that expected
/// dates lie ahead and past ones behind.
pub async fn seed_demo_orders(store: &Store, now: i64) -> Result<bool, BotError> {
    if store.order_count().await? > 0 {
        return Ok(false);
    }
    let writes = (0..DEMO_ORDERS).map(|i| Write::Order(demo_order(i, now))).collect();
    store.writer.write(writes).await?;
    tracing::info!(orders = DEMO_ORDERS, "seeded the demo back office");
    Ok(true)
}

fn demo_order(i: u32, now: i64) -> OrderRow {
    let status = ORDER_STATES[i as usize % ORDER_STATES.len()];
    let spread = i64::from(i % 3);
    let days = match status {
        "created" => -spread,
        "paid" => 1 + spread,
        "shipped" => 2 + spread,
        "delivered" => -(2 + spread),
        "cancelled" => -(3 + spread),
        "refund_pending" => 3 + spread,
        _ => -(1 + spread),
    };
    OrderRow {
        id: (FIRST_DEMO_ORDER + i).to_string(),
        status: status.to_string(),
        // Prices in whole tenge, rounded to 10.
        amount: 4_990 + i64::from(i * 7_919 % 97) * 500,
        currency: "KZT".into(),
        status_date: now + days * DAY_MS,
        updated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_several_orders() {
        for state in ORDER_STATES {
            let n = (0..DEMO_ORDERS).filter(|i| demo_order(*i, 0).status == *state).count();
            assert!(n >= 5, "{state}: {n}");
        }
    }
}
