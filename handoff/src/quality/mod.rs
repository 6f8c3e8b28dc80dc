//! Conversation quality, scored from the event log alone: the automatic effort score on the
//! survey's CES scale and one QA scorecard that judges bot and agent turns by the same criteria.
//! Pure like the rest of the crate: steps in, a scorecard out (the time is an input).
//!
//! The service turns its logged events into [`Step`]s (merging each customer message with its
//! parse, detecting the language an agent wrote in) and the customer's other contacts into a
//! [`Context`]; [`score`] does the rest.

mod config;
mod criteria;
mod effort;
mod keys;
mod timeline;

use std::collections::BTreeMap;

use komek_nlu::Lang;
use serde::{Deserialize, Serialize};

pub use config::{QualityConfig, Words, fold};
pub use keys::{CLARIFY_KEYS, MISS_KEYS, RESOLVING_KEYS};

use crate::policy::Reason;

/// One event of the conversation as the scorer needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The event's id in the log (what verdicts point at).
    pub id: i64,
    /// Unix ms.
    pub at: i64,
    pub what: What,
}

#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// A customer message with what the NLU read in it.
    Customer {
        text: String,
        /// The language the message is written in, when the detection is sure.
        lang: Option<Lang>,
        /// The understood intent (`None`: not understood).
        intent: Option<String>,
        /// Angry or upset.
        upset: bool,
        /// The NLU says this message alone calls for a person (an explicit request, strong emotion).
        wants_person: bool,
        /// The id of a button the customer clicked to send it.
        button: Option<String>,
    },
    /// The customer picked the conversation's language (widget picker, `/lang`).
    LanguagePicked { lang: Lang },
    Bot {
        key: String,
        text: String,
        lang: Lang,
        /// The fact the bot asks for with this message (an order number…).
        asks: Option<String>,
        proactive: bool,
    },
    Agent {
        text: String,
        /// The language the agent wrote in, when the detection is sure.
        lang: Option<Lang>,
        agent: String,
    },
    /// Something the customer told us (order number, phone, e-mail, address).
    Fact { name: String },
    Subscribed { order_id: String },
    Handoff { reason: Reason },
    Joined { agent: String },
    /// The agent handed the conversation back to the bot.
    Released,
    /// The customer withdrew their request for a person.
    Withdrawn,
    /// The conversation was closed (`agent_closed`, `customer_goodbye`, …) from the state it was in.
    Closed { reason: String, while_waiting: bool },
    Note { text: String },
    Survey { question: String, score: u8 },
}

/// A survey score's button (`ces_6`, `csat_4`): the customer's answer to a survey question, not a
/// message to us.
pub fn is_survey_button(id: &str) -> bool {
    ["ces_", "csat_"].iter().any(|p| id.strip_prefix(p).is_some_and(|n| n.parse::<u8>().is_ok()))
}

/// What the log of other conversations says about this one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    /// The conversation's channel.
    pub channel: String,
    /// The language the conversation is held in (when no customer message says better).
    pub lang: Option<Lang>,
    /// Facts the customer gave in earlier conversations (the bot remembers them).
    pub known_facts: Vec<String>,
    /// An earlier contact about the same matter within the repeat-contact window, and its channel.
    pub earlier: Option<Contact>,
    /// A later contact about the same matter within the window: this one did not resolve it.
    pub later: Option<Contact>,
    /// The customer is a VIP (business rules may hand them over on routine matters).
    pub vip: bool,
    /// When subscribed orders changed status after the subscription (order id, unix ms).
    pub order_changes: Vec<(String, i64)>,
    /// Now (unix ms): open conversations are judged up to here.
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub conversation_id: String,
    pub channel: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    RepeatAsk,
    LanguageMismatch,
    SlowReply,
    EmpathyMissed,
    EscalationMissed,
    EscalationNeedless,
    Unresolved,
    PromiseBroken,
    ClosingMissed,
    AgentWording,
    NoteLeak,
}

impl Criterion {
    pub const ALL: [Criterion; 11] = [
        Criterion::RepeatAsk,
        Criterion::LanguageMismatch,
        Criterion::SlowReply,
        Criterion::EmpathyMissed,
        Criterion::EscalationMissed,
        Criterion::EscalationNeedless,
        Criterion::Unresolved,
        Criterion::PromiseBroken,
        Criterion::ClosingMissed,
        Criterion::AgentWording,
        Criterion::NoteLeak,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::RepeatAsk => "repeat_ask",
            Criterion::LanguageMismatch => "language_mismatch",
            Criterion::SlowReply => "slow_reply",
            Criterion::EmpathyMissed => "empathy_missed",
            Criterion::EscalationMissed => "escalation_missed",
            Criterion::EscalationNeedless => "escalation_needless",
            Criterion::Unresolved => "unresolved",
            Criterion::PromiseBroken => "promise_broken",
            Criterion::ClosingMissed => "closing_missed",
            Criterion::AgentWording => "agent_wording",
            Criterion::NoteLeak => "note_leak",
        }
    }

    pub fn parse(name: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Whose turn a verdict judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    Bot,
    Agent,
}

/// One criterion's verdict: `pass` is `None` when it does not apply to this conversation (yet).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub pass: Option<bool>,
    /// The events that decided it (for a failure: the failing moments).
    pub event_ids: Vec<i64>,
    /// Who failed (or, for a pass, whose turns were judged; `None` when not applicable).
    pub who: Option<Who>,
    /// Which agent, when an agent failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

impl Verdict {
    fn na() -> Self {
        Verdict::default()
    }
    fn pass(who: Who) -> Self {
        Verdict { pass: Some(true), event_ids: Vec::new(), who: Some(who), agent: None }
    }
    fn fail(who: Who, event_ids: Vec<i64>, agent: Option<String>) -> Self {
        Verdict { pass: Some(false), event_ids, who: Some(who), agent }
    }
    pub fn failed(&self) -> bool {
        self.pass == Some(false)
    }
}

/// What raised the effort, with the events it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffortReason {
    /// `extra_turns`, `repeat_ask`, `misunderstanding`, `rephrase`, `waiting`, `transfer`,
    /// `channel_switch`, `repeat_contact`, `unresolved`.
    pub what: String,
    pub event_ids: Vec<i64>,
    /// What it cost on the 7-point scale.
    pub points: f64,
}

/// The automatic effort score on the CES survey's scale: 7 = very easy … 1 = very difficult.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Effort {
    pub score: u8,
    /// Before rounding and clamping (7 − the reasons' points).
    pub raw: f64,
    pub reasons: Vec<EffortReason>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub effort: Effort,
    pub criteria: BTreeMap<Criterion, Verdict>,
    /// 100 minus the weights of the failed criteria.
    pub score: u8,
    /// The conversation has ended (closed, or idle past the target), so the scorecard is final
    /// unless later events come.
    pub ended: bool,
}

impl Scorecard {
    pub fn failed(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.criteria.iter().filter(|(_, v)| v.failed()).map(|(c, _)| *c)
    }
}

/// Scores one conversation: its steps in log order, what other conversations say, the config.
pub fn score(steps: &[Step], context: &Context, config: &QualityConfig) -> Scorecard {
    let line = timeline::Timeline::read(steps, context, config);
    let criteria: BTreeMap<Criterion, Verdict> = Criterion::ALL.into_iter().map(|c| (c, criteria::judge(c, &line))).collect();
    let lost: u32 = criteria.iter().filter(|(_, v)| v.failed()).map(|(c, _)| config.weight(*c)).sum();
    let effort = effort::effort(&line, &criteria);
    Scorecard { effort, score: 100u32.saturating_sub(lost) as u8, ended: line.ended, criteria }
}

#[cfg(test)]
mod tests;
