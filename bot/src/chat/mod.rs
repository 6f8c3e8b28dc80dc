//! Customer conversations: sessions, a customer's turn from message to logged replies, proactive
//! order updates, and live delivery to connected clients. Every change is written to the event log
//! first; the memory kept here is a cache of the fold over that log.

mod commands;
mod handoffs;
pub mod hub;
pub mod rate;
mod survey;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use komek_nlu::lang::{ConversationLanguage, LanguageHint, Switch};
use komek_nlu::{Lang, Nlu};
use serde_json::json;

use komek_handoff::texts::BriefTexts;
use komek_handoff::Policy;

use crate::backoffice::Order;
use crate::clock::now_ms;
use crate::dialogue::{Dialogue, Input, Memory};
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, Message};
use crate::secrets::{new_id, new_token, same, token_hash};
use crate::store::{ConversationRow, SessionRow, Store, Write};
pub use handoffs::{AgentResult, QueueItem, Refusal};
pub use hub::Hub;
use rate::RateLimiter;

/// The channel name of the web widget.
pub const WEB: &str = "web";
/// The channel name of Telegram, and the prefix of a Telegram chat's address (`tg:<chat id>`).
pub const TELEGRAM: &str = "telegram";
pub const TELEGRAM_ADDRESS: &str = "tg:";

/// A customer's message as it arrives from a channel.
pub struct Incoming<'a> {
    pub text: &'a str,
    pub button: Option<&'a str>,
    pub attachment: Option<crate::events::Attachment>,
}
/// How far back earlier conversations count as past contacts.
const PAST_CONTACT_WINDOW_MS: i64 = 30 * 86_400_000;
/// Cached conversation memories kept before idle ones are dropped.
const MAX_CACHED: usize = 50_000;

/// A customer profile given when a session starts.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub struct NewSession {
    pub session_id: String,
    pub token: String,
    pub conversation_id: String,
}

/// The answer to a customer's message: the message itself, what the bot said, the state after.
pub struct TurnOutcome {
    pub messages: Vec<Message>,
    pub state: ConvState,
}

pub enum Access {
    Granted(SessionRow),
    UnknownSession,
    WrongToken,
}

/// One customer's cached memory, locked for the whole of a turn so their messages are handled in
/// the order they arrive.
type Slot = Arc<tokio::sync::Mutex<Option<Memory>>>;

pub struct Chat {
    pub store: Store,
    pub nlu: Arc<Nlu>,
    pub dialogue: Arc<Dialogue>,
    pub hub: Hub,
    pub handoff: HandoffSettings,
    limiter: RateLimiter,
    default_lang: Lang,
    slots: Mutex<HashMap<String, Slot>>,
    sessions: Mutex<HashMap<String, SessionRow>>,
    /// Open agent WebSockets per agent id: who is online.
    presence: Mutex<HashMap<String, usize>>,
    /// Wakes the outbox worker when deliveries were written.
    pub outbox_wake: Arc<tokio::sync::Notify>,
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
            hub: Hub::default(),
            handoff,
            presence: Mutex::new(HashMap::new()),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            limiter: RateLimiter::new(rate_burst, rate_per_second),
            default_lang,
            slots: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// A new widget session: a customer, their first conversation, and the language hint from the
    /// browser locale, all in the log before the token is handed out.
    pub async fn create_session(&self, locale: Option<String>, profile: Profile) -> Result<NewSession, BotError> {
        let now = now_ms();
        let (customer_id, session_id, conversation_id, token) = (new_id("u"), new_id("s"), new_id("c"), new_token());
        let hint = locale.as_deref().and_then(locale_lang).filter(|l| self.nlu.detector.languages().contains(l));
        let lang = ConversationLanguage::new(self.default_lang, hint.map(LanguageHint::Browser));
        let reason = if hint.is_some() { Switch::Hint } else { Switch::Default };
        let writes = vec![
            Write::Customer { id: customer_id.clone(), name: profile.name, email: profile.email, phone: profile.phone, at: now },
            Write::Session { id: session_id.clone(), customer_id: customer_id.clone(), token_hash: token_hash(&token), locale: locale.clone(), at: now },
            Write::Conversation {
                id: conversation_id.clone(),
                customer_id: customer_id.clone(),
                session_id: Some(session_id.clone()),
                channel: WEB.into(),
                at: now,
            },
            event(&conversation_id, "customer", EventBody::ConversationStarted { channel: WEB.into(), locale }, now),
            event(&conversation_id, "system", EventBody::Language { state: lang, reason }, now),
        ];
        self.store.writer.write(writes).await?;
        Ok(NewSession { session_id, token, conversation_id })
    }

    /// The session of a Telegram chat (`tg:<chat id>`), created with its customer and first
    /// conversation on the chat's first message; Telegram's `language_code` is the language hint.
    pub async fn telegram_session(&self, chat_id: i64, language_code: Option<&str>, name: Option<String>) -> Result<SessionRow, BotError> {
        let id = format!("{TELEGRAM_ADDRESS}{chat_id}");
        if let Some(s) = self.sessions.lock().expect("session cache").get(&id).cloned() {
            return Ok(s);
        }
        if let Some(s) = self.store.session(&id).await? {
            self.sessions.lock().expect("session cache").insert(id, s.clone());
            return Ok(s);
        }
        let now = now_ms();
        let (customer_id, conversation_id) = (new_id("u"), new_id("c"));
        let hint = language_code.and_then(locale_lang).filter(|l| self.nlu.detector.languages().contains(l));
        let lang = ConversationLanguage::new(self.default_lang, hint.map(LanguageHint::Telegram));
        let reason = if hint.is_some() { Switch::Hint } else { Switch::Default };
        let writes = vec![
            Write::Customer { id: customer_id.clone(), name: name.map(|n| n.chars().take(200).collect()), email: None, phone: None, at: now },
            // No token opens a Telegram session from the web API: the hash of any token differs from "".
            Write::Session { id: id.clone(), customer_id: customer_id.clone(), token_hash: String::new(), locale: language_code.map(str::to_string), at: now },
            Write::Conversation {
                id: conversation_id.clone(),
                customer_id,
                session_id: Some(id.clone()),
                channel: TELEGRAM.into(),
                at: now,
            },
            event(&conversation_id, "customer", EventBody::ConversationStarted { channel: TELEGRAM.into(), locale: language_code.map(str::to_string) }, now),
            event(&conversation_id, "system", EventBody::Language { state: lang, reason }, now),
        ];
        if let Err(e) = self.store.writer.write(writes).await {
            // Two first messages at once: the other one created it.
            tracing::debug!(error = %e, "Telegram session exists already");
        }
        let s = self.store.session(&id).await?.ok_or_else(|| BotError::Database(format!("session {id} was not created")))?;
        self.sessions.lock().expect("session cache").insert(id, s.clone());
        Ok(s)
    }

    /// Checks a session's bearer token.
    pub async fn authenticate(&self, session_id: &str, token: &str) -> Result<Access, BotError> {
        let cached = self.sessions.lock().expect("session cache").get(session_id).cloned();
        let session = match cached {
            Some(s) => s,
            None => match self.store.session(session_id).await? {
                Some(s) => {
                    let mut cache = self.sessions.lock().expect("session cache");
                    if cache.len() >= MAX_CACHED {
                        cache.clear();
                    }
                    cache.insert(s.id.clone(), s.clone());
                    s
                }
                None => return Ok(Access::UnknownSession),
            },
        };
        Ok(if same(&session.token_hash, &token_hash(token)) { Access::Granted(session) } else { Access::WrongToken })
    }

    pub fn allow_message(&self, session_id: &str) -> bool {
        self.limiter.allow(session_id)
    }

    /// The session's messages after `after`, and its current state.
    pub async fn history(&self, session: &SessionRow, after: i64) -> Result<(Vec<Message>, ConvState), BotError> {
        let events = self.store.session_messages(&session.id, after).await?;
        let state = self.store.current_conversation_of_session(&session.id).await?.map_or(ConvState::Bot, |c| c.state);
        Ok((events.iter().filter_map(Event::message).collect(), state))
    }

    /// The customer picked a language (the widget's language menu).
    pub async fn pick_language(&self, session: &SessionRow, lang: Lang) -> Result<(), BotError> {
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let mut memory = self.session_memory(&mut guard, session).await?;
        memory.lang.switch_to(lang);
        let body = EventBody::Language { state: memory.lang.clone(), reason: Switch::Explicit };
        self.store.writer.write(vec![event(&memory.conversation_id, "customer", body, now_ms())]).await?;
        *guard = Some(memory);
        Ok(())
    }

    /// A customer's message: understood, answered, logged, and pushed to the session's live clients.
    pub async fn customer_turn(&self, session: &SessionRow, text: &str, button: Option<&str>) -> Result<TurnOutcome, BotError> {
        self.turn(session, Incoming { text, button, attachment: None }, Vec::new()).await
    }

    /// A customer's message from any channel. `extra` writes commit atomically with it (e.g. taking
    /// a Telegram update once); if one of them conflicts, nothing of the turn is written.
    pub async fn turn(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        let Incoming { text, button, attachment } = incoming;
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.session_memory(&mut guard, session).await?;
        let now = now_ms();
        if attachment.is_none()
            && let Some(answer) = survey::answer(&memory, text, button) {
                let (memory, outcome) = self.survey_turn(memory, text, button, answer, extra, now).await?;
                *guard = Some(memory);
                drop(guard);
                return Ok(outcome);
            }
        let mut writes = extra;
        let mut memory = if memory.state == ConvState::Closed { self.reopen(memory, &mut writes, now) } else { memory };

        // Commands and non-text messages need no understanding.
        if let Some(bodies) = self.without_nlu(&mut memory, text, attachment.clone(), &mut writes, now).await? {
            let outcome = self.commit_turn(&mut memory, writes, bodies, None, now).await?;
            let (conv, owner) = (memory.conversation_id.clone(), memory.agent.clone());
            *guard = Some(memory);
            drop(guard);
            self.tell_agents(&conv, owner.as_deref(), &outcome.messages, None);
            return Ok(outcome);
        }

        let mut lang_state = memory.lang.clone();
        let decision = lang_state.observe(&self.nlu.detector, text);
        let parse = self.nlu.parse(text, Some(decision.lang));
        let input = Input { text, button, parse: &parse, lang: decision.lang };
        let resolved = self.dialogue.resolve(&memory, &input);
        let escalation = if memory.state == ConvState::Bot { self.escalation(&memory, &input, &resolved, text, now) } else { None };
        let reply = self.dialogue.respond(&memory, &input, &resolved, escalation.as_ref().map(|e| e.reason.as_str())).await?;

        let mut bodies = vec![
            EventBody::CustomerMessage { text: text.to_string(), lang: decision.lang, button: button.map(str::to_string), attachment: None },
            EventBody::Parse { parse: Box::new(parse.clone()) },
        ];
        if lang_state != memory.lang {
            bodies.push(EventBody::Language { state: lang_state, reason: decision.reason });
        }
        for (name, value) in &reply.facts {
            bodies.push(EventBody::Fact { name: name.clone(), value: value.clone() });
        }
        if let Some(order_id) = &reply.subscribe {
            bodies.push(EventBody::Subscribed { order_id: order_id.clone() });
        }
        let last = reply.replies.len().saturating_sub(1);
        let answered = (!reply.intent.is_empty()).then(|| reply.intent.clone());
        for (i, r) in reply.replies.iter().enumerate() {
            bodies.push(EventBody::BotMessage {
                text: r.text.clone(),
                lang: decision.lang,
                key: r.key.clone(),
                intent: answered.clone(),
                buttons: r.buttons.clone(),
                awaiting: if i == last { reply.awaiting.clone() } else { None },
                proactive: false,
            });
        }
        let mut state_changed = None;
        if let Some((to, why)) = &reply.state
            && *to != memory.state {
                bodies.push(EventBody::StateChanged { from: memory.state, to: *to, reason: why.clone() });
                writes.push(Write::State { conversation_id: memory.conversation_id.clone(), state: *to, at: now });
                state_changed = Some(*to);
            }
        // A new handoff: its brief is built from the conversation including this turn.
        let mut new_handoff = false;
        if state_changed == Some(ConvState::WaitingAgent) {
            let escalation = escalation.unwrap_or_else(|| self.sensitive_escalation(why_of(&reply.state)));
            let (handoff_bodies, handoff_writes, _) = self.open_handoff(&memory, &bodies, &escalation, decision.lang, now).await?;
            bodies.extend(handoff_bodies);
            writes.extend(handoff_writes);
            new_handoff = true;
        } else if matches!(memory.state, ConvState::WaitingAgent | ConvState::WithAgent) {
            writes.extend(self.refreshed_brief(&memory, &bodies, now));
        }
        let outcome = self.commit_turn(&mut memory, writes, bodies, state_changed, now).await?;
        let conv = memory.conversation_id.clone();
        let owner = memory.agent.clone();
        let in_queue = outcome.state == ConvState::WaitingAgent;
        *guard = Some(memory);
        drop(guard);
        self.tell_agents(&conv, owner.as_deref(), &outcome.messages, state_changed);
        if new_handoff || in_queue {
            self.refresh_queues().await;
        }
        Ok(outcome)
    }

    /// A message over the rate limit from a channel that cannot be told "429" (Telegram): kept in
    /// the log (and shown to an agent who has the conversation), but not answered.
    pub async fn record_only(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let mut memory = self.session_memory(&mut guard, session).await?;
        let lang = memory.lang.current();
        let body = EventBody::CustomerMessage { text: incoming.text.to_string(), lang, button: incoming.button.map(str::to_string), attachment: incoming.attachment };
        let outcome = self.commit_turn(&mut memory, extra, vec![body], None, now_ms()).await?;
        let (conv, owner) = (memory.conversation_id.clone(), memory.agent.clone());
        *guard = Some(memory);
        drop(guard);
        self.tell_agents(&conv, owner.as_deref(), &outcome.messages, None);
        Ok(outcome)
    }

    /// Writes a turn's events (with their deliveries), folds them into `memory` and pushes the
    /// messages to the customer's live clients.
    pub(crate) async fn commit_turn(
        &self,
        memory: &mut Memory,
        mut writes: Vec<Write>,
        bodies: Vec<EventBody>,
        state_changed: Option<ConvState>,
        now: i64,
    ) -> Result<TurnOutcome, BotError> {
        let conv = memory.conversation_id.clone();
        writes.extend(self.deliveries(memory, &bodies, now));
        let first_event = writes.iter().filter(|w| matches!(w, Write::Event { .. })).count();
        for body in &bodies {
            writes.push(event(&conv, actor_of(body), body.clone(), now));
        }
        let ids = self.store.writer.write(writes).await?;
        let events: Vec<Event> = ids[first_event..]
            .iter()
            .zip(bodies)
            .map(|(id, body)| Event { id: *id, conversation_id: conv.clone(), actor: actor_of(&body).into(), at: now, body })
            .collect();
        for e in &events {
            memory.apply(e);
        }
        let messages: Vec<Message> = events.iter().filter_map(Event::message).collect();
        if let Some(address) = &memory.session_id {
            self.publish(address, &messages, state_changed);
        }
        Ok(TurnOutcome { messages, state: memory.state })
    }

    /// Outbox entries for the messages among `bodies` that go to a channel we push to (Telegram);
    /// written in the same transaction as the events, so a reply is never lost between the two.
    pub(crate) fn deliveries(&self, memory: &Memory, bodies: &[EventBody], now: i64) -> Vec<Write> {
        let Some(chat_id) = memory.session_id.as_deref().and_then(|s| s.strip_prefix(TELEGRAM_ADDRESS)) else { return vec![] };
        bodies
            .iter()
            .filter_map(|b| {
                let (role, text, _, buttons) = b.message_parts()?;
                (role != "customer").then(|| Write::Outbox {
                    channel: TELEGRAM.into(),
                    address: chat_id.to_string(),
                    payload: json!({"text": text, "buttons": buttons}).to_string(),
                    at: now,
                })
            })
            .collect()
    }

    /// Tells every conversation subscribed to the order about its new status, in each
    /// conversation's language. Returns how many were told.
    pub async fn notify_order(&self, order: &Order) -> Result<usize, BotError> {
        let mut told = 0;
        for conversation_id in self.store.subscribers(&order.id).await? {
            let Some(conv) = self.store.conversation(&conversation_id).await? else { continue };
            let slot = self.slot(&conv.customer_id);
            let mut guard = slot.lock().await;
            let mut memory = self.conversation_memory(&mut guard, &conv).await?;
            let lang = memory.lang.current();
            let reply = self.dialogue.order_update(lang, order);
            let body = EventBody::BotMessage {
                text: reply.text,
                lang,
                key: reply.key,
                intent: None,
                buttons: reply.buttons,
                awaiting: None,
                proactive: true,
            };
            let now = now_ms();
            let mut writes = self.deliveries(&memory, std::slice::from_ref(&body), now);
            writes.push(event(&conv.id, "bot", body.clone(), now));
            let ids = self.store.writer.write(writes).await?;
            let e = Event { id: ids[0], conversation_id: conv.id.clone(), actor: "bot".into(), at: now, body };
            memory.apply(&e);
            // Keep the cache only if it holds the customer's current conversation.
            if conv.session_id.is_none() || self.is_current(&conv).await? {
                *guard = Some(memory);
            }
            drop(guard);
            if let (Some(session_id), Some(message)) = (&conv.session_id, e.message()) {
                self.publish(session_id, &[message], None);
            }
            told += 1;
        }
        Ok(told)
    }

    pub(crate) async fn is_current(&self, conv: &ConversationRow) -> Result<bool, BotError> {
        let Some(session_id) = &conv.session_id else { return Ok(true) };
        Ok(self.store.current_conversation_of_session(session_id).await?.is_some_and(|c| c.id == conv.id))
    }

    /// After a closed conversation the customer's next message opens a new one that keeps their
    /// language and what they told us.
    fn reopen(&self, old: Memory, writes: &mut Vec<Write>, now: i64) -> Memory {
        let id = new_id("c");
        writes.push(Write::Conversation {
            id: id.clone(),
            customer_id: old.customer_id.clone(),
            session_id: old.session_id.clone(),
            channel: old.channel.clone(),
            at: now,
        });
        writes.push(event(&id, "customer", EventBody::ConversationStarted { channel: old.channel.clone(), locale: None }, now));
        writes.push(event(&id, "system", EventBody::Language { state: old.lang.clone(), reason: Switch::Kept }, now));
        let mut past = old.past.clone();
        past.push(old.as_past_contact());
        Memory {
            conversation_id: id,
            started_at: now,
            state: ConvState::Bot,
            awaiting: None,
            misses: 0,
            subscriptions: Default::default(),
            customer_messages: 0,
            turns: Vec::new(),
            past,
            handoff_id: None,
            agent: None,
            resolved: false,
            own_orders: Vec::new(),
            handed_off: false,
            escalation: None,
            ..old
        }
    }

    /// The cached memory of the session's current conversation, or the log's.
    pub(crate) async fn session_memory(&self, cached: &mut Option<Memory>, session: &SessionRow) -> Result<Memory, BotError> {
        match cached.take().filter(|m| m.session_id.as_deref() == Some(session.id.as_str())) {
            Some(m) => Ok(m),
            None => self.load_session_memory(session).await,
        }
    }

    /// The cached memory of a conversation, or the log's.
    pub(crate) async fn conversation_memory(&self, cached: &mut Option<Memory>, conv: &ConversationRow) -> Result<Memory, BotError> {
        match cached.take().filter(|m| m.conversation_id == conv.id) {
            Some(m) => Ok(m),
            None => self.load_memory(conv).await,
        }
    }

    async fn load_session_memory(&self, session: &SessionRow) -> Result<Memory, BotError> {
        let conv = self
            .store
            .current_conversation_of_session(&session.id)
            .await?
            .ok_or_else(|| BotError::Database(format!("session {} has no conversation", session.id)))?;
        self.load_memory(&conv).await
    }

    /// Rebuilds a conversation's memory from the log.
    pub(crate) async fn load_memory(&self, conv: &ConversationRow) -> Result<Memory, BotError> {
        let facts = self.store.customer_facts(&conv.customer_id).await?;
        let events = self.store.conversation_events(&conv.id).await?;
        let past = self.store.past_contacts(&conv.customer_id, &conv.id, conv.created_at - PAST_CONTACT_WINDOW_MS).await?;
        let mut memory = Memory::rebuild(conv, self.default_lang, &facts, &events, past);
        memory.customer = self.store.customer_info(&conv.customer_id).await?;
        Ok(memory)
    }

    /// After channels were linked: cached sessions and memories of the customer are rebuilt from
    /// the store on next use.
    pub(crate) fn forget_customer(&self, customer_id: &str) {
        self.sessions.lock().expect("session cache").retain(|_, s| s.customer_id != customer_id);
    }

    pub(crate) fn slot(&self, customer_id: &str) -> Slot {
        let mut slots = self.slots.lock().expect("slot lock");
        if slots.len() >= MAX_CACHED {
            // Only slots nobody is using right now are dropped; their memory reloads from the log.
            slots.retain(|_, s| Arc::strong_count(s) > 1);
        }
        slots.entry(customer_id.to_string()).or_default().clone()
    }

    pub(crate) fn publish(&self, session_id: &str, messages: &[Message], state: Option<ConvState>) {
        if session_id.starts_with(TELEGRAM_ADDRESS) {
            // Telegram gets its messages through the outbox, already written.
            self.outbox_wake.notify_one();
            return;
        }
        for m in messages {
            self.hub.publish(session_id, Arc::from(json!({"type": "message", "message": m}).to_string()));
        }
        if let Some(state) = state {
            self.hub.publish(session_id, Arc::from(json!({"type": "state", "state": state}).to_string()));
        }
    }
}

pub(crate) fn event(conversation_id: &str, actor: &str, body: EventBody, at: i64) -> Write {
    Write::Event { conversation_id: conversation_id.to_string(), actor: actor.to_string(), body, at }
}

fn why_of(state: &Option<(ConvState, String)>) -> &str {
    state.as_ref().map_or("", |(_, why)| why.as_str())
}

pub(crate) fn actor_of(body: &EventBody) -> &'static str {
    match body {
        EventBody::CustomerMessage { .. } | EventBody::Fact { .. } | EventBody::Subscribed { .. } => "customer",
        EventBody::Parse { .. } => "nlu",
        EventBody::SurveyAnswer { .. } => "customer",
        EventBody::BotMessage { .. } | EventBody::StateChanged { .. } | EventBody::HandoffRequested { .. } => "bot",
        _ => "system",
    }
}

/// `kk-KZ`, `ru`, `zh-Hans-CN` → the language, if shipped.
pub fn locale_lang(locale: &str) -> Option<Lang> {
    let primary = locale.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    Lang::from_code(&primary)
}
