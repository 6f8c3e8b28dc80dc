//! Customer conversations: sessions, a customer's turn from message to logged replies, proactive
//! order updates, the human side (escalation, the agents' queue and actions), and live delivery.
//! Every change is a unit of work in the event log first; the memory kept here is a cache of the
//! fold over that log.
//!
//! A turn, file by file: `sessions` (who is writing) → `turn` (survey answer, command, or language →
//! parse → dialogue → policy in `escalation`) → `unit` (one unit of work, committed with the deliveries
//! the session's channel needs, see `crate::channel`) → live frames.

mod agent_actions;
mod agent_views;
mod commands;
mod escalation;
pub mod hub;
mod notify;
mod privacy;
mod queue;
pub mod rate;
mod sessions;
mod survey;
mod turn;
mod unit;
mod waiting;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use komek_handoff::Policy;
use komek_handoff::queue::QueueInfo;
use komek_handoff::texts::BriefTexts;
use komek_nlu::{Lang, Nlu};

use crate::channel::Live;
use crate::dialogue::{Dialogue, Memory};
use crate::error::BotError;
use crate::store::{ConversationRow, SessionRow, Store};
pub use agent_actions::Finish;
pub use agent_views::{AgentConversation, AgentOverview, ConversationDetail, NoteView, QueueItem};
pub use hub::Hub;
use rate::RateLimiter;
pub use sessions::{Access, NewSession, Profile};
pub use turn::Incoming;
pub use unit::TurnOutcome;
pub(crate) use unit::Unit;

/// How far back earlier conversations count as past contacts.
const PAST_CONTACT_WINDOW_MS: i64 = 30 * 86_400_000;
/// Customers whose lock (and cached memory) are kept; beyond it, slots nobody holds are dropped and
/// their memory is rebuilt from the log on next use.
const MAX_SLOTS: usize = 50_000;
/// Sessions kept in the authentication cache; beyond it the cache starts over.
const MAX_CACHED_SESSIONS: usize = 50_000;

/// `/link CODE` attempts a session may make (then one per ten minutes). There is no budget shared
/// by all sessions: one client could spend it and switch linking off for everyone, and it is not
/// needed — a guess must hit a live code's 25-bit selector and then its 25-bit verifier within three
/// tries, and sessions are limited per address.
const LINK_ATTEMPTS_PER_SESSION: u32 = 5;

/// Orders new to the customer one client (address or Telegram chat) may be shown: a burst, then
/// one every ten minutes. A customer checks a few; a walk through the numbers needs hundreds.
const ORDER_LOOKUPS_BURST: u32 = 10;
const ORDER_LOOKUPS_PER_SECOND: f64 = 1.0 / 600.0;
/// The reply when that limit is reached.
pub(crate) const ORDERS_LIMITED: &str = "orders_limited";

/// Times a unit of work is decided again after another node wrote to the customer meanwhile.
const STALE_RETRIES: usize = 8;

/// One customer's cached memory, locked for the whole of a turn so their messages (from every
/// channel, after linking) are handled in the order they arrive.
type Slot = Arc<tokio::sync::Mutex<Option<Memory>>>;

pub struct Chat {
    pub store: Store,
    pub nlu: Arc<Nlu>,
    pub dialogue: Arc<Dialogue>,
    pub handoff: HandoffSettings,
    /// Live deliveries: the hub of open sockets and the outbox worker's wake-up.
    pub live: Live,
    limiter: RateLimiter,
    /// `/link CODE` attempts per presenting session.
    link_limits: RateLimiter,
    /// Orders new to the customer shown per client.
    order_lookups: RateLimiter,
    /// "The customer is typing" frames per session.
    typing_limits: RateLimiter,
    default_lang: Lang,
    slots: Mutex<HashMap<String, Slot>>,
    /// Session rows by id, with when they were read.
    sessions: Mutex<HashMap<String, (SessionRow, i64)>>,
    /// Open agent WebSockets per agent id: who is online.
    presence: Mutex<HashMap<String, usize>>,
    /// A waiting customer is told about a change in the queue at most once in this many ms.
    queue_update_ms: i64,
    /// Per queued handoff: the standing last shown on the widget's status line, and the one last
    /// told in a message (a cache of the log's `queue_told` events).
    queue_pushed: Mutex<HashMap<String, QueueInfo>>,
    queue_told: Mutex<HashMap<String, (QueueInfo, i64)>>,
    /// This process among the nodes of its database.
    pub node: crate::cluster::Node,
    /// This node's consoles opened or closed: its presence row is written again.
    pub(crate) presence_dirty: tokio::sync::Notify,
    /// Another node changed the queue: this node's consoles get theirs again.
    pub(crate) queue_heard: tokio::sync::Notify,
}

/// The handoff policy and the brief's words per language, from `models/content`.
pub struct HandoffSettings {
    pub policy: Policy,
    pub texts: HashMap<Lang, BriefTexts>,
}

impl Chat {
    pub fn new(store: Store, nlu: Arc<Nlu>, dialogue: Arc<Dialogue>, handoff: HandoffSettings, rate_burst: u32, rate_per_second: f64) -> Self {
        let default_lang = nlu.default_lang;
        Self {
            store,
            nlu,
            dialogue,
            handoff,
            live: Live::default(),
            presence: Mutex::new(HashMap::new()),
            limiter: RateLimiter::new(rate_burst, rate_per_second),
            link_limits: RateLimiter::new(LINK_ATTEMPTS_PER_SESSION, 1.0 / 600.0),
            order_lookups: RateLimiter::new(ORDER_LOOKUPS_BURST, ORDER_LOOKUPS_PER_SECOND),
            typing_limits: RateLimiter::new(2, 0.5),
            default_lang,
            slots: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            queue_update_ms: 60_000,
            queue_pushed: Mutex::new(HashMap::new()),
            queue_told: Mutex::new(HashMap::new()),
            node: crate::cluster::Node { id: "local".into(), shared: false },
            presence_dirty: tokio::sync::Notify::new(),
            queue_heard: tokio::sync::Notify::new(),
        }
    }

    /// The node this chat runs on (shared with other nodes when its database is PostgreSQL).
    pub fn on_node(mut self, node: crate::cluster::Node) -> Self {
        self.node = node;
        self
    }

    /// What another node told this one.
    pub(crate) fn heard(&self, notice: crate::cluster::Notice) {
        use crate::cluster::Notice;
        match notice {
            Notice::Frame { to, frame } => self.live.hub.publish(&to, Arc::from(frame)),
            Notice::Outbox => self.live.outbox_wake.notify_one(),
            Notice::Queue => self.queue_heard.notify_one(),
            Notice::Presence => self.presence_heard(),
            Notice::Evict { customers, sessions } => self.evict_here(&customers, &sessions),
            Notice::Stored { .. } => {}
        }
    }

    /// This node may have missed notices (its listening connection was lost): cached sessions are
    /// read again, and every live client re-reads what it has not seen.
    pub(crate) fn caught_up_after_gap(&self) {
        self.sessions.lock().expect("session cache").clear();
        self.live.hub.publish_all(Arc::from(r#"{"type":"resync"}"#));
        self.queue_heard.notify_one();
        self.live.outbox_wake.notify_one();
    }

    /// Tells waiting customers about a change in the queue at most once in `seconds`.
    pub fn with_queue_updates(mut self, seconds: u64) -> Self {
        self.queue_update_ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        self
    }

    /// The queue changed (a handoff came, went or was taken; an agent came or went): agents get
    /// their queues and waiting customers where they stand.
    /// Returns where every waiting handoff now stands.
    pub async fn queue_changed(&self) -> HashMap<String, QueueInfo> {
        self.live.bus.send(crate::cluster::Notice::Queue);
        self.refresh_queues().await;
        self.tell_waiting().await
    }

    pub fn hub(&self) -> &Hub {
        &self.live.hub
    }

    pub fn allow_message(&self, session_id: &str) -> bool {
        self.limiter.allow(session_id)
    }

    /// The cached memory of the session's current conversation, or the log's.
    async fn session_memory(&self, cached: &mut Option<Memory>, session: &SessionRow) -> Result<Memory, BotError> {
        match cached.take().filter(|m| m.session_id.as_deref() == Some(session.id.as_str())) {
            Some(m) => Ok(m),
            None => {
                let conv = self
                    .store
                    .current_conversation_of_session(&session.id)
                    .await?
                    .ok_or(BotError::NotFound("the session has no conversation"))?;
                self.load_memory(&conv).await
            }
        }
    }

    /// The cached memory of a conversation, or the log's.
    async fn conversation_memory(&self, cached: &mut Option<Memory>, conv: &ConversationRow) -> Result<Memory, BotError> {
        match cached.take().filter(|m| m.conversation_id == conv.id) {
            Some(m) => Ok(m),
            None => self.load_memory(conv).await,
        }
    }

    /// Rebuilds a conversation's memory from the log.
    async fn load_memory(&self, conv: &ConversationRow) -> Result<Memory, BotError> {
        // Before the log: the memory is then at least as current as the count it carries.
        let seq = self.store.turn_seq(&conv.customer_id).await?;
        let facts = self.store.customer_facts(&conv.customer_id).await?;
        let events = self.store.conversation_events(&conv.id).await?;
        let past = self.store.past_contacts(&conv.customer_id, &conv.id, conv.created_at - PAST_CONTACT_WINDOW_MS).await?;
        let mut memory = Memory::rebuild(conv, self.default_lang, &facts, &events, past);
        memory.customer = self.store.customer_info(&conv.customer_id).await?;
        memory.seq = seq;
        Ok(memory)
    }

    /// Whether `conv` is the latest conversation of its session (only that one's memory is cached).
    async fn is_current(&self, conv: &ConversationRow) -> Result<bool, BotError> {
        let Some(session_id) = &conv.session_id else { return Ok(true) };
        Ok(self.store.current_conversation_of_session(session_id).await?.is_some_and(|c| c.id == conv.id))
    }

    /// Runs `once` (which locks the customer, reads their memory, decides and commits) again while it
    /// loses to a write made meanwhile by another node: each try re-reads the log, so two nodes'
    /// units on one customer are applied one after the other, each decided on what the other did.
    pub(crate) async fn again<T, F, Fut>(&self, mut once: F) -> Result<T, BotError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, BotError>>,
    {
        let mut tries = 0;
        loop {
            match once().await {
                Err(e) if e.is_stale() && tries < STALE_RETRIES => {
                    tries += 1;
                    tracing::debug!(tries, "the customer's conversation changed meanwhile; deciding again");
                }
                done => return done,
            }
        }
    }

    fn slot(&self, customer_id: &str) -> Slot {
        let mut slots = self.slots.lock().expect("slot lock");
        if slots.len() >= MAX_SLOTS {
            // Only slots nobody is using right now are dropped; their memory reloads from the log.
            slots.retain(|_, s| Arc::strong_count(s) > 1);
        }
        slots.entry(customer_id.to_string()).or_default().clone()
    }
}

/// `kk-KZ`, `ru`, `zh-Hans-CN` → the language, if shipped.
pub fn locale_lang(locale: &str) -> Option<Lang> {
    let primary = locale.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    Lang::from_code(&primary)
}
