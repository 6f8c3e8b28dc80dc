//! `GET /metrics` in the Prometheus text format: counters of what the service has done.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Default)]
pub struct Gauge(AtomicI64);

impl Gauge {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn dec(&self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
    fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Default)]
pub struct Metrics {
    pub sessions: Counter,
    pub customer_messages: Counter,
    pub bot_messages: Counter,
    pub rate_limited: Counter,
    pub notifications: Counter,
    pub ws_connected: Gauge,
}

impl Metrics {
    pub fn render(&self) -> String {
        let counters = [
            ("komek_sessions_created_total", "Widget sessions created.", self.sessions.get()),
            ("komek_customer_messages_total", "Customer messages handled.", self.customer_messages.get()),
            ("komek_bot_messages_total", "Bot replies sent in answer to customers.", self.bot_messages.get()),
            ("komek_rate_limited_total", "Customer messages refused by the rate limit.", self.rate_limited.get()),
            ("komek_order_notifications_total", "Proactive order updates sent.", self.notifications.get()),
        ];
        let mut out = String::new();
        for (name, help, value) in counters {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"));
        }
        let ws = self.ws_connected.get();
        out.push_str(&format!(
            "# HELP komek_websockets_connected Open customer WebSockets.\n# TYPE komek_websockets_connected gauge\nkomek_websockets_connected {ws}\n"
        ));
        out
    }
}
