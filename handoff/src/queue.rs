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
/// Urgency points for waiting as long as the service-level target: a customer at the target has
/// gained this much on one who just arrived, so waiting soon outweighs a difference in priority.
const POINTS_PER_TARGET: f64 = 30.0;

/// How soon a handoff should be taken: the policy's priority plus the time waited, measured against
/// the service-level target (`target_seconds`). It grows with both, so a customer who has waited
/// longer with a higher priority is never behind a newer, lower one.
pub fn urgency(w: &Waiting, target_seconds: f64, now: i64) -> u32 {
    let waited = (now - w.requested_at).max(0) as f64 / 1000.0;
    w.priority + (POINTS_PER_TARGET * waited / target_seconds.max(1.0)) as u32
}

/// Why a handoff stands where it does in the queue, for the card ("why here").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// The policy's priority.
    pub priority: u32,
    /// Priority and waiting combined; the queue is sorted by it.
    pub urgency: u32,
    pub waiting_seconds: i64,
    pub target_seconds: i64,
}

impl Standing {
    pub fn of(w: &Waiting, target_seconds: f64, now: i64) -> Self {
        Self {
            priority: w.priority,
            urgency: urgency(w, target_seconds, now),
            waiting_seconds: (now - w.requested_at).max(0) / 1000,
            target_seconds: target_seconds as i64,
        }
    }
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

/// More urgent first; among equals, who waited longest.
fn by_urgency(a: &Waiting, b: &Waiting, target_seconds: f64, now: i64) -> std::cmp::Ordering {
    urgency(b, target_seconds, now)
        .cmp(&urgency(a, target_seconds, now))
        .then_with(|| a.requested_at.cmp(&b.requested_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// The handoffs `agent` should see, in the order to take them: their languages first, then by
/// urgency. Handoffs offered to a colleague stay hidden until the offer expires. Supervisors see
/// everything.
pub fn order_for<'a>(agent: &AgentLoad, supervisor: bool, waiting: &'a [Waiting], target_seconds: f64, now: i64) -> Vec<&'a Waiting> {
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
        agent.speaks(&b.language).cmp(&agent.speaks(&a.language)).then_with(|| by_urgency(a, b, target_seconds, now))
    });
    visible
}

/// The customer's place among handoffs in the same language (1 = next), in the order agents of
/// that language see them; 0 when the handoff is not waiting.
pub fn position(id: &str, waiting: &[Waiting], target_seconds: f64, now: i64) -> usize {
    let Some(me) = waiting.iter().find(|w| w.id == id) else { return 0 };
    let mut same: Vec<&Waiting> = waiting.iter().filter(|w| w.language == me.language).collect();
    same.sort_by(|a, b| by_urgency(a, b, target_seconds, now));
    same.iter().position(|w| w.id == id).map_or(0, |p| p + 1)
}

/// What a waiting customer is told about the queue (API.md: the `queue` object).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueInfo {
    /// 1 = next among customers of the same language.
    pub position: u32,
    /// `None` while nobody who speaks the language is online: no honest estimate exists.
    pub expected_wait_seconds: Option<u32>,
    pub agents_online_for_language: u32,
}

impl QueueInfo {
    /// The expected wait in whole minutes (at least one), for messages.
    pub fn minutes(&self) -> Option<u32> {
        self.expected_wait_seconds.map(|s| s.div_ceil(60).max(1))
    }

    /// Whether the customer should be told again: their place moved, agents of their language came
    /// or went, or the expected wait changed by a lot.
    pub fn differs_materially(&self, told: &QueueInfo) -> bool {
        let wait_moved = match (self.minutes(), told.minutes()) {
            (Some(a), Some(b)) => a.abs_diff(b) >= 2 && a.abs_diff(b) * 2 >= a.max(b),
            (a, b) => a.is_some() != b.is_some(),
        };
        self.position != told.position || (self.agents_online_for_language > 0) != (told.agents_online_for_language > 0) || wait_moved
    }
}

/// How fast handoffs have recently been taken and handled, for the wait estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    /// From the request to an agent's claim, when an agent is free.
    pub claim_seconds: f64,
    /// From the claim to the end of the conversation with the agent.
    pub handle_seconds: f64,
}

impl Default for Pace {
    fn default() -> Self {
        Self { claim_seconds: 60.0, handle_seconds: 300.0 }
    }
}

/// Estimates are rounded up to this many seconds, so they do not flicker.
const ESTIMATE_STEP_SECONDS: f64 = 30.0;

/// Where the waiting handoff `id` stands and how long it should take, from the live queue, the
/// agents online and the recent pace. Customers ahead are taken first by free agents (one claim
/// after another per agent), then as conversations end (every `handle_seconds / capacity` per
/// agent). The estimate never falls as the position grows.
pub fn queue_info(id: &str, waiting: &[Waiting], agents: &[AgentLoad], pace: Pace, target_seconds: f64, now: i64) -> Option<QueueInfo> {
    let me = waiting.iter().find(|w| w.id == id)?;
    let place = position(id, waiting, target_seconds, now).max(1) as u32;
    let speakers: Vec<&AgentLoad> = agents.iter().filter(|a| a.online && a.speaks(&me.language)).collect();
    let n = speakers.len() as u32;
    let expected_wait_seconds = (n > 0).then(|| {
        let free: u32 = speakers.iter().map(|a| a.capacity.saturating_sub(a.active)).sum();
        let slots: u32 = speakers.iter().map(|a| a.capacity).sum::<u32>().max(1);
        let claims = place.min(free).div_ceil(n).max(1);
        let after_ends = place.saturating_sub(free);
        let seconds = pace.claim_seconds * f64::from(claims) + pace.handle_seconds * f64::from(after_ends) / f64::from(slots);
        ((seconds / ESTIMATE_STEP_SECONDS).ceil() * ESTIMATE_STEP_SECONDS) as u32
    });
    Some(QueueInfo { position: place, expected_wait_seconds, agents_online_for_language: n })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 60.0;

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
        assert_eq!(ids(order_for(&kk, false, &list, T, 1_000)), ["h1", "h2"]);
        assert_eq!(ids(order_for(&ru, false, &list, T, 1_000)), ["h2"]);
        assert_eq!(ids(order_for(&ru, false, &list, T, OFFER_MS)), ["h2", "h1"], "own language first once visible");
        assert_eq!(ids(order_for(&ru, true, &list, T, 1_000)).len(), 2, "supervisors see all");
    }

    #[test]
    fn priority_and_waiting_against_the_target() {
        let list = [waiting("low", "ru", 40, 0), waiting("high", "ru", 75, 60_000), waiting("old", "ru", 40, -180_000)];
        let ru = agent("ru1", &["ru"], 0);
        let order: Vec<&str> = order_for(&ru, false, &list, T, 60_000).iter().map(|w| w.id.as_str()).collect();
        assert_eq!(order, ["old", "high", "low"], "four minutes of waiting outweigh 35 points, one does not");
        assert_eq!(position("low", &list, T, 60_000), 3);
        assert_eq!(position("nobody", &list, T, 60_000), 0);
    }

    #[test]
    fn a_newer_lower_request_is_never_ahead_of_an_older_higher_one() {
        // The walk-through's case: an upset customer (89, 56 s) and a new Kazakh request (50, 2 s)
        // offered to this bilingual agent.
        let mut kk = waiting("kk", "kk", 50, 54_000);
        kk.offered_to = Some("a1".into());
        kk.offered_at = Some(54_000);
        let list = [kk, waiting("upset", "ru", 89, 0)];
        let agent = agent("a1", &["ru", "kk"], 0);
        let order: Vec<&str> = order_for(&agent, false, &list, T, 56_000).iter().map(|w| w.id.as_str()).collect();
        assert_eq!(order, ["upset", "kk"]);
        for p in [0, 20, 50, 90] {
            for waited in [0_i64, 10_000, 120_000] {
                let a = Waiting { priority: p + 1, requested_at: -waited - 1, ..waiting("a", "ru", 0, 0) };
                let b = Waiting { priority: p, requested_at: -waited, ..waiting("b", "ru", 0, 0) };
                assert!(urgency(&a, T, 0) >= urgency(&b, T, 0));
            }
        }
    }

    #[test]
    fn estimates_follow_the_queue() {
        let list = [waiting("h1", "ru", 50, 0), waiting("h2", "ru", 50, 1_000), waiting("h3", "ru", 50, 2_000), waiting("k", "kk", 50, 0)];
        let pace = Pace { claim_seconds: 40.0, handle_seconds: 300.0 };
        let one = [AgentLoad { capacity: 1, ..agent("ru1", &["ru"], 0) }];
        let infos: Vec<QueueInfo> = ["h1", "h2", "h3"].iter().map(|id| queue_info(id, &list, &one, pace, T, 3_000).unwrap()).collect();
        assert_eq!(infos.iter().map(|i| i.position).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(infos[0].expected_wait_seconds, Some(60), "a free agent: one claim, rounded up to 30 s");
        assert_eq!(infos[1].expected_wait_seconds, Some(360), "then one conversation's length per customer ahead");
        assert_eq!(infos[2].expected_wait_seconds, Some(660));
        assert!(infos.iter().all(|i| i.agents_online_for_language == 1));
        let kk = queue_info("k", &list, &one, pace, T, 3_000).unwrap();
        assert_eq!((kk.position, kk.expected_wait_seconds, kk.agents_online_for_language), (1, None, 0), "nobody speaks Kazakh");
        assert_eq!(queue_info("gone", &list, &one, pace, T, 3_000), None);
        assert!(infos[1].differs_materially(&infos[0]));
        assert!(!infos[0].differs_materially(&QueueInfo { expected_wait_seconds: Some(90), ..infos[0] }), "30 s more is no news");
        assert!(kk.differs_materially(&QueueInfo { agents_online_for_language: 1, expected_wait_seconds: Some(60), ..kk }));
    }
}
