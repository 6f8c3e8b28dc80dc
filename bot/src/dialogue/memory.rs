//! What the bot knows about a conversation: a fold over its events (plus the facts the customer gave
//! in earlier conversations and a digest of those conversations). Rebuilt from the log whenever it is
//! not cached.

use std::collections::{BTreeMap, BTreeSet};

use komek_handoff::conversation::{Conversation, PastContact, Role, Turn};
use komek_handoff::queue::QueueInfo;
use komek_handoff::{CustomerInfo, Escalation};
use komek_nlu::Lang;
use komek_nlu::lang::ConversationLanguage;

use crate::channel::Channel;
use crate::events::{Awaiting, ConvState, Event, EventBody};
use crate::store::ConversationRow;

/// Turns kept for handoff decisions and briefs (the full transcript stays in the log).
const MAX_TURNS: usize = 100;

#[derive(Clone, Debug)]
pub struct Memory {
    pub conversation_id: String,
    pub customer_id: String,
    pub session_id: Option<String>,
    pub channel: Channel,
    pub started_at: i64,
    pub state: ConvState,
    pub lang: ConversationLanguage,
    /// The customer's facts, latest value per name, from all their conversations.
    pub facts: BTreeMap<String, String>,
    /// What the last bot reply asked for.
    pub awaiting: Option<Awaiting>,
    /// Bot replies in a row that could not help (out of scope, an answer the customer rejected…).
    pub misses: u32,
    /// The reply key and intent of the bot's last answer, while it is the latest thing the bot said
    /// (a follow-up or "that's not it" refers to it).
    pub last_answer: Option<(String, Option<String>)>,
    pub subscriptions: BTreeSet<String>,
    pub customer_messages: u32,
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
    /// Why the open handoff happened, for keeping its brief current.
    pub escalation: Option<Escalation>,
    /// Who the customer is (profile, channels).
    pub customer: CustomerInfo,
    /// What the customer was last told about the queue while waiting, and when.
    pub queue_told: Option<(QueueInfo, i64)>,
    /// The customer's count of units of work when this memory was read (see `CustomerWrite::Turn`).
    pub seq: i64,
}

/// Reply keys that mean the bot did not understand or could not help, and reply key prefixes that
/// answer a request (rather than ask, greet or fail): one list with the quality scorecard's.
pub use komek_handoff::quality::{MISS_KEYS, RESOLVING_KEYS};

/// Reply keys that neither count as a miss nor break a run of misses: the bot acknowledges, asks
/// what was meant, or says which languages it speaks.
const NEUTRAL_KEYS: &[&str] = &["ack", "withdrawn", "clarify", "clarify_noise", "unsupported_language"];

impl Memory {
    pub fn new(conversation: &ConversationRow, default_lang: Lang) -> Self {
        Self {
            conversation_id: conversation.id.clone(),
            customer_id: conversation.customer_id.clone(),
            session_id: conversation.session_id.clone(),
            channel: conversation.channel,
            started_at: conversation.created_at,
            state: conversation.state,
            lang: ConversationLanguage::new(default_lang, None),
            facts: BTreeMap::new(),
            awaiting: None,
            misses: 0,
            last_answer: None,
            subscriptions: BTreeSet::new(),
            customer_messages: 0,
            turns: Vec::new(),
            past: Vec::new(),
            handoff_id: None,
            agent: None,
            resolved: false,
            own_orders: Vec::new(),
            handed_off: false,
            escalation: None,
            customer: CustomerInfo { id: conversation.customer_id.clone(), ..Default::default() },
            queue_told: None,
            seq: 0,
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

    /// Folds one stored event.
    pub fn apply(&mut self, event: &Event) {
        self.fold(&event.conversation_id, event.at, &event.body);
    }

    /// Folds an event of `conversation_id` at `at` (a fact from another conversation of the
    /// customer only adds the fact). The one step that turns events into memory: rebuilding from the
    /// log and a turn's new events both come through here.
    pub fn fold(&mut self, conversation_id: &str, at: i64, body: &EventBody) {
        let own = conversation_id == self.conversation_id;
        match body {
            EventBody::Fact { name, value } => {
                self.facts.insert(name.clone(), value.clone());
                if own && name == "order_id" && !self.own_orders.contains(value) {
                    self.own_orders.push(value.clone());
                }
            }
            _ if !own => {}
            EventBody::CustomerMessage { text, .. } => {
                self.customer_messages += 1;
                self.push_turn(Turn { at, role: Role::Customer, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::Parse { parse } => {
                if let Some(t) = self.turns.iter_mut().rev().find(|t| t.role == Role::Customer) {
                    t.intent = Some(parse.intent.name.clone());
                    t.emotion = Some(parse.emotion);
                }
            }
            EventBody::Language { state, .. } => self.lang = state.clone(),
            EventBody::BotMessage { text, key, intent, awaiting, proactive, .. } => {
                self.push_turn(Turn { at, role: Role::Bot, text: text.clone(), intent: intent.clone(), emotion: None, missed: false });
                if *proactive {
                    return;
                }
                self.awaiting = awaiting.clone();
                let missed = MISS_KEYS.contains(&key.as_str());
                let neutral = NEUTRAL_KEYS.contains(&key.as_str());
                if missed {
                    self.misses += 1;
                } else if !neutral {
                    self.misses = 0;
                }
                let answer = RESOLVING_KEYS.iter().any(|k| key.starts_with(k));
                if answer {
                    self.resolved = true;
                    self.last_answer = Some((key.clone(), intent.clone()));
                } else if !neutral {
                    self.last_answer = None;
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
                self.push_turn(Turn { at, role: Role::Agent, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::SystemMessage { text, .. } => {
                self.push_turn(Turn { at, role: Role::System, text: text.clone(), intent: None, emotion: None, missed: false });
            }
            EventBody::Subscribed { order_id } => {
                self.subscriptions.insert(order_id.clone());
            }
            EventBody::HandoffRequested { handoff_id, reason, rule, priority } => {
                self.escalation = Some(Escalation { reason: *reason, rule: rule.clone(), priority: *priority, vip: false });
                self.handoff_id = Some(handoff_id.clone());
                self.agent = None;
                self.handed_off = true;
            }
            EventBody::AgentJoined { agent_id, .. } => self.agent = Some(agent_id.clone()),
            EventBody::QueueTold { queue } => self.queue_told = Some((*queue, at)),
            EventBody::StateChanged { to, .. } => {
                self.state = *to;
                // A survey asked with the goodbye outlives the close: the answer belongs to it.
                let survey = self.awaiting.as_ref().is_some_and(|a| a.intent == super::SURVEY);
                if *to != ConvState::Bot && !(*to == ConvState::Closed && survey) {
                    self.awaiting = None;
                }
                if *to != ConvState::WaitingAgent {
                    self.queue_told = None;
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

    /// The memory of the customer's next conversation after this one closed: a fresh conversation
    /// that keeps their language, facts, profile and history.
    pub fn next_conversation(&self, conversation: &ConversationRow) -> Self {
        let mut next = Self::new(conversation, self.lang.current());
        next.lang = self.lang.clone();
        next.facts = self.facts.clone();
        next.customer = self.customer.clone();
        next.past = self.past.clone();
        next.past.push(self.as_past_contact());
        next.seq = self.seq;
        next
    }

    /// The conversation as the handoff policy and the brief read it.
    pub fn view(&self, now: i64) -> Conversation<'_> {
        Conversation {
            language: self.lang.current().code(),
            channel: self.channel.as_str(),
            turns: &self.turns,
            facts: &self.facts,
            customer: &self.customer,
            past: &self.past,
            now,
        }
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

#[cfg(test)]
mod tests {
    use komek_handoff::Reason;
    use komek_nlu::emotion::{Emotion, EmotionLabel};
    use komek_nlu::lang::Switch;
    use komek_nlu::parse::{EscalationHint as Hint, LangResult, Scored};
    use komek_nlu::Parse;

    use super::*;

    fn conversation(id: &str) -> ConversationRow {
        ConversationRow {
            id: id.into(),
            customer_id: "u_1".into(),
            session_id: Some("s_1".into()),
            channel: Channel::Web,
            state: ConvState::Bot,
            created_at: 1_000,
        }
    }

    fn event(conversation: &str, id: i64, body: EventBody) -> Event {
        Event { id, conversation_id: conversation.into(), actor: body.actor().into(), at: id * 1_000, body }
    }

    fn parse(intent: &str, emotion: EmotionLabel) -> Parse {
        Parse {
            lang: LangResult { code: Lang::Ru, confidence: 0.9, romanized: false, unsupported: None },
            intent: Scored { name: intent.into(), confidence: 0.9, threshold: None },
            ranking: vec![],
            entities: vec![],
            emotion: Emotion { label: emotion, score: 0.8 },
            escalate: Hint { needed: false, reason: None },
            form: Default::default(),
        }
    }

    fn said(text: &str) -> EventBody {
        EventBody::CustomerMessage { text: text.into(), lang: Lang::Ru, button: None, attachment: None }
    }

    fn bot(key: &str, intent: Option<&str>, awaiting: Option<Awaiting>) -> EventBody {
        EventBody::BotMessage {
            text: format!("reply {key}"),
            lang: Lang::Ru,
            key: key.into(),
            intent: intent.map(Into::into),
            buttons: vec![],
            awaiting,
            proactive: false,
        }
    }

    #[test]
    fn a_turn_folds_into_what_the_bot_knows() {
        let awaiting = Awaiting { intent: "order_status".into(), slot: "order_id".into() };
        let events = vec![
            event("c_1", 1, said("где мой заказ")),
            event("c_1", 2, EventBody::Parse { parse: Box::new(parse("order_status", EmotionLabel::Upset)) }),
            event("c_1", 3, bot("ask_order_id", Some("order_status"), Some(awaiting.clone()))),
        ];
        let m = Memory::rebuild(&conversation("c_1"), Lang::Ru, &[], &events, vec![]);
        assert_eq!(m.customer_messages, 1);
        assert_eq!(m.awaiting, Some(awaiting));
        assert_eq!(m.turns.len(), 2);
        let customer = &m.turns[0];
        assert_eq!((customer.intent.as_deref(), customer.emotion.map(|e| e.label)), (Some("order_status"), Some(EmotionLabel::Upset)));
        assert!(!m.resolved, "asking is not answering");

        let mut m = m;
        m.fold("c_1", 4_000, &said("100017"));
        m.fold("c_1", 4_000, &EventBody::Fact { name: "order_id".into(), value: "100017".into() });
        m.fold("c_1", 4_000, &bot("order_status.shipped", Some("order_status"), None));
        assert_eq!(m.facts.get("order_id").map(String::as_str), Some("100017"));
        assert_eq!(m.own_orders, ["100017"]);
        assert!(m.resolved && m.awaiting.is_none());
    }

    #[test]
    fn misses_count_in_a_row_and_reset_on_an_answer() {
        let mut m = Memory::new(&conversation("c_1"), Lang::En);
        for key in ["oos", "oos_again"] {
            m.fold("c_1", 1, &said("?"));
            m.fold("c_1", 1, &bot(key, None, None));
        }
        assert_eq!(m.misses, 2);
        assert!(m.turns.iter().filter(|t| t.role == Role::Customer).all(|t| t.missed));
        m.fold("c_1", 2, &bot("store_hours", Some("store_hours"), None));
        assert_eq!(m.misses, 0);
        // A proactive message is not an answer and changes nothing about misses.
        m.fold("c_1", 3, &bot("oos", None, None));
        let proactive = EventBody::BotMessage {
            text: "update".into(),
            lang: Lang::En,
            key: "notify_me.update".into(),
            intent: None,
            buttons: vec![],
            awaiting: None,
            proactive: true,
        };
        m.fold("c_1", 4, &proactive);
        assert_eq!(m.misses, 1);
    }

    #[test]
    fn a_handoff_is_remembered_until_the_conversation_returns_to_the_bot() {
        let mut m = Memory::new(&conversation("c_1"), Lang::Kk);
        m.fold("c_1", 1, &EventBody::StateChanged { from: ConvState::Bot, to: ConvState::WaitingAgent, reason: "customer_request".into() });
        m.fold("c_1", 1, &EventBody::HandoffRequested { handoff_id: "h_1".into(), reason: Reason::CustomerRequest, rule: "explicit_request".into(), priority: 50 });
        m.fold("c_1", 2, &EventBody::AgentJoined { handoff_id: "h_1".into(), agent: "aigerim".into(), agent_id: "a_1".into() });
        assert_eq!((m.state, m.handoff_id.as_deref(), m.agent.as_deref()), (ConvState::WaitingAgent, Some("h_1"), Some("a_1")));
        assert_eq!(m.escalation.as_ref().map(|e| e.reason), Some(Reason::CustomerRequest));
        m.fold("c_1", 3, &EventBody::StateChanged { from: ConvState::WithAgent, to: ConvState::Bot, reason: "agent_released".into() });
        assert!(m.handoff_id.is_none() && m.agent.is_none() && m.escalation.is_none());
        assert!(m.handed_off, "the conversation still went to a person");
    }

    #[test]
    fn facts_of_other_conversations_count_but_nothing_else_of_them() {
        let earlier = vec![event("c_0", 1, EventBody::Fact { name: "phone".into(), value: "+77015556677".into() })];
        let other = event("c_0", 2, said("from another conversation"));
        let mut m = Memory::rebuild(&conversation("c_1"), Lang::Ru, &earlier, &[], vec![]);
        m.apply(&other);
        assert_eq!(m.facts.get("phone").map(String::as_str), Some("+77015556677"));
        assert_eq!(m.customer_messages, 0);
        assert!(m.own_orders.is_empty());
    }

    #[test]
    fn the_next_conversation_keeps_language_facts_and_history() {
        let mut m = Memory::new(&conversation("c_1"), Lang::Ru);
        let mut lang = m.lang.clone();
        lang.switch_to(Lang::Kk);
        m.fold("c_1", 1, &EventBody::Language { state: lang, reason: Switch::Explicit });
        m.fold("c_1", 1, &said("100017 қайда"));
        m.fold("c_1", 1, &EventBody::Fact { name: "order_id".into(), value: "100017".into() });
        m.fold("c_1", 1, &bot("order_status.shipped", Some("order_status"), None));
        m.fold("c_1", 2, &EventBody::StateChanged { from: ConvState::Bot, to: ConvState::Closed, reason: "customer_goodbye".into() });

        let next = m.next_conversation(&conversation("c_2"));
        assert_eq!(next.conversation_id, "c_2");
        assert_eq!((next.state, next.lang.current()), (ConvState::Bot, Lang::Kk));
        assert_eq!(next.facts.get("order_id").map(String::as_str), Some("100017"));
        assert!(next.turns.is_empty() && next.customer_messages == 0 && !next.resolved);
        assert_eq!(next.past.len(), 1);
        assert_eq!(next.past[0].order_ids, ["100017"]);
        assert_eq!(next.past[0].intents, ["order_status"]);
    }

    #[test]
    fn a_survey_asked_with_the_goodbye_outlives_the_close() {
        let mut m = Memory::new(&conversation("c_1"), Lang::En);
        let survey = Awaiting { intent: crate::dialogue::SURVEY.into(), slot: "ces".into() };
        m.fold("c_1", 1, &bot("survey.ces", None, Some(survey.clone())));
        m.fold("c_1", 2, &EventBody::StateChanged { from: ConvState::Bot, to: ConvState::Closed, reason: "customer_goodbye".into() });
        assert_eq!(m.awaiting, Some(survey), "the score that follows answers it");
        let mut m = Memory::new(&conversation("c_1"), Lang::En);
        m.fold("c_1", 1, &bot("ask_order_id", Some("order_status"), Some(Awaiting { intent: "order_status".into(), slot: "order_id".into() })));
        m.fold("c_1", 2, &EventBody::StateChanged { from: ConvState::Bot, to: ConvState::Closed, reason: "customer_goodbye".into() });
        assert_eq!(m.awaiting, None, "any other question ends with the conversation");
    }
}
