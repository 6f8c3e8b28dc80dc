//! Service-level clocks of a handoff: how long the customer waited for a person, and how long until
//! the person first wrote.

use serde::{Deserialize, Serialize};

/// The service-level target: an agent's first reply within this many seconds of the handoff. The
/// queue orders waiting customers against it and the reports measure it.
pub const TARGET_SECONDS: f64 = 60.0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    /// Unix milliseconds.
    pub requested_at: i64,
    pub claimed_at: Option<i64>,
    pub first_reply_at: Option<i64>,
}

impl SlaClock {
    /// Seconds the customer has waited (or waited) for an agent to take the conversation.
    pub fn waiting_seconds(&self, now: i64) -> i64 {
        (self.claimed_at.unwrap_or(now) - self.requested_at).max(0) / 1000
    }

    /// Seconds from the handoff to the agent's first message, once there is one.
    pub fn first_reply_seconds(&self) -> Option<i64> {
        self.first_reply_at.map(|t| (t - self.requested_at).max(0) / 1000)
    }

    /// Whether the first reply came (or can still come) within `target_seconds`.
    pub fn within(&self, target_seconds: i64, now: i64) -> bool {
        match self.first_reply_seconds() {
            Some(s) => s <= target_seconds,
            None => (now - self.requested_at) / 1000 <= target_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        let mut c = SlaClock { requested_at: 10_000, ..Default::default() };
        assert_eq!(c.waiting_seconds(40_000), 30);
        assert!(c.within(60, 40_000) && !c.within(20, 40_000));
        c.claimed_at = Some(25_000);
        c.first_reply_at = Some(95_000);
        assert_eq!(c.waiting_seconds(1_000_000), 15);
        assert_eq!(c.first_reply_seconds(), Some(85));
        assert!(!c.within(60, 1_000_000));
    }
}
