//! The conversation event log's vocabulary (ARCHITECTURE.md): everything that happens in a
//! conversation is one typed, timestamped, attributed event. Transcripts, conversation state and the
//! customer's memory are folds over these events.

// Reply keys of clarifications (the message's `kind` is `clarify`), and a survey score's button
// (the message's `kind` is `survey`): the quality scorecard reads them the same way.
use komek_handoff::quality::{CLARIFY_KEYS, is_survey_button};
use komek_handoff::queue::QueueInfo;
use komek_handoff::{Reason, Role};
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

    /// A person handles (or is about to handle) the conversation.
    pub fn with_people(self) -> bool {
        matches!(self, ConvState::WaitingAgent | ConvState::WithAgent)
    }
}

impl TryFrom<String> for ConvState {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        ConvState::parse(&s).ok_or_else(|| format!("unknown conversation state {s:?}"))
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
    HandoffRequested { handoff_id: String, reason: Reason, rule: String, priority: u32 },
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
    /// What a waiting customer was told about the queue (with the message that told them).
    QueueTold { queue: QueueInfo },
}

/// The kind of an event, as the `events.kind` column stores it (readers select by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    ConversationStarted,
    CustomerMessage,
    Parse,
    Language,
    BotMessage,
    AgentMessage,
    SystemMessage,
    Fact,
    Subscribed,
    StateChanged,
    HandoffRequested,
    AgentJoined,
    Note,
    SurveyAnswer,
    QueueTold,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ConversationStarted => "conversation_started",
            EventKind::CustomerMessage => "customer_message",
            EventKind::Parse => "parse",
            EventKind::Language => "language",
            EventKind::BotMessage => "bot_message",
            EventKind::AgentMessage => "agent_message",
            EventKind::SystemMessage => "system_message",
            EventKind::Fact => "fact",
            EventKind::Subscribed => "subscribed",
            EventKind::StateChanged => "state_changed",
            EventKind::HandoffRequested => "handoff_requested",
            EventKind::AgentJoined => "agent_joined",
            EventKind::Note => "note",
            EventKind::SurveyAnswer => "survey_answer",
            EventKind::QueueTold => "queue_told",
        }
    }
}

impl EventBody {
    pub fn kind(&self) -> EventKind {
        match self {
            EventBody::ConversationStarted { .. } => EventKind::ConversationStarted,
            EventBody::CustomerMessage { .. } => EventKind::CustomerMessage,
            EventBody::Parse { .. } => EventKind::Parse,
            EventBody::Language { .. } => EventKind::Language,
            EventBody::BotMessage { .. } => EventKind::BotMessage,
            EventBody::AgentMessage { .. } => EventKind::AgentMessage,
            EventBody::SystemMessage { .. } => EventKind::SystemMessage,
            EventBody::Fact { .. } => EventKind::Fact,
            EventBody::Subscribed { .. } => EventKind::Subscribed,
            EventBody::StateChanged { .. } => EventKind::StateChanged,
            EventBody::HandoffRequested { .. } => EventKind::HandoffRequested,
            EventBody::AgentJoined { .. } => EventKind::AgentJoined,
            EventBody::Note { .. } => EventKind::Note,
            EventBody::SurveyAnswer { .. } => EventKind::SurveyAnswer,
            EventBody::QueueTold { .. } => EventKind::QueueTold,
        }
    }

    /// Who an event is attributed to in the log.
    pub fn actor(&self) -> &'static str {
        match self {
            EventBody::CustomerMessage { .. }
            | EventBody::Fact { .. }
            | EventBody::Subscribed { .. }
            | EventBody::SurveyAnswer { .. }
            | EventBody::ConversationStarted { .. }
            | EventBody::Language { reason: Switch::Explicit, .. } => "customer",
            EventBody::Parse { .. } => "nlu",
            EventBody::BotMessage { .. } | EventBody::StateChanged { .. } | EventBody::HandoffRequested { .. } | EventBody::QueueTold { .. } => "bot",
            _ => "system",
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
    pub fn message_parts(&self) -> Option<(Role, &str, Lang, &[Button])> {
        match self {
            EventBody::CustomerMessage { text, lang, .. } => Some((Role::Customer, text, *lang, &[])),
            EventBody::BotMessage { text, lang, buttons, .. } => Some((Role::Bot, text, *lang, buttons)),
            EventBody::AgentMessage { text, lang, .. } => Some((Role::Agent, text, *lang, &[])),
            EventBody::SystemMessage { text, lang } => Some((Role::System, text, *lang, &[])),
            _ => None,
        }
    }
}

/// Kinds that are messages, for queries that read transcripts.
pub const MESSAGE_KINDS: &[EventKind] = &[EventKind::CustomerMessage, EventKind::BotMessage, EventKind::AgentMessage, EventKind::SystemMessage];

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
    pub role: Role,
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
    /// The button a customer clicked to send this (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button: Option<String>,
    /// `clarify`: the bot is not sure what the customer means and asks, one tap per meaning;
    /// `queue`: where a waiting customer stands in the queue; `survey`: the customer's answer to a
    /// survey question (its button says which question and score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}


/// The prefix of reply keys that tell a waiting customer where they stand (the message's `kind` is
/// `queue`).
const QUEUE_KEY_PREFIX: &str = "queue.";

impl Event {
    pub fn message(&self) -> Option<Message> {
        let (role, text, lang, buttons) = self.body.message_parts()?;
        Some(Message {
            id: self.id,
            role,
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
            button: match &self.body {
                EventBody::CustomerMessage { button, .. } => button.clone(),
                _ => None,
            },
            kind: match &self.body {
                EventBody::BotMessage { key, .. } if CLARIFY_KEYS.contains(&key.as_str()) => Some("clarify".into()),
                EventBody::BotMessage { key, .. } if key.starts_with(QUEUE_KEY_PREFIX) => Some("queue".into()),
                EventBody::CustomerMessage { button: Some(b), .. } if is_survey_button(b) => Some("survey".into()),
                _ => None,
            },
        })
    }
}
