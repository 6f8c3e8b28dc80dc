//! Messages the bot handles without the NLU: channel commands (`/start`, `/link`) and non-text
//! content (photos, documents, voice…), which are logged and answered politely — or, during a
//! handoff, passed to the agent.

use super::Chat;
use crate::clock::DAY_MS;
use crate::dialogue::Memory;
use crate::error::BotError;
use crate::events::{Attachment, ConvState, EventBody};
use crate::secrets::random_hex;
use crate::store::Write;

/// How long a link code stays valid.
const LINK_CODE_MS: i64 = DAY_MS / 144; // 10 minutes
const LINK_COMMAND: &str = "/link";

impl Chat {
    /// The events of a message that needs no understanding, or `None` for an ordinary one.
    pub(super) async fn without_nlu(
        &self,
        memory: &mut Memory,
        text: &str,
        attachment: Option<Attachment>,
        writes: &mut Vec<Write>,
        now: i64,
    ) -> Result<Option<Vec<EventBody>>, BotError> {
        let lang = memory.lang.current();
        let customer = |attachment: Option<Attachment>| EventBody::CustomerMessage { text: text.to_string(), lang, button: None, attachment };
        let bot = |r: crate::dialogue::Reply| EventBody::BotMessage {
            text: r.text,
            lang,
            key: r.key,
            intent: None,
            buttons: r.buttons,
            awaiting: None,
            proactive: false,
        };
        if let Some(a) = attachment {
            let mut bodies = vec![customer(Some(a))];
            if memory.state == ConvState::Bot {
                bodies.push(bot(self.dialogue.reply(lang, "error.unsupported_media", &[], 0)));
            }
            return Ok(Some(bodies));
        }
        let trimmed = text.trim();
        let command = trimmed.split_whitespace().next().unwrap_or_default().to_lowercase();
        // `/start@SomeBot` is how Telegram addresses a command to one bot in a group.
        let command = command.split('@').next().unwrap_or_default();
        match command {
            "/start" if memory.state == ConvState::Bot => Ok(Some(vec![customer(None), bot(self.dialogue.reply(lang, "greeting", &[], 0))])),
            LINK_COMMAND => {
                let argument = trimmed.split_whitespace().nth(1);
                let reply = match argument {
                    None => {
                        let code = link_code();
                        writes.push(Write::LinkCode { code: code.clone(), customer_id: memory.customer_id.clone(), expires_at: now + LINK_CODE_MS });
                        self.dialogue.reply(lang, "link.code", &[("code", &code)], 0)
                    }
                    Some(code) => match self.store.link_code(code, now).await? {
                        Some(owner) if owner != memory.customer_id => {
                            writes.push(Write::MergeCustomer { from: memory.customer_id.clone(), into: owner.clone() });
                            writes.push(Write::DeleteLinkCode { code: code.to_string() });
                            self.forget_customer(&memory.customer_id);
                            memory.customer_id = owner;
                            self.dialogue.reply(lang, "link.done", &[], 0)
                        }
                        _ => self.dialogue.reply(lang, "link.invalid", &[], 0),
                    },
                };
                Ok(Some(vec![customer(None), bot(reply)]))
            }
            _ => Ok(None),
        }
    }
}

/// Six digits from the operating system's generator.
fn link_code() -> String {
    let n = u32::from_str_radix(&random_hex(4), 16).unwrap_or(0) % 1_000_000;
    format!("{n:06}")
}
