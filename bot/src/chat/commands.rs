//! Messages the bot handles without the NLU: channel commands (`/start`, `/link`) and non-text
//! content (photos, documents, voice…), which are logged and answered politely — or, during a
//! handoff, passed to the agent.

use super::turn::Incoming;
use super::{Chat, Unit};
use crate::clock::DAY_MS;
use crate::error::BotError;
use crate::events::{ConvState, EventBody};
use crate::secrets::random_hex;
use crate::store::CustomerWrite;

/// How long a link code stays valid.
const LINK_CODE_MS: i64 = DAY_MS / 144; // 10 minutes
const LINK_COMMAND: &str = "/link";

impl Chat {
    /// Records and answers a message that needs no understanding; false for an ordinary one.
    pub(super) async fn without_nlu(&self, unit: &mut Unit, incoming: &Incoming<'_>) -> Result<bool, BotError> {
        let lang = unit.memory.lang.current();
        let text = incoming.text;
        let customer = |attachment| EventBody::CustomerMessage { text: text.to_string(), lang, button: None, attachment };
        if let Some(a) = &incoming.attachment {
            unit.record(customer(Some(a.clone())));
            if unit.memory.state == ConvState::Bot {
                unit.record(self.dialogue.reply(lang, "error.unsupported_media", &[], 0).said(lang));
            }
            return Ok(true);
        }
        let trimmed = text.trim();
        let command = trimmed.split_whitespace().next().unwrap_or_default().to_lowercase();
        // `/start@SomeBot` is how Telegram addresses a command to one bot in a group.
        let command = command.split('@').next().unwrap_or_default();
        let reply = match command {
            "/start" if unit.memory.state == ConvState::Bot => self.dialogue.reply(lang, "greeting", &[], 0),
            LINK_COMMAND => match trimmed.split_whitespace().nth(1) {
                None => {
                    let code = link_code();
                    unit.write(CustomerWrite::LinkCode { code: code.clone(), customer_id: unit.memory.customer_id.clone(), expires_at: unit.now + LINK_CODE_MS });
                    self.dialogue.reply(lang, "link.code", &[("code", &code)], 0)
                }
                Some(code) => match self.store.link_code(code, unit.now).await? {
                    Some(owner) if owner != unit.memory.customer_id => {
                        unit.write(CustomerWrite::Merge { from: unit.memory.customer_id.clone(), into: owner.clone() });
                        unit.write(CustomerWrite::DeleteLinkCode { code: code.to_string() });
                        self.forget_customer(&unit.memory.customer_id);
                        unit.memory.customer_id = owner;
                        self.dialogue.reply(lang, "link.done", &[], 0)
                    }
                    _ => self.dialogue.reply(lang, "link.invalid", &[], 0),
                },
            },
            _ => return Ok(false),
        };
        unit.record(customer(None));
        unit.record(reply.said(lang));
        Ok(true)
    }
}

/// Six digits from the operating system's generator.
fn link_code() -> String {
    let n = u32::from_str_radix(&random_hex(4), 16).unwrap_or(0) % 1_000_000;
    format!("{n:06}")
}
