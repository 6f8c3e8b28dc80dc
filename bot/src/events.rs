//! The conversation event log's vocabulary (ARCHITECTURE.md): everything that happens in a
//! conversation is one typed, timestamped, attributed event. Transcripts, conversation state and the
//! customer's memory are folds over these events.

use komek_nlu::Lang;
use komek_nlu::Parse;
use komek_nlu::lang::{ConversationLanguage, Switch};
use serde::{Deserialize, Serialize};

use crate::clock::rfc3339;

/// Who is answering the customer now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvState {
    #[default]
    Bot,
    WaitingAgent,
    WithAgent,
    Closed,
}

impl ConvState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConvState::Bot => "bot",
            ConvState::WaitingAgent => "waiting_agent",
            ConvState::WithAgent => "with_agent",
            ConvState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "bot" => ConvState::Bot,
            "waiting_agent" => ConvState::WaitingAgent,
            "with_agent" => ConvState::WithAgent,
            "closed" => ConvState::Closed,
            _ => return None,
        })
    }
}

/// A button under a bot message; clicking it sends its `id` (an intent or `yes`/`no`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub id: String,
    pub label: String,
}

/// A file or other non-text content a customer sent (Telegram).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// photo, document, voice, video, audio, sticker, location, contact, …
    pub kind: String,
    /// The channel's file id, when there is a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// What the bot is waiting for after a reply (e.g. an order number for `order_status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Awaiting {
    pub intent: String,
    pub slot: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventBody {
    ConversationStarted {
        channel: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        locale: Option<String>,
    },
    CustomerMessage {
        text: String,
        lang: Lang,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        button: Option<String>,
        /// A photo, document, voice message… sent instead of (or with) text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<Attachment>,
    },
    /// The NLU's reading of the customer message before it.
    Parse { parse: Box<Parse> },
    /// The conversation-level language decision after a message (or a picker in the widget).
    Language { state: ConversationLanguage, reason: Switch },
    BotMessage {
        text: String,
        lang: Lang,
        /// The reply template it came from.
        key: String,
        /// The intent this answers, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        intent: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        buttons: Vec<Button>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        awaiting: Option<Awaiting>,
        /// Sent on the bot's own initiative (e.g. an order update), not in answer to a message.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        proactive: bool,
    },
    AgentMessage { text: String, lang: Lang, agent: String },
    SystemMessage { text: String, lang: Lang },
    /// Something the customer told us (order number, phone, e-mail, address), remembered across
    /// their conversations.
    Fact { name: String, value: String },
    Subscribed { order_id: String },
    StateChanged { from: ConvState, to: ConvState, reason: String },
    /// The conversation went to the queue for a person.
    HandoffRequested { handoff_id: String, reason: String, rule: String, priority: u32 },
    AgentJoined {
        handoff_id: String,
        agent: String,
        #[serde(default)]
        agent_id: String,
    },
    /// An agent's internal note; customers never see it.
    Note { text: String, agent: String },
    /// The customer's answer to a survey question (`ces` 1–7, `csat` 1–5).
    SurveyAnswer { question: String, score: u8 },
}

impl EventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::ConversationStarted { .. } => "conversation_started",
            EventBody::CustomerMessage { .. } => "customer_message",
            EventBody::Parse { .. } => "parse",
            EventBody::Language { .. } => "language",
            EventBody::BotMessage { .. } => "bot_message",
            EventBody::AgentMessage { .. } => "agent_message",
            EventBody::SystemMessage { .. } => "system_message",
            EventBody::Fact { .. } => "fact",
            EventBody::Subscribed { .. } => "subscribed",
            EventBody::StateChanged { .. } => "state_changed",
            EventBody::HandoffRequested { .. } => "handoff_requested",
            EventBody::AgentJoined { .. } => "agent_joined",
            EventBody::Note { .. } => "note",
            EventBody::SurveyAnswer { .. } => "survey_answer",
        }
    }

    /// What the event is about, indexed for readers that look events up by it.
    pub fn reference(&self) -> Option<&str> {
        match self {
            EventBody::Subscribed { order_id } => Some(order_id),
            EventBody::CustomerMessage { attachment: Some(Attachment { file_id: Some(id), .. }), .. } => Some(id),
            EventBody::Fact { name, .. } => Some(name),
            EventBody::HandoffRequested { handoff_id, .. } | EventBody::AgentJoined { handoff_id, .. } => Some(handoff_id),
            _ => None,
        }
    }

    /// The message a participant sees, if this event is one.
    pub fn message_parts(&self) -> Option<(&'static str, &str, Lang, &[Button])> {
        match self {
            EventBody::CustomerMessage { text, lang, .. } => Some(("customer", text, *lang, &[])),
            EventBody::BotMessage { text, lang, buttons, .. } => Some(("bot", text, *lang, buttons)),
            EventBody::AgentMessage { text, lang, .. } => Some(("agent", text, *lang, &[])),
            EventBody::SystemMessage { text, lang } => Some(("system", text, *lang, &[])),
            _ => None,
        }
    }
}

/// Kinds that are messages, for queries that read transcripts.
pub const MESSAGE_KINDS: &[&str] = &["customer_message", "bot_message", "agent_message", "system_message"];

/// An event as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: i64,
    pub conversation_id: String,
    pub actor: String,
    pub at: i64,
    pub body: EventBody,
}

/// A message as the chat API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub role: String,
    pub text: String,
    pub lang: Lang,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    /// The agent who wrote it (agent messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

impl Event {
    pub fn message(&self) -> Option<Message> {
        let (role, text, lang, buttons) = self.body.message_parts()?;
        Some(Message {
            id: self.id,
            role: role.to_string(),
            text: text.to_string(),
            lang,
            created_at: rfc3339(self.at),
            buttons: buttons.to_vec(),
            author: match &self.body {
                EventBody::AgentMessage { agent, .. } => Some(agent.clone()),
                _ => None,
            },
            attachment: match &self.body {
                EventBody::CustomerMessage { attachment, .. } => attachment.clone(),
                _ => None,
            },
        })
    }
}
