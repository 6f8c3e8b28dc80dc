//! The short survey after a conversation: effort (CES, 1–7) then satisfaction (CSAT, 1–5), asked in
//! the customer's language with one button per score; answers go to the log.

use super::turn::Incoming;
use super::{Chat, Unit};
use crate::dialogue::{Memory, SURVEY, SURVEY_SCALES};
use crate::events::{Awaiting, EventBody};

/// The survey question the conversation waits for and the score this message gives it, if it is one.
pub fn answer(memory: &Memory, text: &str, button: Option<&str>) -> Option<(String, u8)> {
    let awaiting = memory.awaiting.as_ref().filter(|a| a.intent == SURVEY)?;
    let question = awaiting.slot.as_str();
    let (_, max) = SURVEY_SCALES.iter().find(|(q, _)| *q == question)?;
    let score: u8 = match button {
        Some(b) => b.strip_prefix(question)?.strip_prefix('_')?.parse().ok()?,
        // A bare number (possibly with a star or a dot) counts too.
        None => text.trim().trim_end_matches(['.', '!', '⭐']).trim().parse().ok()?,
    };
    (1..=*max).contains(&score).then(|| (question.to_string(), score))
}

impl Chat {
    /// Records a survey answer and asks the next question or thanks the customer. The conversation
    /// stays as it is (usually closed): the survey belongs to it.
    pub(super) fn survey_turn(&self, mut unit: Unit, incoming: &Incoming<'_>, (question, score): (String, u8)) -> Unit {
        let lang = unit.memory.lang.current();
        let next = SURVEY_SCALES.iter().map(|(q, _)| *q).skip_while(|q| *q != question).nth(1);
        let reply = match next {
            Some(q) => self.dialogue.survey_question(lang, q),
            None => self.dialogue.reply(lang, "survey.thanks", &[], 0),
        };
        unit.record(EventBody::CustomerMessage { text: incoming.text.to_string(), lang, button: incoming.button.map(str::to_string), attachment: None });
        unit.record(EventBody::SurveyAnswer { question, score });
        unit.record(reply.said_with(lang, None, next.map(|q| Awaiting { intent: SURVEY.into(), slot: q.into() })));
        unit
    }
}
