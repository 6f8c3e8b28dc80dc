//! A customer's turn, from any channel: a survey answer, a command or non-text message, or an
//! ordinary message that is understood (language, parse), decided on (the dialogue and the handoff
//! policy) and answered — all as one unit of work on the conversation.

use komek_nlu::lang::{LanguageDecision, Switch};

use super::waiting::Telling;
use super::{Chat, ORDERS_LIMITED, TurnOutcome, Unit, survey};
use crate::clock::now_ms;
use crate::dialogue::{Action, Input, Memory, Transition};
use crate::error::BotError;
use crate::events::{Attachment, ConvState, EventBody};
use crate::secrets::new_id;
use crate::store::{ConversationRow, ConversationWrite, HandoffStatus, HandoffWrite, SessionRow, Write};

/// A customer's message as it arrives from a channel.
#[derive(Clone)]
pub struct Incoming<'a> {
    pub text: &'a str,
    pub button: Option<&'a str>,
    pub attachment: Option<Attachment>,
    /// Who sends it, for limits across sessions: the client address (its limiter key) for the
    /// widget, the chat for Telegram.
    pub client: Option<String>,
}

impl Chat {
    /// A widget customer's message: understood, answered, logged, and pushed to live clients.
    pub async fn customer_turn(&self, session: &SessionRow, text: &str, button: Option<&str>, client: Option<String>) -> Result<TurnOutcome, BotError> {
        self.turn(session, Incoming { text, button, attachment: None, client }, Vec::new()).await
    }

    /// A customer's message from any channel. `extra` writes commit atomically with it (e.g. taking
    /// a Telegram update once); if one of them conflicts, nothing of the turn is written.
    pub async fn turn(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        self.again(|| self.turn_once(session, incoming.clone(), extra.clone())).await
    }

    async fn turn_once(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.session_memory(&mut guard, session).await?;
        let now = now_ms();
        let answer = survey::answer(&memory, incoming.text, incoming.button);
        let surveyed = incoming.attachment.is_none() && answer.is_some();
        if !surveyed && stale_click(&memory, incoming.button) {
            // A button from an earlier moment (a survey score already given, a closed conversation's
            // options): nothing happens, nothing is counted — it must not open a new conversation.
            tracing::debug!(button = ?incoming.button, "a stale button click is ignored");
            let state = memory.state;
            *guard = Some(memory);
            return Ok(TurnOutcome { messages: Vec::new(), state, changed: None, queue: None });
        }
        let unit = match (&incoming.attachment, answer) {
            (None, Some(answer)) => self.survey_turn(Unit::new(memory, extra, now), &incoming, answer),
            _ => {
                let mut unit = Unit::new(memory, extra, now);
                if unit.memory.state == ConvState::Closed {
                    self.reopen(&mut unit);
                }
                match self.without_nlu(&mut unit, &incoming).await? {
                    true => unit,
                    false => self.understood_turn(unit, &incoming).await?,
                }
            }
        };
        let queue_moved = unit.memory.state == ConvState::WaitingAgent || unit.state_change().is_some();
        let mut unit = unit;
        let notices = std::mem::take(&mut unit.notices);
        let brief = unit.brief.take();
        let (memory, outcome) = self.commit(unit).await?;
        let (conversation, owner, handoff) = (memory.conversation_id.clone(), memory.agent.clone(), memory.handoff_id.clone());
        *guard = Some(memory);
        drop(guard);
        // A survey comes after the agent left: the agent who had the conversation sees the answer.
        let owner = match owner {
            None if surveyed => self.store.conversation_handoff(&conversation).await?.and_then(|h| h.agent_id),
            owner => owner,
        };
        self.tell_owner(&conversation, owner.as_deref(), &outcome.messages, outcome.changed);
        if let (Some(owner), Some(brief)) = (owner.as_deref(), brief) {
            self.tell_owner_brief(owner, &conversation, &brief).await;
        }
        self.deliver_link_notices(notices).await;
        // A handoff came or went, or a waiting customer's brief changed; the standings read for
        // telling the others also answer this customer.
        let mut outcome = outcome;
        if queue_moved {
            let mut standings = self.queue_changed().await;
            if outcome.state == ConvState::WaitingAgent {
                outcome.queue = match handoff.and_then(|h| standings.remove(&h)) {
                    Some(q) => Some(q),
                    None => self.queue_of(&conversation).await?,
                };
            }
        }
        Ok(outcome)
    }

    /// The language decision, the parse, the dialogue and the handoff policy on one message.
    async fn understood_turn(&self, mut unit: Unit, incoming: &Incoming<'_>) -> Result<Unit, BotError> {
        let Incoming { text, button, .. } = *incoming;
        // What the bot asked for decides how a bare "100 017" or an address reads, and such an answer
        // is no evidence of a language switch.
        let expecting = unit.memory.awaiting.as_ref().and_then(|a| match a.slot.as_str() {
            "order_id" => Some("order_id"),
            "address" => Some("address"),
            "contact" => Some("phone"),
            _ => None,
        });
        let mut lang_state = unit.memory.lang.clone();
        let mut decision = self.nlu.observe_language(&mut lang_state, text, expecting);
        let parse = self.nlu.parse_expecting(text, Some(decision.lang), expecting);
        // A request to switch too long to be taken as one on its words alone ("can we go on in
        // English? it's easier for me") that the model reads as one: the language it names.
        if decision.reason != Switch::Explicit
            && self.dialogue.script.action(&parse.intent.name) == Action::LanguageChange
            && parse.intent.is_sure()
            && let Some(target) = komek_nlu::lang::named_language(text).filter(|l| self.nlu.detector.languages().contains(l))
        {
            let before = lang_state.current();
            lang_state.switch_to(target);
            decision = LanguageDecision { lang: target, changed: target != before, reason: Switch::Explicit, detection: decision.detection };
        }
        let lang = decision.lang;
        unit.record(EventBody::CustomerMessage { text: text.to_string(), lang, button: button.map(str::to_string), attachment: None });
        unit.record(EventBody::Parse { parse: Box::new(parse.clone()) });
        if lang_state != unit.memory.lang {
            unit.record(EventBody::Language { state: lang_state, reason: decision.reason });
        }
        let input = Input { text, button, parse: &parse, lang };
        let resolved = self.dialogue.resolve(&unit.memory, &input);
        let escalation = (unit.memory.state == ConvState::Bot).then(|| self.escalation(&unit.memory, &parse, &resolved, unit.now)).flatten();
        let mut reply = self.dialogue.respond(&unit.memory, &input, &resolved, escalation.as_ref().map(|e| e.reason)).await?;
        let reply_lang = reply.reply_lang.unwrap_or(lang);
        if self.walks_through_orders(&unit.memory, &reply, incoming.client.as_deref()) {
            reply.replies = vec![self.dialogue.reply(reply_lang, ORDERS_LIMITED, &[], 0)];
            reply.facts.retain(|(name, _)| name != "order_id");
            reply.subscribe = None;
            reply.awaiting = None;
        }

        for (name, value) in reply.facts {
            unit.record(EventBody::Fact { name, value });
        }
        if let Some(order_id) = reply.subscribe {
            unit.record(EventBody::Subscribed { order_id });
        }
        let answered = (!reply.intent.is_empty()).then_some(reply.intent);
        let last = reply.replies.len().saturating_sub(1);
        for (i, r) in reply.replies.into_iter().enumerate() {
            unit.record(r.said_with(reply_lang, answered.clone(), if i == last { reply.awaiting.clone() } else { None }));
        }
        if let Some(note) = reply.queue_note {
            let standing = self.queue_of(&unit.memory.conversation_id).await?;
            self.tell_queue(&mut unit, Telling::Note(note), standing, reply_lang);
        }
        let was = unit.memory.state;
        let handoff = unit.memory.handoff_id.clone();
        match reply.transition {
            Some(t) if t.state() != was => {
                unit.record(EventBody::StateChanged { from: was, to: t.state(), reason: t.why().into() });
                match t {
                    // The policy's decision, or the dialogue's own (e.g. an address change after
                    // shipping); the brief is built from the conversation including this turn.
                    Transition::HandOff(reason) => {
                        let escalation = escalation.unwrap_or_else(|| self.dialogue_escalation(reason));
                        self.open_handoff(&mut unit, escalation, lang).await?;
                    }
                    Transition::Withdraw => {
                        if let Some(id) = handoff {
                            tracing::info!(handoff = %id, "handoff withdrawn by the customer");
                            unit.write(HandoffWrite::Status { id, status: HandoffStatus::Withdrawn, at: unit.now });
                        }
                    }
                    Transition::Close => {}
                }
            }
            _ if was.with_people() => {
                // The agent's prompter: what the bot would answer to this message.
                let answers = if was == ConvState::WithAgent { self.dialogue.would_answer(&unit.memory, &input, &resolved).await } else { Vec::new() };
                self.refresh_brief(&mut unit, answers).await;
            }
            _ => {}
        }
        Ok(unit)
    }

    /// Whether this reply shows an order new to the customer (or whether a phone or e-mail has
    /// orders) to a client that has already been shown `ORDER_LOOKUPS_BURST` of them lately: order
    /// numbers work like tracking numbers, and a walk through them (from any number of sessions)
    /// is stopped here.
    fn walks_through_orders(&self, memory: &Memory, reply: &crate::dialogue::Decision, client: Option<&str>) -> bool {
        let Some(client) = client else { return false };
        let known = |id: &str| memory.own_orders.iter().chain(memory.past.iter().flat_map(|p| &p.order_ids)).any(|o| o == id);
        // An order looked up, orders listed to choose from (found by a phone or e-mail), or a
        // contact that has none: each tells a stranger something.
        let buttons = reply.replies.iter().flat_map(|r| &r.buttons);
        let new_order = reply.facts.iter().any(|(name, id)| name == "order_id" && !known(id))
            || buttons.filter_map(|b| b.id.strip_prefix(crate::dialogue::ORDER_BUTTON)).any(|id| !known(id))
            || reply.replies.iter().any(|r| r.key == "contact_not_found");
        memory.state == ConvState::Bot && !reply.replies.is_empty() && new_order && !self.order_lookups.allow(client)
    }

    /// A message over the rate limit from a channel that cannot be told "429" (Telegram): kept in
    /// the log (and shown to an agent who has the conversation), but not answered.
    pub async fn record_only(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        self.again(|| self.record_only_once(session, incoming.clone(), extra.clone())).await
    }

    async fn record_only_once(&self, session: &SessionRow, incoming: Incoming<'_>, extra: Vec<Write>) -> Result<TurnOutcome, BotError> {
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.session_memory(&mut guard, session).await?;
        let lang = memory.lang.current();
        let mut unit = Unit::new(memory, extra, now_ms());
        unit.record(EventBody::CustomerMessage {
            text: incoming.text.to_string(),
            lang,
            button: incoming.button.map(str::to_string),
            attachment: incoming.attachment,
        });
        let (memory, outcome) = self.commit(unit).await?;
        let (conversation, owner) = (memory.conversation_id.clone(), memory.agent.clone());
        *guard = Some(memory);
        drop(guard);
        self.tell_owner(&conversation, owner.as_deref(), &outcome.messages, None);
        Ok(outcome)
    }

    /// After a closed conversation the customer's next message opens a new one that keeps their
    /// language and what they told us.
    fn reopen(&self, unit: &mut Unit) {
        let old = &unit.memory;
        let conversation = ConversationRow {
            id: new_id("c"),
            customer_id: old.customer_id.clone(),
            session_id: old.session_id.clone(),
            channel: old.channel,
            state: ConvState::Bot,
            created_at: unit.now,
        };
        let next: Memory = old.next_conversation(&conversation);
        let lang = next.lang.clone();
        unit.write(ConversationWrite::Conversation {
            id: conversation.id.clone(),
            customer_id: conversation.customer_id.clone(),
            session_id: conversation.session_id.clone(),
            channel: conversation.channel,
            at: unit.now,
        });
        unit.memory = next;
        unit.record(EventBody::ConversationStarted { channel: conversation.channel.as_str().into(), locale: None });
        unit.record(EventBody::Language { state: lang, reason: Switch::Kept });
    }
}

/// Whether a clicked button belongs to a moment that has passed: a survey score when the survey is
/// not asking (any more), or any button of a conversation that has closed.
fn stale_click(memory: &Memory, button: Option<&str>) -> bool {
    let Some(button) = button else { return false };
    let survey_score = crate::dialogue::SURVEY_SCALES.iter().any(|(q, _)| button.strip_prefix(q).is_some_and(|rest| rest.starts_with('_')));
    survey_score || memory.state == ConvState::Closed
}
