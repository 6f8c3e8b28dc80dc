//! One pass over the steps that the criteria and the effort share: who had the conversation before
//! each step, the customer's language at each step, and whether the conversation has ended.

use komek_nlu::Lang;

use super::config::{QualityConfig, key_in};
use super::keys::{CLARIFY_KEYS, MISS_KEYS, RESOLVING_KEYS};
use super::{Context, Step, What, is_survey_button};

/// Who answers the customer at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Bot,
    Waiting,
    WithAgent,
    Closed,
}

pub(super) struct Timeline<'a> {
    pub steps: &'a [Step],
    pub context: &'a Context,
    pub config: &'a QualityConfig,
    /// The phase in force when each step happened (before it changed anything).
    pub phases: Vec<Phase>,
    /// The customer's language as of each step (their last sure message, or their pick).
    pub customer_lang: Vec<Option<Lang>>,
    /// The index of the step that closed the conversation.
    pub closed: Option<usize>,
    /// Closed, or idle past the target.
    pub ended: bool,
    /// When judging stops: the close, or now.
    pub until: i64,
    /// Each bot and agent message's text as phrases are compared with it ([`fold`]); empty for
    /// other steps. Folded once, read by several criteria.
    pub folded: Vec<String>,
}

impl<'a> Timeline<'a> {
    pub fn read(steps: &'a [Step], context: &'a Context, config: &'a QualityConfig) -> Self {
        let mut phases = Vec::with_capacity(steps.len());
        let mut customer_lang = Vec::with_capacity(steps.len());
        let mut phase = Phase::Bot;
        let mut lang = context.lang;
        let mut closed = None;
        let mut folded = Vec::with_capacity(steps.len());
        for (i, step) in steps.iter().enumerate() {
            folded.push(match &step.what {
                What::Bot { text, .. } | What::Agent { text, .. } => super::config::fold(text),
                _ => String::new(),
            });
            match &step.what {
                What::Customer { lang: Some(l), .. } if phase != Phase::Closed => lang = Some(*l),
                What::LanguagePicked { lang: l } => lang = Some(*l),
                _ => {}
            }
            phases.push(phase);
            customer_lang.push(lang);
            phase = match (&step.what, phase) {
                (_, Phase::Closed) => Phase::Closed,
                (What::Handoff { .. }, _) => Phase::Waiting,
                (What::Joined { .. }, _) => Phase::WithAgent,
                (What::Released | What::Withdrawn, _) => Phase::Bot,
                (What::Closed { .. }, _) => {
                    closed = Some(i);
                    Phase::Closed
                }
                (_, p) => p,
            };
        }
        let last = steps.last().map_or(context.now, |s| s.at);
        let idle = context.now - last >= i64::from(config.targets.idle_minutes) * 60_000;
        let until = closed.map_or(context.now, |i| steps[i].at);
        Timeline { steps, context, config, phases, customer_lang, closed, ended: closed.is_some() || idle, until, folded }
    }

    /// The steps with their index, phase and the customer's language then.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &'a Step, Phase)> + '_ {
        self.steps.iter().enumerate().map(|(i, s)| (i, s, self.phases[i]))
    }

    /// Customer messages that speak to us (not survey buttons), by index.
    pub fn customer_turns(&self) -> impl Iterator<Item = usize> + '_ {
        self.iter().filter_map(|(i, s, p)| match &s.what {
            What::Customer { button, .. } if p != Phase::Closed && !button.as_deref().is_some_and(is_survey_button) => Some(i),
            _ => None,
        })
    }

    /// Whether the bot message with this key meets a need.
    pub fn resolving(&self, key: &str) -> bool {
        key_in(key, RESOLVING_KEYS)
    }

    /// Whether the bot message with this key says it did not understand, could not help, or asks
    /// what was meant.
    pub fn miss(&self, key: &str) -> bool {
        key_in(key, MISS_KEYS) || key_in(key, CLARIFY_KEYS)
    }

    /// An intent the bot handles itself.
    pub fn routine(&self, intent: &str) -> bool {
        self.config.routine.intents.iter().any(|i| i == intent)
    }
}
