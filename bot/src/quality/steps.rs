//! The log as the scorer reads it: events become [`Step`]s (a customer message merged with its parse,
//! an agent message with the language it is written in), and what a conversation is about.

use std::collections::BTreeSet;

use komek_handoff::quality::{QualityConfig, Step, What};
use komek_nlu::Nlu;
use komek_nlu::lang::Switch;
use komek_nlu::parse::EscalationReason;

use crate::events::{ConvState, Event, EventBody};

/// Below this many letters the language of an agent's message is not judged ("ok", "👍").
const MIN_LETTERS: usize = 12;
const MIN_CONFIDENCE: f32 = 0.6;
/// Intents that say nothing about the matter.
const SMALL_TALK: &[&str] = &["greeting", "goodbye", "thanks", "language_change", "oos", "human_agent"];

/// A conversation read for scoring.
#[derive(Clone, Debug, Default)]
pub struct Read {
    pub steps: Vec<Step>,
    /// The conversation's language (its last language decision).
    pub language: Option<komek_nlu::Lang>,
    /// Agents who took part.
    pub agents: BTreeSet<String>,
    pub survey_ces: Option<u8>,
    pub last_event: i64,
    /// What it is about: the orders named and the intents answered.
    pub matter: Matter,
    /// Names of the facts the customer gave.
    pub facts: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matter {
    pub orders: BTreeSet<String>,
    pub intents: BTreeSet<String>,
}

impl Matter {
    /// Two contacts are about the same matter when they name the same order, or, when neither names
    /// one, ask the same non-trivial thing.
    pub fn same(&self, other: &Matter) -> bool {
        if !self.orders.is_empty() && !other.orders.is_empty() {
            return !self.orders.is_disjoint(&other.orders);
        }
        !self.intents.is_empty() && !self.intents.is_disjoint(&other.intents)
    }

    pub fn fold(&mut self, body: &EventBody) {
        match body {
            EventBody::Fact { name, value } if name == "order_id" => {
                self.orders.insert(value.clone());
            }
            EventBody::Subscribed { order_id } => {
                self.orders.insert(order_id.clone());
            }
            EventBody::BotMessage { intent: Some(intent), proactive: false, .. } if !SMALL_TALK.contains(&intent.as_str()) => {
                self.intents.insert(intent.clone());
            }
            _ => {}
        }
    }
}

/// Reads a conversation's events (in log order).
pub fn read(events: &[Event], nlu: &Nlu, config: &QualityConfig) -> Read {
    let mut r = Read::default();
    for e in events {
        r.last_event = r.last_event.max(e.id);
        r.matter.fold(&e.body);
        let what = match &e.body {
            EventBody::CustomerMessage { text, button, .. } => Some(What::Customer {
                text: text.clone(),
                lang: None,
                intent: None,
                upset: false,
                wants_person: false,
                button: button.clone(),
            }),
            EventBody::Parse { parse } => {
                // The parse belongs to the customer message just before it.
                if let Some(Step { what: What::Customer { lang, intent, upset, wants_person, .. }, .. }) = r.steps.last_mut() {
                    if parse.lang.unsupported.is_none() && parse.lang.confidence >= MIN_CONFIDENCE {
                        *lang = Some(parse.lang.code);
                    }
                    if parse.intent.is_sure() && parse.intent.name != "oos" {
                        *intent = Some(parse.intent.name.clone());
                    }
                    *upset = parse.emotion.label.is_negative() && parse.emotion.score >= config.targets.upset_emotion;
                    // The scorecard's own bar for anger, so it can find a policy that lets it pass.
                    let strong = *upset && parse.emotion.score >= config.targets.strong_emotion;
                    *wants_person = strong || (parse.escalate.needed && parse.escalate.reason == Some(EscalationReason::CustomerRequest));
                }
                None
            }
            EventBody::Language { state, reason } => {
                r.language = Some(state.current());
                (*reason == Switch::Explicit).then(|| What::LanguagePicked { lang: state.current() })
            }
            EventBody::BotMessage { key, text, lang, awaiting, proactive, .. } => Some(What::Bot {
                key: key.clone(),
                text: text.clone(),
                lang: *lang,
                asks: awaiting.as_ref().map(|a| a.slot.clone()).filter(|s| s != "ces" && s != "csat"),
                proactive: *proactive,
            }),
            EventBody::AgentMessage { text, agent, .. } => {
                r.agents.insert(agent.clone());
                let lang = nlu
                    .detector
                    .detect(text)
                    .filter(|d| d.unsupported.is_none() && d.letters >= MIN_LETTERS && d.confidence >= MIN_CONFIDENCE)
                    .map(|d| d.lang);
                Some(What::Agent { text: text.clone(), lang, agent: agent.clone() })
            }
            EventBody::Fact { name, .. } => {
                r.facts.insert(name.clone());
                Some(What::Fact { name: name.clone() })
            }
            EventBody::Subscribed { order_id } => Some(What::Subscribed { order_id: order_id.clone() }),
            EventBody::StateChanged { from, to, reason } => match (from, to) {
                (_, ConvState::Closed) => Some(What::Closed { reason: reason.clone(), while_waiting: *from == ConvState::WaitingAgent }),
                (ConvState::WithAgent, ConvState::Bot) => Some(What::Released),
                (ConvState::WaitingAgent, ConvState::Bot) => Some(What::Withdrawn),
                _ => None,
            },
            EventBody::HandoffRequested { reason, .. } => Some(What::Handoff { reason: *reason }),
            EventBody::AgentJoined { agent, .. } => {
                r.agents.insert(agent.clone());
                Some(What::Joined { agent: agent.clone() })
            }
            EventBody::Note { text, .. } => Some(What::Note { text: text.clone() }),
            EventBody::SurveyAnswer { question, score } => {
                if question == "ces" {
                    r.survey_ces = Some(*score);
                }
                Some(What::Survey { question: question.clone(), score: *score })
            }
            EventBody::ConversationStarted { .. } | EventBody::SystemMessage { .. } | EventBody::QueueTold { .. } => None,
        };
        if let Some(what) = what {
            r.steps.push(Step { id: e.id, at: e.at, what });
        }
    }
    r
}
