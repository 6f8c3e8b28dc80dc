//! The queue: which handoffs an agent sees and in which order, and who a new handoff is offered to.
//! A handoff is first offered to the best-placed agent (speaks the language, online, has capacity,
//! least busy); after a while, or when nobody fits, every agent sees it.

use serde::{Deserialize, Serialize};

/// A waiting handoff as the queue needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub id: String,
    pub language: String,
    /// From the policy; waiting time is added on top.
    pub priority: u32,
    /// Unix milliseconds.
    pub requested_at: i64,
    /// The agent it is offered to first, and when.
    pub offered_to: Option<String>,
    pub offered_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentLoad {
    pub id: String,
    pub languages: Vec<String>,
    pub online: bool,
    /// Conversations the agent owns now.
    pub active: u32,
    /// At most this many at once.
    pub capacity: u32,
}

impl AgentLoad {
    pub fn speaks(&self, language: &str) -> bool {
        self.languages.iter().any(|l| l == language)
    }
    fn free(&self) -> bool {
        self.online && self.active < self.capacity
    }
}

/// How long a handoff stays offered to one agent before everyone sees it.
pub const OFFER_MS: i64 = 45_000;
/// Priority points per minute of waiting, so nobody waits forever behind urgent cases.
const POINTS_PER_MINUTE: f64 = 2.0;

/// The priority now: the policy's plus time waited.
pub fn effective_priority(w: &Waiting, now: i64) -> u32 {
    let minutes = (now - w.requested_at).max(0) as f64 / 60_000.0;
    w.priority + (minutes * POINTS_PER_MINUTE) as u32
}

/// The agent to offer a new handoff to, if any fits.
pub fn route(language: &str, agents: &[AgentLoad]) -> Option<String> {
    agents
        .iter()
        .filter(|a| a.free() && a.speaks(language))
        .min_by(|a, b| {
            let load = |x: &AgentLoad| f64::from(x.active) / f64::from(x.capacity.max(1));
            load(a).total_cmp(&load(b)).then_with(|| a.id.cmp(&b.id))
        })
        .map(|a| a.id.clone())
}

/// Whether any online agent speaks the language (to tell the customer honestly).
pub fn someone_speaks(language: &str, agents: &[AgentLoad]) -> bool {
    agents.iter().any(|a| a.online && a.speaks(language))
}

/// The handoffs `agent` should see, in the order to take them: offered to them first, then their
/// languages, then priority (with waiting time), then who waited longest. Handoffs offered to a
/// colleague stay hidden until the offer expires. Supervisors see everything.
pub fn order_for<'a>(agent: &AgentLoad, supervisor: bool, waiting: &'a [Waiting], now: i64) -> Vec<&'a Waiting> {
    let mut visible: Vec<&Waiting> = waiting
        .iter()
        .filter(|w| {
            supervisor
                || match (&w.offered_to, w.offered_at) {
                    (Some(to), Some(at)) => to == &agent.id || now - at >= OFFER_MS,
                    _ => true,
                }
        })
        .collect();
    visible.sort_by(|a, b| {
        let mine = |w: &Waiting| w.offered_to.as_deref() == Some(agent.id.as_str());
        mine(b)
            .cmp(&mine(a))
            .then_with(|| agent.speaks(&b.language).cmp(&agent.speaks(&a.language)))
            .then_with(|| effective_priority(b, now).cmp(&effective_priority(a, now)))
            .then_with(|| a.requested_at.cmp(&b.requested_at))
            .then_with(|| a.id.cmp(&b.id))
    });
    visible
}

/// The customer's place among handoffs in the same language (1 = next).
pub fn position(id: &str, waiting: &[Waiting], now: i64) -> usize {
    let Some(me) = waiting.iter().find(|w| w.id == id) else { return 0 };
    let mut same: Vec<&Waiting> = waiting.iter().filter(|w| w.language == me.language).collect();
    same.sort_by(|a, b| {
        effective_priority(b, now).cmp(&effective_priority(a, now)).then_with(|| a.requested_at.cmp(&b.requested_at))
    });
    same.iter().position(|w| w.id == id).map_or(0, |p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, langs: &[&str], active: u32) -> AgentLoad {
        AgentLoad { id: id.into(), languages: langs.iter().map(|l| l.to_string()).collect(), online: true, active, capacity: 3 }
    }

    fn waiting(id: &str, lang: &str, priority: u32, at: i64) -> Waiting {
        Waiting { id: id.into(), language: lang.into(), priority, requested_at: at, offered_to: None, offered_at: None }
    }

    #[test]
    fn routes_to_a_free_agent_who_speaks_the_language() {
        let agents = [agent("ru1", &["ru"], 0), agent("kk1", &["kk", "ru"], 2), agent("kk2", &["kk"], 1)];
        assert_eq!(route("kk", &agents).as_deref(), Some("kk2"), "the least busy Kazakh speaker");
        assert_eq!(route("en", &agents), None);
        let full = [agent("kk1", &["kk"], 3)];
        assert_eq!(route("kk", &full), None, "capacity is respected");
        let mut offline = agent("kk1", &["kk"], 0);
        offline.online = false;
        assert!(!someone_speaks("kk", &[offline]));
    }

    #[test]
    fn offered_handoffs_are_hidden_from_colleagues_until_the_offer_expires() {
        let mut w = waiting("h1", "kk", 70, 0);
        w.offered_to = Some("kk1".into());
        w.offered_at = Some(0);
        let list = [w, waiting("h2", "ru", 50, 0)];
        let ru = agent("ru1", &["ru"], 0);
        let kk = agent("kk1", &["kk"], 0);
        let ids = |v: Vec<&Waiting>| v.iter().map(|w| w.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(order_for(&kk, false, &list, 1_000)), ["h1", "h2"]);
        assert_eq!(ids(order_for(&ru, false, &list, 1_000)), ["h2"]);
        assert_eq!(ids(order_for(&ru, false, &list, OFFER_MS)), ["h2", "h1"], "own language first once visible");
        assert_eq!(ids(order_for(&ru, true, &list, 1_000)).len(), 2, "supervisors see all");
    }

    #[test]
    fn priority_then_waiting_time() {
        let list = [waiting("low", "ru", 40, 0), waiting("high", "ru", 70, 60_000), waiting("old", "ru", 40, -3_600_000)];
        let ru = agent("ru1", &["ru"], 0);
        let order: Vec<&str> = order_for(&ru, false, &list, 60_000).iter().map(|w| w.id.as_str()).collect();
        assert_eq!(order, ["old", "high", "low"], "an hour of waiting outweighs 30 points");
        assert_eq!(position("low", &list, 60_000), 3);
    }
}
