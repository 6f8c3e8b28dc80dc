//! The channels customers write in, behind one seam: each channel owns how its sessions are
//! addressed and how messages reach the customer (live frames to a web socket, or rows in the
//! persistent outbox for a push channel such as Telegram). The chat core only asks the session's
//! channel; a new channel is a new variant here and an adapter of its own, not a change to `chat/`.

use std::sync::Arc;

use komek_handoff::queue::QueueInfo;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::chat::Hub;
use crate::events::{Button, ConvState, EventBody, Message};
use crate::store::{OutboxWrite, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The website widget: REST + WebSocket with a session token.
    Web,
    /// A Telegram chat: updates in, replies through the outbox.
    Telegram,
}

/// The prefix of a Telegram chat's session id (`tg:<chat id>`).
const TELEGRAM_PREFIX: &str = "tg:";

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Telegram => "telegram",
        }
    }

    /// Whether customers of this channel open their session with a bearer token (the chat API);
    /// sessions of other channels are not reachable through it.
    pub fn uses_session_tokens(self) -> bool {
        self == Channel::Web
    }

    /// The session id of a Telegram chat.
    pub fn telegram_session(chat_id: i64) -> String {
        format!("{TELEGRAM_PREFIX}{chat_id}")
    }

    /// What must be written with the events so their messages reach the customer: outbox rows for
    /// push channels, nothing for channels that read the log themselves (the widget).
    pub fn deliveries(self, session_id: &str, bodies: &[EventBody], now: i64) -> Vec<Write> {
        match self {
            Channel::Web => Vec::new(),
            Channel::Telegram => {
                let Some(chat_id) = session_id.strip_prefix(TELEGRAM_PREFIX) else { return Vec::new() };
                bodies
                    .iter()
                    .filter_map(|b| {
                        let (role, text, _, buttons) = b.message_parts()?;
                        (role != komek_handoff::Role::Customer).then(|| {
                            OutboxWrite::Enqueue { channel: self, address: chat_id.to_string(), payload: outbox_payload(text, buttons), at: now }
                                .into()
                        })
                    })
                    .collect()
            }
        }
    }

    /// After a commit: live frames to the session's open sockets, or a wake-up for the outbox worker.
    /// `state` is the conversation's state when it changed or the customer's place in the queue did.
    pub fn publish(self, live: &Live, session_id: &str, messages: &[Message], state: Option<(ConvState, Option<QueueInfo>)>) {
        match self {
            Channel::Web => {
                for m in messages {
                    live.publish(session_id, Arc::from(json!({"type": "message", "message": m}).to_string()));
                }
                if let Some((state, queue)) = state {
                    self.publish_state(live, session_id, state, queue);
                }
            }
            Channel::Telegram => live.wake_outbox(),
        }
    }

    /// The conversation's state (and, while waiting, the queue) to the session's open sockets; push
    /// channels have no status line.
    pub fn publish_state(self, live: &Live, session_id: &str, state: ConvState, queue: Option<QueueInfo>) {
        if self == Channel::Web {
            let mut frame = json!({"type": "state", "state": state});
            if let Some(queue) = queue.filter(|_| state == ConvState::WaitingAgent) {
                frame["queue"] = json!(queue);
            }
            live.publish(session_id, Arc::from(frame.to_string()));
        }
    }

    /// "Someone is writing to you" (best effort; Telegram shows its own indicator from the adapter).
    pub fn typing(self, live: &Live, session_id: &str, role: komek_handoff::Role) {
        if self == Channel::Web {
            live.publish(session_id, Arc::from(json!({"type": "typing", "role": role}).to_string()));
        }
    }
}

impl TryFrom<String> for Channel {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "web" => Ok(Channel::Web),
            "telegram" => Ok(Channel::Telegram),
            _ => Err(format!("unknown channel {s:?}")),
        }
    }
}

/// What a delivery to a push channel carries.
#[derive(Serialize, Deserialize)]
pub struct OutboxPayload {
    pub text: String,
    #[serde(default)]
    pub buttons: Vec<Button>,
}

fn outbox_payload(text: &str, buttons: &[Button]) -> String {
    json!({"text": text, "buttons": buttons}).to_string()
}

/// Where live deliveries go: the in-process hub of sockets and the outbox worker's wake-up, and
/// through the bus the same on every other node sharing the database.
#[derive(Clone, Default)]
pub struct Live {
    pub hub: Hub,
    pub outbox_wake: Arc<tokio::sync::Notify>,
    pub bus: crate::cluster::Bus,
}

impl Live {
    /// A frame to the sockets of `address`, on whichever node they are open.
    pub fn publish(&self, address: &str, frame: Arc<str>) {
        if self.bus.is_shared() {
            self.bus.send(crate::cluster::Notice::Frame { to: address.to_string(), frame: frame.to_string() });
        }
        self.hub.publish(address, frame);
    }

    /// Replies are waiting in the outbox (whichever node delivers their chat).
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
        self.bus.send(crate::cluster::Notice::Outbox);
    }
}
