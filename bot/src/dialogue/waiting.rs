//! While the customer waits for a person: the bot still answers what it can (the request for a
//! person stays queued and the agent sees the exchange), passes on everything else, and lets the
//! customer withdraw — and every message gets an answer that says where they stand.

use komek_nlu::parse::EscalationReason;

use super::phrases::PhraseKind;
use super::{Decision, Dialogue, Input, Memory, Resolved, Transition, Understood, remember, remember_order};
use crate::error::BotError;

/// What the bot tells a waiting customer about the queue after its replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueNote {
    /// They asked for a person again (or just checked in): where they stand.
    StillWaiting,
    /// Something for the agent (a complaint, a detail, a feeling): passed on, and where they stand.
    Noted,
    /// After an answer to a routine question: the request for a person still stands.
    StillQueued,
    /// They will take a colleague in any language.
    WaitAny,
    /// They will come back for the answer (or are leaving for now).
    Later,
}

/// The choices offered when nobody who speaks the customer's language is online.
pub const QUEUE_BUTTONS: [&str; 3] = [WAIT_ANY, BACK_TO_BOT, LATER];
const WAIT_ANY: &str = "queue_wait_any";
const BACK_TO_BOT: &str = "queue_bot";
const LATER: &str = "queue_later";

/// A "never mind" longer than this is read as something else ("не надо мне ваших ответов, нужен
/// человек" is no withdrawal).
const WITHDRAW_WORDS: usize = 6;

impl Dialogue {
    pub(super) async fn respond_waiting(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved) -> Result<Decision, BotError> {
        let note = |note: QueueNote| {
            let mut d = Decision { queue_note: Some(note), ..Decision::default() };
            remember(&mut d, memory, input);
            remember_order(&mut d, memory, input);
            d
        };
        match input.button {
            Some(BACK_TO_BOT) => return Ok(self.withdraw(memory, input)),
            Some(WAIT_ANY) => return Ok(note(QueueNote::WaitAny)),
            Some(LATER) => return Ok(note(QueueNote::Later)),
            _ => {}
        }
        let parse = input.parse;
        let has_order = parse.entities.iter().any(|e| e.kind == "order_id");
        let wants_person = parse.escalate.reason == Some(EscalationReason::CustomerRequest) || self.script.asks_for_person(&resolved.intent);
        let words = input.text.split_whitespace().count();
        if !wants_person && !has_order && words <= WITHDRAW_WORDS && self.phrases.says(PhraseKind::Withdraw, input.text) {
            return Ok(self.withdraw(memory, input));
        }
        if !has_order && self.phrases.says(PhraseKind::Farewell, input.text) {
            return Ok(note(QueueNote::Later));
        }
        if wants_person {
            return Ok(note(QueueNote::StillWaiting));
        }
        let action = self.script.action(&resolved.intent);
        let routine = match &resolved.understood {
            Understood::Act => resolved.sure && action.routine() && !self.script.is_small_talk(&resolved.intent),
            // An answer to what the bot asked while the customer waits ("which order?").
            Understood::NoOrderNumber => true,
            _ => false,
        };
        if matches!(resolved.understood, Understood::Ack) || (resolved.understood == Understood::Act && self.script.is_small_talk(&resolved.intent)) {
            // "ok", "thanks", "hello?": they are checking in.
            return Ok(note(QueueNote::StillWaiting));
        }
        if !routine {
            return Ok(note(QueueNote::Noted));
        }
        let mut d = self.answer(memory, input, resolved, None).await?;
        match d.transition {
            // What needs a person goes to the one already coming.
            Some(Transition::HandOff(_)) => Ok(note(QueueNote::Noted)),
            _ => {
                d.transition = None;
                d.queue_note = Some(QueueNote::StillQueued);
                Ok(d)
            }
        }
    }

    /// What the bot would answer to this message if it still handled the conversation — a routine
    /// answer it is sure of, filled with the order's facts — offered to the agent as a suggestion.
    pub async fn would_answer(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved) -> Vec<String> {
        let routine = resolved.understood == Understood::Act
            && resolved.sure
            && self.script.action(&resolved.intent).routine()
            && !self.script.is_small_talk(&resolved.intent);
        if !routine {
            return Vec::new();
        }
        match self.answer(memory, input, resolved, None).await {
            Ok(d) if d.transition.is_none() => d.replies.into_iter().map(|r| r.text).collect(),
            Ok(_) => Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, "no suggestion from the bot for this message");
                Vec::new()
            }
        }
    }

    /// The customer no longer needs a person: the bot takes the conversation back.
    fn withdraw(&self, memory: &Memory, input: &Input<'_>) -> Decision {
        let mut d = Decision { transition: Some(Transition::Withdraw), ..Decision::default() };
        remember(&mut d, memory, input);
        d.replies.push(self.reply(input.lang, "handoff.withdrawn", &[], super::pick(memory)));
        d
    }
}
