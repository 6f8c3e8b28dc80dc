//! The conversation as the handoff decisions see it: turns with what the NLU made of them, the facts
//! the customer gave, who the customer is and their earlier contacts.

use std::collections::BTreeMap;

use komek_nlu::emotion::Emotion;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Bot,
    Agent,
    System,
}

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// Unix milliseconds.
    pub at: i64,
    pub role: Role,
    pub text: String,
    /// Customer turns: the intent acted on. Bot turns: the intent answered, if any.
    #[serde(default)]
    pub intent: Option<String>,
    /// Customer turns: the emotion of the message.
    #[serde(default)]
    pub emotion: Option<Emotion>,
    /// Customer turns the bot could not make sense of (out of scope or low confidence).
    #[serde(default)]
    pub missed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerInfo {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub channels: Vec<String>,
}

/// An earlier conversation of the same customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastContact {
    pub conversation_id: String,
    /// Unix milliseconds.
    pub started_at: i64,
    pub intents: Vec<String>,
    pub order_ids: Vec<String>,
    pub handed_off: bool,
}

/// Everything known about the conversation at the moment of a decision.
#[derive(Clone, Debug)]
pub struct Conversation<'a> {
    pub language: &'a str,
    pub channel: &'a str,
    /// Oldest first; the latest customer message is the last customer turn.
    pub turns: &'a [Turn],
    pub facts: &'a BTreeMap<String, String>,
    pub customer: &'a CustomerInfo,
    pub past: &'a [PastContact],
    /// Unix milliseconds.
    pub now: i64,
}

/// The latest customer message, as the policy needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal<'a> {
    /// The intent the bot would act on.
    pub intent: &'a str,
    pub confidence: f32,
    pub out_of_scope: bool,
    /// The content marks the intent as a request for a person.
    pub requests_person: bool,
    /// The content marks the intent as sensitive.
    pub sensitive: bool,
    /// The intent is about an order (it needs an order number).
    pub concerns_order: bool,
    pub emotion: Emotion,
    /// The order this message names, if any (a repeat contact is about the same order).
    pub order_id: Option<&'a str>,
}
