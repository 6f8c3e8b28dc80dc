//! What the bot knows about a conversation: a fold over its events (plus the facts the customer gave
//! in earlier conversations). Rebuilt from the log whenever it is not cached.

use std::collections::{BTreeMap, BTreeSet};

use komek_nlu::Lang;
use komek_nlu::lang::ConversationLanguage;

use crate::events::{Awaiting, ConvState, Event, EventBody};
use crate::store::ConversationRow;

#[derive(Clone, Debug)]
pub struct Memory {
    pub conversation_id: String,
    pub customer_id: String,
    pub session_id: Option<String>,
    pub channel: String,
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
}

/// Reply keys that mean the bot did not understand.
const MISS_KEYS: &[&str] = &["oos", "oos_again"];

impl Memory {
    pub fn new(conversation: &ConversationRow, default_lang: Lang) -> Self {
        Self {
            conversation_id: conversation.id.clone(),
            customer_id: conversation.customer_id.clone(),
            session_id: conversation.session_id.clone(),
            channel: conversation.channel.clone(),
            state: conversation.state,
            lang: ConversationLanguage::new(default_lang, None),
            facts: BTreeMap::new(),
            awaiting: None,
            misses: 0,
            subscriptions: BTreeSet::new(),
            customer_messages: 0,
            last_event_id: 0,
        }
    }

    /// Folds `earlier_facts` (fact events of the customer's other conversations) and then the
    /// conversation's own events.
    pub fn rebuild(conversation: &ConversationRow, default_lang: Lang, earlier_facts: &[Event], events: &[Event]) -> Self {
        let mut m = Self::new(conversation, default_lang);
        for e in earlier_facts.iter().filter(|e| e.conversation_id != conversation.id) {
            m.apply(&e.body);
        }
        for e in events {
            m.apply(&e.body);
            m.last_event_id = m.last_event_id.max(e.id);
        }
        m
    }

    pub fn apply(&mut self, body: &EventBody) {
        match body {
            EventBody::CustomerMessage { .. } => self.customer_messages += 1,
            EventBody::Language { state, .. } => self.lang = state.clone(),
            EventBody::BotMessage { key, awaiting, proactive: false, .. } => {
                self.awaiting = awaiting.clone();
                self.misses = if MISS_KEYS.contains(&key.as_str()) { self.misses + 1 } else { 0 };
            }
            EventBody::Fact { name, value } => {
                self.facts.insert(name.clone(), value.clone());
            }
            EventBody::Subscribed { order_id } => {
                self.subscriptions.insert(order_id.clone());
            }
            EventBody::StateChanged { to, .. } => {
                self.state = *to;
                if *to != ConvState::Bot {
                    self.awaiting = None;
                }
            }
            _ => {}
        }
    }
}
