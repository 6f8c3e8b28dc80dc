//! The dialogue: given what the bot remembers of a conversation and the parse of the customer's
//! message, what it says and does. Which action handles which intent, and every word, come from
//! `models/content` (dialogue.toml, responses/<lang>.ftl); the code knows only the actions.

pub mod memory;
pub mod responses;
pub mod script;
#[cfg(test)]
mod tests;

use komek_handoff::Reason;
use komek_nlu::{Lang, Parse};

use crate::backoffice::{BackOffice, Order, OrderStatus};
use crate::error::BotError;
use crate::events::{Awaiting, Button, ConvState, EventBody};
pub use memory::Memory;
use responses::Responses;
pub use script::{Action, Script};
/// A second intent at least this likely beside a pleasantry is what the customer wants.
const SECOND_INTENT_CONFIDENCE: f32 = 0.2;
/// Below this confidence a parse does not pull the conversation away from what the bot asked for.
const SLOT_OVERRIDE_CONFIDENCE: f32 = 0.8;

/// The customer's message as the dialogue sees it.
pub struct Input<'a> {
    pub text: &'a str,
    /// The id of a bot button the customer clicked, if they did.
    pub button: Option<&'a str>,
    pub parse: &'a Parse,
    /// The conversation's language after this message.
    pub lang: Lang,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub key: String,
    pub text: String,
    pub buttons: Vec<Button>,
}

impl Reply {
    /// The bot saying this in `lang`, as an event (answering no particular intent, waiting for nothing).
    pub fn said(self, lang: Lang) -> EventBody {
        self.said_with(lang, None, None)
    }

    /// The bot saying this in answer to `intent`, then waiting for `awaiting`.
    pub fn said_with(self, lang: Lang, intent: Option<String>, awaiting: Option<Awaiting>) -> EventBody {
        EventBody::BotMessage { text: self.text, lang, key: self.key, intent, buttons: self.buttons, awaiting, proactive: false }
    }

    /// The bot saying this on its own initiative (e.g. an order update).
    pub fn said_proactively(self, lang: Lang) -> EventBody {
        EventBody::BotMessage { text: self.text, lang, key: self.key, intent: None, buttons: self.buttons, awaiting: None, proactive: true }
    }
}

/// The intent the bot acts on, and an address when the message answered "which address?".
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub intent: String,
    pub address: Option<String>,
}

/// The `awaiting.intent` of survey questions.
pub const SURVEY: &str = "survey";
/// Survey questions and their scales.
pub const SURVEY_SCALES: &[(&str, u8)] = &[("ces", 7), ("csat", 5)];

/// What the bot does in answer to one message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    /// The intent the bot acted on.
    pub intent: String,
    pub replies: Vec<Reply>,
    /// What the last reply waits for.
    pub awaiting: Option<Awaiting>,
    /// New facts the customer gave.
    pub facts: Vec<(String, String)>,
    pub subscribe: Option<String>,
    /// The conversation ends, or goes to a person.
    pub transition: Option<Transition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The customer said goodbye.
    Close,
    /// A person takes over, for this reason.
    HandOff(Reason),
}

impl Transition {
    pub fn state(self) -> ConvState {
        match self {
            Transition::Close => ConvState::Closed,
            Transition::HandOff(_) => ConvState::WaitingAgent,
        }
    }

    /// The `reason` of the `state_changed` event.
    pub fn why(self) -> &'static str {
        match self {
            Transition::Close => "customer_goodbye",
            Transition::HandOff(reason) => reason.as_str(),
        }
    }
}

pub struct Dialogue {
    pub responses: Responses,
    pub script: Script,
    pub backoffice: BackOffice,
}

impl Dialogue {
    /// What to say and do. `memory` already holds the customer's message; `resolved` comes from
    /// [`Dialogue::resolve`]; `escalation` is the handoff policy's reason when it decided that a
    /// person takes over.
    pub async fn respond(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved, escalation: Option<Reason>) -> Result<Decision, BotError> {
        let mut d = Decision::default();
        let lang = input.lang;
        let pick = pick(memory);
        let given_order = entity(input.parse, "order_id");
        for kind in ["phone", "email"] {
            if let Some(v) = entity(input.parse, kind).filter(|v| memory.facts.get(kind) != Some(v)) {
                d.facts.push((kind.to_string(), v));
            }
        }
        let remember_order = |d: &mut Decision| {
            if let Some(id) = given_order.clone().filter(|id| memory.facts.get("order_id") != Some(id)) {
                d.facts.push(("order_id".into(), id));
            }
        };
        // While a person handles (or is about to handle) the conversation, the bot stays silent;
        // the messages are in the log for the agent.
        if memory.state.with_people() {
            remember_order(&mut d);
            return Ok(d);
        }
        let intent = resolved.intent.clone();
        let address = resolved.address.clone();
        d.intent = intent.clone();
        if let Some(reason) = escalation {
            remember_order(&mut d);
            self.hand_off(&mut d, lang, reason, pick);
            return Ok(d);
        }
        let action = self.script.action(&intent);
        match action {
            Action::Reply => {
                let key = self.script.reply_key(&intent).to_string();
                d.replies.push(self.reply(lang, &key, &[], pick));
            }
            Action::Close => {
                d.transition = Some(Transition::Close);
                // A short survey when the bot resolved something, else a plain goodbye.
                if memory.resolved {
                    d.replies.push(self.reply(lang, "goodbye_survey", &[], pick));
                    d.replies.push(self.survey_question(lang, "ces"));
                    d.awaiting = Some(Awaiting { intent: SURVEY.into(), slot: "ces".into() });
                } else {
                    let key = self.script.reply_key(&intent).to_string();
                    d.replies.push(self.reply(lang, &key, &[], pick));
                }
            }
            Action::Handoff => self.hand_off(&mut d, lang, Reason::SensitiveIntent, pick),
            Action::LanguageChange => d.replies.push(self.reply(lang, "language_changed", &[], pick)),
            Action::OutOfScope => {
                let key = if memory.misses >= 1 { "oos_again" } else { "oos" };
                d.replies.push(self.reply(lang, key, &[], pick));
            }
            _ => self.order_action(&mut d, memory, input, &intent, action, given_order, address).await?,
        }
        Ok(d)
    }

    /// Which intent to act on: a clicked button, or the parse — unless the message answers what the
    /// bot just asked for (an order number, an address).
    pub fn resolve(&self, memory: &Memory, input: &Input<'_>) -> Resolved {
        let (intent, address) = self.resolve_intent(memory, input, entity(input.parse, "order_id").is_some());
        Resolved { intent, address }
    }

    fn resolve_intent(&self, memory: &Memory, input: &Input<'_>, has_order: bool) -> (String, Option<String>) {
        if let Some(b) = input.button.filter(|b| self.script.knows(b)) {
            return (b.to_string(), None);
        }
        let parsed = &input.parse.intent;
        let oos = self.script.out_of_scope_intent();
        let weak = parsed.name == oos || parsed.confidence < SLOT_OVERRIDE_CONFIDENCE;
        if let Some(aw) = &memory.awaiting {
            match aw.slot.as_str() {
                "order_id" if has_order && (weak || parsed.name == aw.intent || !self.script.action(&parsed.name).needs_order()) => {
                    return (aw.intent.clone(), None);
                }
                "address" if weak || parsed.name == aw.intent => {
                    return (aw.intent.clone(), Some(input.text.trim().to_string()));
                }
                _ => {}
            }
        }
        // "Hello! Where is my order?": the pleasantry gives way to the question behind it.
        if self.script.is_small_talk(&parsed.name) {
            // Not a goodbye: "thanks" must not end the conversation on a hunch.
            let runner_up = input.parse.ranking.iter().find(|r| {
                r.name != parsed.name && !self.script.is_small_talk(&r.name) && r.name != oos && self.script.action(&r.name) != Action::Close
            });
            if let Some(r) = runner_up.filter(|r| r.confidence >= SECOND_INTENT_CONFIDENCE) {
                return (r.name.clone(), None);
            }
            if has_order
                && let Some(name) = self.script.intent_for(Action::OrderStatus) {
                    return (name.to_string(), None);
                }
        }
        // A bare order number is a question about that order.
        if has_order && parsed.name == oos
            && let Some(name) = self.script.intent_for(Action::OrderStatus) {
                return (name.to_string(), None);
            }
        (parsed.name.clone(), None)
    }

    #[allow(clippy::too_many_arguments)]
    async fn order_action(
        &self,
        d: &mut Decision,
        memory: &Memory,
        input: &Input<'_>,
        intent: &str,
        action: Action,
        given: Option<String>,
        address: Option<String>,
    ) -> Result<(), BotError> {
        let lang = input.lang;
        let pick = pick(memory);
        let ask = |d: &mut Decision, key: &str| {
            d.replies.push(self.reply(lang, key, &[], pick));
            d.awaiting = Some(Awaiting { intent: intent.to_string(), slot: "order_id".into() });
        };
        let Some(order_id) = given.clone().or_else(|| memory.facts.get("order_id").cloned()) else {
            ask(d, if action == Action::Return { "return_request.info" } else { "ask_order_id" });
            return Ok(());
        };
        let order = match self.backoffice.order(&order_id).await {
            Ok(Some(order)) => order,
            Ok(None) => {
                d.replies.push(self.reply(lang, "order_not_found", &[("order_id", &order_id)], pick));
                d.awaiting = Some(Awaiting { intent: intent.to_string(), slot: "order_id".into() });
                return Ok(());
            }
            Err(e) => {
                tracing::warn!(error = %e, "order lookup failed");
                d.replies.push(self.reply(lang, "error.order_system", &[], pick));
                return Ok(());
            }
        };
        if memory.facts.get("order_id") != Some(&order.id) {
            d.facts.push(("order_id".into(), order.id.clone()));
        }
        let vars = self.order_vars(lang, &order);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        match action {
            Action::OrderStatus => d.replies.push(self.reply(lang, &format!("order_status.{}", order.status.as_str()), &vars, pick)),
            Action::RefundStatus => {
                let key = match order.status {
                    OrderStatus::RefundPending => "refund_status.pending",
                    OrderStatus::RefundDone => "refund_status.done",
                    _ => "refund_status.none",
                };
                d.replies.push(self.reply(lang, key, &vars, pick));
            }
            Action::Return => {
                let key = match order.status {
                    OrderStatus::Delivered => "return_request.started",
                    OrderStatus::RefundPending => "refund_status.pending",
                    OrderStatus::RefundDone => "refund_status.done",
                    _ => "return_request.not_delivered",
                };
                d.replies.push(self.reply(lang, key, &vars, pick));
            }
            Action::Subscribe => {
                d.replies.push(self.reply(lang, "notify_me.subscribed", &vars, pick));
                if !memory.subscriptions.contains(&order.id) {
                    d.subscribe = Some(order.id.clone());
                }
            }
            Action::ChangeAddress if !order.status.address_changeable() => {
                d.replies.push(self.reply(lang, "change_address.too_late", &vars, pick));
                d.transition = Some(Transition::HandOff(Reason::SensitiveIntent));
            }
            Action::ChangeAddress => match address {
                Some(address) => {
                    let mut vars = vars.clone();
                    vars.push(("address", &address));
                    d.replies.push(self.reply(lang, "change_address.done", &vars, pick));
                    d.facts.push(("address".into(), address.clone()));
                }
                None => {
                    d.replies.push(self.reply(lang, "change_address.ask_address", &vars, pick));
                    d.awaiting = Some(Awaiting { intent: intent.to_string(), slot: "address".into() });
                }
            },
            _ => {}
        }
        Ok(())
    }

    fn order_vars(&self, lang: Lang, order: &Order) -> Vec<(&'static str, String)> {
        vec![
            ("order_id", order.id.clone()),
            ("status", self.responses.status(lang, order.status.as_str())),
            ("date", self.responses.date(lang, order.status_date)),
            ("amount", self.responses.money(lang, order.amount, &order.currency)),
        ]
    }

    fn hand_off(&self, d: &mut Decision, lang: Lang, reason: Reason, pick: usize) {
        let key = format!("handoff.{}", reason.as_str());
        let key = if self.responses.has_reply(&key) { key } else { "handoff.sensitive_intent".to_string() };
        d.replies.push(self.reply(lang, &key, &[], pick));
        d.transition = Some(Transition::HandOff(reason));
    }

    /// A reply with the buttons dialogue.toml puts under it.
    pub fn reply(&self, lang: Lang, key: &str, vars: &[(&str, &str)], pick: usize) -> Reply {
        let buttons = self
            .script
            .buttons(key)
            .iter()
            .map(|id| Button { id: id.clone(), label: self.responses.button(lang, id) })
            .collect();
        Reply { key: key.to_string(), text: self.responses.reply(lang, key, vars, pick), buttons }
    }

    /// A survey question (`ces` or `csat`) with one button per score.
    pub fn survey_question(&self, lang: Lang, question: &str) -> Reply {
        let max = SURVEY_SCALES.iter().find(|(q, _)| *q == question).map_or(5, |(_, m)| *m);
        let mut r = self.reply(lang, &format!("survey.{question}"), &[], 0);
        r.buttons = (1..=max).map(|n| Button { id: format!("{question}_{n}"), label: n.to_string() }).collect();
        r
    }

    /// The proactive message about an order's new status.
    pub fn order_update(&self, lang: Lang, order: &Order) -> Reply {
        let vars = self.order_vars(lang, order);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.reply(lang, "notify_me.update", &vars, 0)
    }
}

/// Which variant of a reply to use: the number of the customer's message in the conversation, so
/// consecutive answers vary. `memory` already holds this message.
fn pick(memory: &Memory) -> usize {
    memory.customer_messages.saturating_sub(1) as usize
}

fn entity(parse: &Parse, kind: &str) -> Option<String> {
    parse.entities.iter().find(|e| e.kind == kind).map(|e| e.value.clone())
}
