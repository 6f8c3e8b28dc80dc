//! Messages the bot handles without the NLU: channel commands (`/start`, `/link`) and non-text
//! content (photos, documents, voice…), which are logged and answered politely — or, during a
//! handoff, passed to the agent.
//!
//! Linking channels cannot be guessed or hijacked: `/link` makes a code of 50 random bits, a public
//! selector and a secret verifier (only its hash is stored). Wrong verifiers count against the code
//! (burnt after [`MAX_CODE_ATTEMPTS`]); every attempt counts against the presenting session and a
//! global budget. The right code joins nothing by itself: the channel that made the code is asked
//! "a new channel wants to join — yes / no", and only a yes there merges the two customers.

use super::turn::Incoming;
use super::{Chat, Unit};
use crate::clock::DAY_MS;
use crate::error::BotError;
use crate::events::{Button, ConvState, EventBody};
use crate::secrets::{same, token_hash};
use crate::store::CustomerWrite;

/// How long a link code stays valid.
const LINK_CODE_MS: i64 = DAY_MS / 144; // 10 minutes
const LINK_COMMAND: &str = "/link";
/// Unambiguous characters (no 0/O, 1/I): 32 of them, five bits each.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// The selector finds the code; the verifier proves it. 5 + 5 characters: 50 bits.
const SELECTOR_CHARS: usize = 5;
const VERIFIER_CHARS: usize = 5;
/// Wrong verifiers after which a code is burnt.
pub const MAX_CODE_ATTEMPTS: i64 = 3;
/// The answers to "a new channel wants to join".
pub const LINK_YES: &str = "link_yes";
pub const LINK_NO: &str = "link_no";

/// A message to another channel of the customer's, sent after the turn's lock is released (that
/// channel may be locked by someone waiting for ours).
pub(crate) struct LinkNotice {
    session_id: String,
    key: &'static str,
    /// With the yes / no buttons.
    ask: bool,
    /// A customer whose cached sessions are stale once the turn committed (merged into another).
    forget: Option<String>,
}

impl Chat {
    /// Records and answers a message that needs no understanding; false for an ordinary one.
    pub(super) async fn without_nlu(&self, unit: &mut Unit, incoming: &Incoming<'_>) -> Result<bool, BotError> {
        let lang = unit.memory.lang.current();
        let text = incoming.text;
        let customer = |attachment| EventBody::CustomerMessage { text: text.to_string(), lang, button: incoming.button.map(str::to_string), attachment };
        if let Some(a) = &incoming.attachment {
            unit.record(customer(Some(a.clone())));
            if unit.memory.state == ConvState::Bot {
                unit.record(self.dialogue.reply(lang, "error.unsupported_media", &[], 0).said(lang));
            }
            return Ok(true);
        }
        if let Some(answer @ (LINK_YES | LINK_NO)) = incoming.button {
            let key = self.link_answer(unit, answer == LINK_YES).await?;
            unit.record(customer(None));
            unit.record(self.dialogue.reply(lang, key, &[], 0).said(lang));
            return Ok(true);
        }
        let trimmed = text.trim();
        let command = trimmed.split_whitespace().next().unwrap_or_default().to_lowercase();
        // `/start@SomeBot` is how Telegram addresses a command to one bot in a group.
        let command = command.split('@').next().unwrap_or_default();
        let reply = match command {
            "/start" if unit.memory.state == ConvState::Bot => self.dialogue.reply(lang, "greeting", &[], 0),
            LINK_COMMAND => {
                let rest: String = trimmed.split_whitespace().skip(1).collect();
                if rest.is_empty() {
                    match self.new_link_code(unit).await? {
                        Some(code) => self.dialogue.reply(lang, "link.code", &[("code", &code)], 0),
                        None => self.dialogue.reply(lang, "link.invalid", &[], 0),
                    }
                } else {
                    let key = self.present_link_code(unit, &rest).await?;
                    self.dialogue.reply(lang, key, &[], 0)
                }
            }
            _ => return Ok(false),
        };
        unit.record(customer(None));
        unit.record(reply.said(lang));
        Ok(true)
    }

    /// A new code for the channel of this unit, shown as `ABCDE-FGHJK`; `None` when the session
    /// has no id (never for the widget or Telegram).
    async fn new_link_code(&self, unit: &mut Unit) -> Result<Option<String>, BotError> {
        let Some(session_id) = unit.memory.session_id.clone() else { return Ok(None) };
        let mut selector = random_code(SELECTOR_CHARS);
        // 25 bits of selector: a clash with a live code is rare, but would fail the whole turn.
        while self.store.link_code(&selector, unit.now).await?.is_some() {
            selector = random_code(SELECTOR_CHARS);
        }
        let verifier = random_code(VERIFIER_CHARS);
        unit.write(CustomerWrite::LinkCode {
            selector: selector.clone(),
            verifier_hash: token_hash(&verifier),
            customer_id: unit.memory.customer_id.clone(),
            session_id,
            expires_at: unit.now + LINK_CODE_MS,
        });
        Ok(Some(format!("{selector}-{verifier}")))
    }

    /// `/link CODE` in another channel: the reply's key. The right code asks the channel that made
    /// it for a yes; nothing is joined yet.
    async fn present_link_code(&self, unit: &mut Unit, code: &str) -> Result<&'static str, BotError> {
        let Some(session_id) = unit.memory.session_id.clone() else { return Ok("link.invalid") };
        if !self.link_limits.allow(&session_id) {
            return Ok("link.limited");
        }
        let Some((selector, verifier)) = parse_code(code) else { return Ok("link.invalid") };
        let Some(row) = self.store.link_code(&selector, unit.now).await? else { return Ok("link.invalid") };
        if row.attempts >= MAX_CODE_ATTEMPTS || row.joiner_session.is_some() {
            return Ok("link.invalid");
        }
        if !same(&row.verifier_hash, &token_hash(&verifier)) {
            // The selector was right: the code itself is being guessed.
            unit.write(if row.attempts + 1 >= MAX_CODE_ATTEMPTS {
                CustomerWrite::DeleteLinkCode { selector }
            } else {
                CustomerWrite::LinkAttempt { selector }
            });
            return Ok("link.invalid");
        }
        if row.customer_id == unit.memory.customer_id || row.session_id == session_id {
            return Ok("link.invalid");
        }
        unit.write(CustomerWrite::LinkJoiner { selector, session_id, customer_id: unit.memory.customer_id.clone() });
        unit.notices.push(LinkNotice { session_id: row.session_id, key: "link.confirm", ask: true, forget: None });
        Ok("link.pending")
    }

    /// Yes or no in the channel that made the code: the reply's key. A yes merges the joining
    /// customer into this one.
    async fn link_answer(&self, unit: &mut Unit, yes: bool) -> Result<&'static str, BotError> {
        let Some(session_id) = unit.memory.session_id.clone() else { return Ok("link.invalid") };
        let Some(row) = self.store.pending_link(&session_id, unit.now).await? else { return Ok("link.invalid") };
        let (Some(joiner_session), Some(joiner)) = (row.joiner_session, row.joiner_customer) else { return Ok("link.invalid") };
        unit.write(CustomerWrite::DeleteLinkCode { selector: row.selector });
        if !yes {
            unit.notices.push(LinkNotice { session_id: joiner_session, key: "link.declined", ask: false, forget: None });
            return Ok("link.declined");
        }
        if joiner != unit.memory.customer_id {
            unit.write(CustomerWrite::Merge { from: joiner.clone(), into: unit.memory.customer_id.clone() });
        }
        unit.notices.push(LinkNotice { session_id: joiner_session, key: "link.done", ask: false, forget: Some(joiner) });
        Ok("link.done")
    }

    /// Tells other channels what a committed turn decided about linking (best effort: a failure
    /// is logged; the customer can start over).
    pub(super) async fn deliver_link_notices(&self, notices: Vec<LinkNotice>) {
        for notice in notices {
            if let Some(customer) = &notice.forget {
                self.forget_customer(customer);
            }
            if let Err(e) = self.tell_session(&notice).await {
                tracing::warn!(error = %e, session = %notice.session_id, "could not tell the other channel about linking");
            }
        }
    }

    async fn tell_session(&self, notice: &LinkNotice) -> Result<(), BotError> {
        self.again(|| self.tell_session_once(notice)).await
    }

    async fn tell_session_once(&self, notice: &LinkNotice) -> Result<(), BotError> {
        let Some(conv) = self.store.current_conversation_of_session(&notice.session_id).await? else { return Ok(()) };
        let slot = self.slot(&conv.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, &conv).await?;
        let lang = memory.lang.current();
        let mut reply = self.dialogue.reply(lang, notice.key, &[], 0);
        if notice.ask {
            let button = |id: &str, label: &str| Button { id: id.to_string(), label: self.dialogue.responses.button(lang, label) };
            reply.buttons = vec![button(LINK_YES, "yes"), button(LINK_NO, "no")];
        }
        let mut unit = Unit::new(memory, Vec::new(), crate::clock::now_ms());
        unit.record(reply.said_proactively(lang));
        let (memory, _) = self.commit(unit).await?;
        if self.is_current(&conv).await? {
            *guard = Some(memory);
        }
        Ok(())
    }
}

/// `n` characters of [`ALPHABET`] from the operating system's generator (32 divides 256: uniform).
fn random_code(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

/// `abcde-fghjk`, `ABCDE FGHJK` → (selector, verifier); `None` unless it is a well-formed code.
fn parse_code(code: &str) -> Option<(String, String)> {
    let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    if code.len() != SELECTOR_CHARS + VERIFIER_CHARS || !code.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    let (selector, verifier) = code.split_at(SELECTOR_CHARS);
    Some((selector.to_string(), verifier.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_fifty_bits_of_an_unambiguous_alphabet() {
        let code = random_code(SELECTOR_CHARS + VERIFIER_CHARS);
        assert_eq!(code.len(), 10);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
        assert!(!ALPHABET.iter().any(|b| b"01IO".contains(b)));
        assert_eq!((ALPHABET.len() as f64).log2() * 10.0, 50.0);
    }

    #[test]
    fn codes_parse_in_any_case_with_or_without_a_dash() {
        let want = Some(("ABCDE".to_string(), "FGHJK".to_string()));
        assert_eq!(parse_code("ABCDE-FGHJK"), want);
        assert_eq!(parse_code("abcde fghjk"), want);
        assert_eq!(parse_code("ABCDEFGHJK"), want);
        assert_eq!(parse_code("ABCDE-FGHJ"), None);
        assert_eq!(parse_code("ABCDE-FGHJ0"), None, "0 is not in the alphabet");
        assert_eq!(parse_code("123456"), None, "old six-digit codes");
        assert_eq!(parse_code("ÅBCDE-FGHJK"), None);
    }
}
