//! The dialogue: given what the bot remembers of a conversation and the parse of the customer's
//! message, what it says and does. Which action handles which intent, and every word, come from
//! `models/content` (dialogue.toml, responses/<lang>.ftl); the code knows only the actions.

pub mod memory;
mod orders;
pub mod phrases;
pub mod responses;
pub mod script;
mod understand;
mod waiting;
#[cfg(test)]
mod tests;

use komek_handoff::Reason;
use komek_nlu::{Lang, Parse};

use crate::backoffice::{BackOffice, Order};
use crate::error::BotError;
use crate::events::{Awaiting, Button, ConvState, EventBody};
pub use memory::Memory;
use responses::Responses;
use phrases::Phrases;
pub use script::{Action, Script};
pub use understand::{ORDER_BUTTON, Resolved, Understood};
pub use waiting::{QUEUE_BUTTONS, QueueNote};

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
    /// The language of the replies, when not the conversation's (a customer writing in a language
    /// the bot does not speak is answered in English).
    pub reply_lang: Option<Lang>,
    /// While the customer waits for a person: what to tell them about the queue after the replies
    /// (the chat fills in where they stand).
    pub queue_note: Option<QueueNote>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The customer said goodbye.
    Close,
    /// A person takes over, for this reason.
    HandOff(Reason),
    /// The customer no longer wants the person they were waiting for.
    Withdraw,
}

impl Transition {
    pub fn state(self) -> ConvState {
        match self {
            Transition::Close => ConvState::Closed,
            Transition::HandOff(_) => ConvState::WaitingAgent,
            Transition::Withdraw => ConvState::Bot,
        }
    }

    /// The `reason` of the `state_changed` event.
    pub fn why(self) -> &'static str {
        match self {
            Transition::Close => "customer_goodbye",
            Transition::HandOff(reason) => reason.as_str(),
            Transition::Withdraw => "customer_withdrew",
        }
    }
}

pub struct Dialogue {
    pub responses: Responses,
    pub script: Script,
    pub backoffice: BackOffice,
    pub phrases: Phrases,
}

impl Dialogue {
    /// What to say and do. `memory` already holds the customer's message; `resolved` comes from
    /// [`Dialogue::resolve`]; `escalation` is the handoff policy's reason when it decided that a
    /// person takes over.
    pub async fn respond(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved, escalation: Option<Reason>) -> Result<Decision, BotError> {
        match memory.state {
            // While a person handles the conversation the bot stays silent; the messages are in the
            // log for the agent.
            ConvState::WithAgent => {
                let mut d = Decision::default();
                remember(&mut d, memory, input);
                remember_order(&mut d, memory, input);
                Ok(d)
            }
            ConvState::WaitingAgent => self.respond_waiting(memory, input, resolved).await,
            _ => self.answer(memory, input, resolved, escalation).await,
        }
    }

    /// The bot's answer to a message while it handles the conversation itself.
    async fn answer(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved, escalation: Option<Reason>) -> Result<Decision, BotError> {
        let mut d = Decision::default();
        let lang = input.lang;
        let pick = pick(memory);
        remember(&mut d, memory, input);
        d.intent = resolved.intent.clone();
        if let Some(reason) = escalation {
            remember_order(&mut d, memory, input);
            self.hand_off(&mut d, lang, reason, pick);
            return Ok(d);
        }
        let intent = resolved.intent.as_str();
        match &resolved.understood {
            Understood::Act => {}
            Understood::Clarify(options) => {
                d.intent.clear();
                let mut reply = self.reply(lang, "clarify", &[], pick);
                reply.buttons = options.iter().map(|id| Button { id: id.clone(), label: self.responses.button(lang, id) }).collect();
                for id in [understand::SOMETHING_ELSE, "human_agent"] {
                    reply.buttons.push(Button { id: id.into(), label: self.responses.button(lang, id) });
                }
                d.replies.push(reply);
                return Ok(d);
            }
            Understood::Rejected => {
                d.replies.push(self.reply(lang, "not_helpful", &[], pick));
                return Ok(d);
            }
            Understood::FollowUp => {
                d.replies.push(self.reply(lang, "followup_more", &[], pick));
                return Ok(d);
            }
            Understood::Ack => {
                d.intent.clear();
                d.replies.push(self.reply(lang, "ack", &[], pick));
                // Whatever the bot was waiting for, it still waits for.
                d.awaiting = memory.awaiting.clone();
                return Ok(d);
            }
            Understood::Unsupported(_) => {
                d.intent.clear();
                let shipped: Vec<Lang> = self.responses.languages().collect();
                let names: Vec<String> =
                    Lang::ALL.iter().filter(|l| shipped.contains(l)).map(|l| self.responses.reply(*l, "language_name", &[], 0)).collect();
                // A customer who already wrote in a language the bot speaks reads that one; a first
                // message gets English, the most widely read.
                let reply_lang = if memory.lang.is_established() { lang } else { Lang::En };
                d.replies.push(self.reply(reply_lang, "unsupported_language", &[("languages", &names.join(", "))], pick));
                d.reply_lang = Some(reply_lang);
                d.awaiting = memory.awaiting.clone();
                return Ok(d);
            }
            Understood::Noise => {
                d.intent.clear();
                d.replies.push(self.reply(lang, "clarify_noise", &[], pick));
                d.awaiting = memory.awaiting.clone();
                return Ok(d);
            }
            Understood::Withdrawn => {
                d.intent.clear();
                d.replies.push(self.reply(lang, "withdrawn", &[], pick));
                return Ok(d);
            }
            Understood::NoOrderNumber => {
                d.replies.push(self.reply(lang, "ask_contact", &[], pick));
                d.awaiting = Some(Awaiting { intent: intent.to_string(), slot: "contact".into() });
                return Ok(d);
            }
        }
        let action = self.script.action(intent);
        match action {
            Action::Reply => {
                let key = self.script.reply_key(intent).to_string();
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
                    let key = self.script.reply_key(intent).to_string();
                    d.replies.push(self.reply(lang, &key, &[], pick));
                }
            }
            Action::Handoff => self.hand_off(&mut d, lang, Reason::SensitiveIntent, pick),
            Action::LanguageChange => {
                d.replies.push(self.reply(lang, "language_changed", &[], pick));
                // The question the bot was waiting on survives the switch, asked again in the new language.
                if let Some(aw) = memory.awaiting.clone().filter(|a| a.intent != SURVEY) {
                    let order = memory.facts.get("order_id").cloned().unwrap_or_default();
                    let key = match aw.slot.as_str() {
                        "address" => "change_address.ask_address",
                        "contact" => "ask_contact",
                        _ => "ask_order_id",
                    };
                    d.replies.push(self.reply(lang, key, &[("order_id", &order)], pick));
                    d.awaiting = Some(aw);
                }
            }
            Action::OutOfScope => {
                let key = if memory.misses >= 1 { "oos_again" } else { "oos" };
                d.replies.push(self.reply(lang, key, &[], pick));
            }
            _ => self.order_action(&mut d, memory, input, resolved, action).await?,
        }
        Ok(d)
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

/// The phone and e-mail the message gives, when new.
fn remember(d: &mut Decision, memory: &Memory, input: &Input<'_>) {
    for kind in ["phone", "email"] {
        if let Some(v) = entities(input.parse, kind).into_iter().next().filter(|v| memory.facts.get(kind) != Some(v)) {
            d.facts.push((kind.to_string(), v));
        }
    }
}

/// The order the message names, when it names exactly one and it is new.
fn remember_order(d: &mut Decision, memory: &Memory, input: &Input<'_>) {
    if let [id] = entities(input.parse, "order_id").as_slice()
        && memory.facts.get("order_id") != Some(id)
        && !d.facts.iter().any(|(n, v)| n == "order_id" && v == id)
    {
        d.facts.push(("order_id".into(), id.clone()));
    }
}

/// The values of the entities of `kind` in the parse, in order, without repeats.
fn entities(parse: &Parse, kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in parse.entities.iter().filter(|e| e.kind == kind) {
        if !out.contains(&e.value) {
            out.push(e.value.clone());
        }
    }
    out
}
