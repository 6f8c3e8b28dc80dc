//! The demo store's orders 100001–100040, several in every state, seeded on first start. Each was
//! placed by a demo customer: customers 1–20 have one order each (100001–100020), customers 21–30
//! two each (100021–100040), with phone +7 701 555 00 NN and e-mail customerNN@example.kz.

use super::OrderStatus;
use crate::clock::DAY_MS;
use crate::error::BotError;
use crate::store::{OrderRow, OrderWrite, Store};

pub const FIRST_DEMO_ORDER: u32 = 100_001;
pub const DEMO_ORDERS: u32 = 40;

/// Seeds the demo orders when the table is empty; dates are relative to `now` so that expected
/// dates lie ahead and past ones behind.
pub async fn seed_demo_orders(store: &Store, now: i64) -> Result<bool, BotError> {
    if store.order_count().await? > 0 {
        // A database from before the demo orders had contacts gets them, keeping each order's state.
        let mut writes = Vec::new();
        for i in 0..DEMO_ORDERS {
            let demo = demo_order(i, now);
            if let Some(mut row) = store.order(&demo.id).await?.filter(|r| r.phone.is_none()) {
                (row.phone, row.email) = (demo.phone, demo.email);
                writes.push(OrderWrite::Upsert(row).into());
            }
        }
        if !writes.is_empty() {
            store.writer.write(writes).await?;
        }
        return Ok(false);
    }
    let writes = (0..DEMO_ORDERS).map(|i| OrderWrite::Upsert(demo_order(i, now)).into()).collect();
    store.writer.write(writes).await?;
    tracing::info!(orders = DEMO_ORDERS, "seeded the demo back office");
    Ok(true)
}

fn demo_order(i: u32, now: i64) -> OrderRow {
    let status = OrderStatus::ALL[i as usize % OrderStatus::ALL.len()];
    let spread = i64::from(i % 3);
    let customer = if i < 20 { i + 1 } else { 21 + (i - 20) / 2 };
    let days = match status {
        OrderStatus::Created => -spread,
        OrderStatus::Paid => 1 + spread,
        OrderStatus::Shipped => 2 + spread,
        OrderStatus::Delivered => -(2 + spread),
        OrderStatus::Cancelled => -(3 + spread),
        OrderStatus::RefundPending => 3 + spread,
        OrderStatus::RefundDone => -(1 + spread),
    };
    OrderRow {
        id: (FIRST_DEMO_ORDER + i).to_string(),
        status,
        // Prices in whole tenge, rounded to 10.
        amount: 4_990 + i64::from(i * 7_919 % 97) * 500,
        currency: "KZT".into(),
        status_date: now + days * DAY_MS,
        updated_at: now,
        phone: Some(format!("70155500{customer:02}")),
        email: Some(format!("customer{customer:02}@example.kz")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_have_one_or_two_orders() {
        let phones: Vec<String> = (0..DEMO_ORDERS).filter_map(|i| demo_order(i, 0).phone).collect();
        assert_eq!(phones[0], "7015550001");
        assert_eq!(phones.iter().filter(|p| **p == "7015550001").count(), 1);
        assert_eq!(phones.iter().filter(|p| **p == "7015550021").count(), 2);
    }

    #[test]
    fn every_state_has_several_orders() {
        for state in OrderStatus::ALL {
            let n = (0..DEMO_ORDERS).filter(|i| demo_order(*i, 0).status == state).count();
            assert!(n >= 5, "{state:?}: {n}");
        }
    }
}
