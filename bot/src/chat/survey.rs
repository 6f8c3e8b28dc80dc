//! The short survey after a conversation: effort (CES, 1–7) then satisfaction (CSAT, 1–5), asked in
//! the customer's language with one button per score; answers go to the log.

use super::{Chat, TurnOutcome};
use crate::dialogue::{Memory, SURVEY, SURVEY_SCALES};
use crate::error::BotError;
use crate::events::EventBody;
use crate::store::Write;

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
    pub(super) async fn survey_turn(
        &self,
        mut memory: Memory,
        text: &str,
        button: Option<&str>,
        (question, score): (String, u8),
        extra: Vec<Write>,
        now: i64,
    ) -> Result<(Memory, TurnOutcome), BotError> {
        let lang = memory.lang.current();
        let next = SURVEY_SCALES.iter().map(|(q, _)| *q).skip_while(|q| *q != question).nth(1);
        let reply = match next {
            Some(q) => self.dialogue.survey_question(lang, q),
            None => self.dialogue.reply(lang, "survey.thanks", &[], 0),
        };
        let bodies = vec![
            EventBody::CustomerMessage { text: text.to_string(), lang, button: button.map(str::to_string), attachment: None },
            EventBody::SurveyAnswer { question: question.clone(), score },
            EventBody::BotMessage {
                text: reply.text,
                lang,
                key: reply.key,
                intent: None,
                buttons: reply.buttons,
                awaiting: next.map(|q| crate::events::Awaiting { intent: SURVEY.into(), slot: q.into() }),
                proactive: false,
            },
        ];
        let outcome = self.commit_turn(&mut memory, extra, bodies, None, now).await?;
        Ok((memory, outcome))
    }
}
