//! What the bot knows about a conversation: a fold over its events (plus the facts the customer gave
//! in earlier conversations and a digest of those conversations). Rebuilt from the log whenever it is
//! not cached.

use std::collections::{BTreeMap, BTreeSet};

use komek_handoff::conversation::{PastContact, Role, Turn};
use komek_nlu::Lang;
use komek_nlu::lang::ConversationLanguage;

use crate::events::{Awaiting, ConvState, Event, EventBody};
use crate::store::ConversationRow;

/// Turns kept for handoff decisions and briefs (the full transcript stays in the log).
const MAX_TURNS: usize = 100;

#[derive(Clone, Debug)]
pub struct Memory {
    pub conversation_id: String,
    pub customer_id: String,
    pub session_id: Option<String>,
    pub channel: String,
    pub started_at: i64,
    pub state: ConvState,
    pub lang: ConversationLanguage,
    /// The customer's facts, latest value per name, from all their conversations.
    pub facts: BTreeMap<String, String>,
    /// What the last bot reply asked for.
    pub awaiting: Option<Awaiting>,
    /// Bot replies in a row that could not help (out of scope).
    pub misses: u32,
    pub subscriptions: BTreeSet<String>,
    pub customer_messages: u32,
    pub last_event_id: i64,
    /// Recent messages with what the NLU and the bot made of them.
    pub turns: Vec<Turn>,
    /// The customer's earlier conversations (last 30 days).
    pub past: Vec<PastContact>,
    /// The open handoff and the id of the agent who owns the conversation, if any.
    pub handoff_id: Option<String>,
    pub agent: Option<String>,
    /// The bot answered something that resolves a request (for the goodbye survey).
    pub resolved: bool,
    /// Orders this conversation was about, and whether it went to a person.
    pub own_orders: Vec<String>,
    pub handed_off: bool,
    /// Why the open handoff happened (reason, rule, priority), for rebuilding its brief.
    pub escalation: Option<(String, String, u32)>,
    /// Who the customer is (profile, channels).
    pub customer: komek_handoff::CustomerInfo,
}

/// Reply keys that mean the bot did not understand.
pub const MISS_KEYS: &[&str] = &["oos", "oos_again"];
/// Reply key prefixes that answer a request (rather than ask, greet or fail).
const RESOLVING_KEYS: &[&str] = &[
    "order_status.",
    "refund_status.",
    "return_request.started",
    "change_address.done",
    "notify_me.subscribed",
    "delivery_info",
    "payment_methods",
    "store_hours",
    "account_help",
];

impl Memory {
    pub fn new(conversation: &ConversationRow, default_lang: Lang) -> Self {
        Self {
            conversation_id: conversation.id.clone(),
            customer_id: conversation.customer_id.clone(),
            session_id: conversation.session_id.clone(),
            channel: conversation.channel.clone(),
            started_at: conversation.created_at,
            state: conversation.state,
            lang: ConversationLanguage::new(default_lang, None),
            facts: BTreeMap::new(),
            awaiting: None,
            misses: 0,
            subscriptions: BTreeSet::new(),
            customer_messages: 0,
            last_event_id: 0,
            turns: Vec::new(),
            past: Vec::new(),
            handoff_id: None,
            agent: None,
            resolved: false,
            own_orders: Vec::new(),
            handed_off: false,
            escalation: None,
            customer: komek_handoff::CustomerInfo { id: conversation.customer_id.clone(), ..Default::default() },
        }
    }

    /// Folds `earlier_facts` (fact events of the customer's other conversations) and then the
    /// conversation's own events.
    pub fn rebuild(conversation: &ConversationRow, default_lang: Lang, earlier_facts: &[Event], events: &[Event], past: Vec<PastContact>) -> Self {
        let mut m = Self::new(conversation, default_lang);
        for e in earlier_facts.iter().filter(|e| e.conversation_id != conversation.id) {
            m.apply(e);
        }
        for e in events {
            m.apply(e);
        }
        m.past = past;
        m
    }

    pub fn apply(&mut self, event: &Event) {
        let own = event.conversation_id == self.conversation_id;
        if own {
            self.last_event_id = self.last_event_id.max(event.id);
        }
        match &event.body {
            EventBody::Fact { name, value } => {
                self.facts.insert(name.clone(), value.clone());
                if own && name == "order_id" && !self.own_orders.contains(value) {
                    self.own_orders.push(value.clone());
                }
            }
            _ if !own => {}
            EventBody::CustomerMessage { text, .. } => {
                self.customer_messages += 1;
                self.push_turn(Turn { at: event.at, role: Role::Customer, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::Parse { parse } => {
                if let Some(t) = self.turns.iter_mut().rev().find(|t| t.role == Role::Customer) {
                    t.intent = Some(parse.intent.name.clone());
                    let label = serde_json::to_value(parse.emotion.label).ok().and_then(|v| v.as_str().map(str::to_string));
                    t.emotion = label.map(|l| (l, parse.emotion.score));
                }
            }
            EventBody::Language { state, .. } => self.lang = state.clone(),
            EventBody::BotMessage { text, key, intent, awaiting, proactive, .. } => {
                self.push_turn(Turn { at: event.at, role: Role::Bot, text: text.clone(), intent: intent.clone(), emotion: None, missed: false });
                if *proactive {
                    return;
                }
                self.awaiting = awaiting.clone();
                let missed = MISS_KEYS.contains(&key.as_str());
                self.misses = if missed { self.misses + 1 } else { 0 };
                if RESOLVING_KEYS.iter().any(|k| key.starts_with(k)) {
                    self.resolved = true;
                }
                // The customer turn before this reply: what the bot acted on, and whether it missed.
                if let Some(t) = self.turns.iter_mut().rev().find(|t| t.role == Role::Customer) {
                    if intent.is_some() {
                        t.intent = intent.clone();
                    }
                    t.missed = missed;
                }
            }
            EventBody::AgentMessage { text, .. } => {
                self.push_turn(Turn { at: event.at, role: Role::Agent, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::SystemMessage { text, .. } => {
                self.push_turn(Turn { at: event.at, role: Role::System, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::Subscribed { order_id } => {
                self.subscriptions.insert(order_id.clone());
            }
            EventBody::HandoffRequested { handoff_id, reason, rule, priority } => {
                self.escalation = Some((reason.clone(), rule.clone(), *priority));
                self.handoff_id = Some(handoff_id.clone());
                self.agent = None;
                self.handed_off = true;
            }
            EventBody::AgentJoined { agent_id, .. } => self.agent = Some(agent_id.clone()),
            EventBody::StateChanged { to, .. } => {
                self.state = *to;
                if *to != ConvState::Bot {
                    self.awaiting = None;
                }
                if matches!(to, ConvState::Bot | ConvState::Closed) {
                    self.handoff_id = None;
                    self.agent = None;
                    self.escalation = None;
                    self.misses = 0;
                }
            }
            _ => {}
        }
    }

    fn push_turn(&mut self, turn: Turn) {
        if self.turns.len() == MAX_TURNS {
            self.turns.remove(0);
        }
        self.turns.push(turn);
    }

    /// This conversation as an earlier contact of the customer's next one.
    pub fn as_past_contact(&self) -> PastContact {
        let mut intents: Vec<String> = Vec::new();
        for t in self.turns.iter().filter(|t| t.role == Role::Customer) {
            if let Some(i) = &t.intent
                && !intents.contains(i) {
                    intents.push(i.clone());
                }
        }
        PastContact {
            conversation_id: self.conversation_id.clone(),
            started_at: self.started_at,
            intents,
            order_ids: self.own_orders.clone(),
            handed_off: self.handed_off,
        }
    }
}
