//! A customer of the chat API in tests: a session, messages over HTTP, a WebSocket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// The header tests name as their trusted proxy's (`Config::trusted_proxy_header`).
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// A distinct private client address for the `n`th simulated customer, sent in `FORWARDED_FOR`.
pub fn client_address(n: usize) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

pub struct Customer {
    pub http: reqwest::Client,
    pub base: String,
    pub session_id: String,
    pub token: String,
    pub conversation_id: String,
}

/// The answer to one message: the messages it produced and the conversation state after it.
#[derive(Debug)]
pub struct Turn {
    pub messages: Vec<Value>,
    pub state: String,
    /// Where the customer stands while waiting for a person (`null` otherwise).
    pub queue: Value,
}

impl Turn {
    /// The bot's replies, joined.
    pub fn bot_text(&self) -> String {
        self.messages.iter().filter(|m| m["role"] == "bot").map(|m| m["text"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
    }

    pub fn bot_lang(&self) -> String {
        self.messages.iter().rev().find(|m| m["role"] == "bot").map_or(String::new(), |m| m["lang"].as_str().unwrap_or_default().to_string())
    }

    pub fn button_ids(&self) -> Vec<String> {
        self.messages
            .iter()
            .flat_map(|m| m["buttons"].as_array().cloned().unwrap_or_default())
            .map(|b| b["id"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Customer {
    pub async fn start(base: &str, locale: Option<&str>) -> Self {
        Self::start_with(base, locale, reqwest::Client::new()).await
    }

    /// A customer on a client address of their own, as a trusted proxy reports it: many customers
    /// of one test are many clients (a service started with `trusted_proxy_header =
    /// FORWARDED_FOR`), not one address over the anonymous-session limit.
    pub async fn start_from(base: &str, locale: Option<&str>) -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let address = client_address(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) as usize);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(FORWARDED_FOR, address.parse().expect("an address is a header value"));
        let http = reqwest::Client::builder().default_headers(headers).build().expect("client");
        Self::start_with(base, locale, http).await
    }

    async fn start_with(base: &str, locale: Option<&str>, http: reqwest::Client) -> Self {
        let body = match locale {
            Some(l) => json!({"locale": l}),
            None => json!({}),
        };
        let r = http.post(format!("{base}/api/v1/chat/sessions")).json(&body).send().await.expect("session request");
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        Self {
            http,
            base: base.to_string(),
            session_id: v["session_id"].as_str().unwrap().to_string(),
            token: v["token"].as_str().unwrap().to_string(),
            conversation_id: v["conversation_id"].as_str().unwrap().to_string(),
        }
    }

    /// The same customer on a service that now listens at `base` (after a restart).
    pub fn moved_to(mut self, base: &str) -> Self {
        self.base = base.to_string();
        self
    }

    pub fn messages_url(&self) -> String {
        format!("{}/api/v1/chat/sessions/{}/messages", self.base, self.session_id)
    }

    /// Sends a message and expects 200.
    pub async fn say(&self, text: &str) -> Turn {
        self.send(json!({"text": text})).await
    }

    pub async fn click(&self, button: &str, label: &str) -> Turn {
        self.send(json!({"text": label, "button": button})).await
    }

    async fn send(&self, body: Value) -> Turn {
        let (status, v) = self.post_raw(&body.to_string(), Some(&self.token)).await;
        assert_eq!(status, StatusCode::OK, "{body} -> {v}");
        Turn {
            messages: v["messages"].as_array().cloned().unwrap_or_default(),
            state: v["state"].as_str().unwrap_or_default().to_string(),
            queue: v["queue"].clone(),
        }
    }

    /// Posts any body with any token; returns the status and the JSON answer.
    pub async fn post_raw(&self, body: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.http.post(self.messages_url()).header("content-type", "application/json").body(body.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn history(&self, after: Option<i64>) -> (Vec<Value>, String) {
        let url = match after {
            Some(a) => format!("{}?after={a}", self.messages_url()),
            None => self.messages_url(),
        };
        let r = self.http.get(url).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        (v["messages"].as_array().cloned().unwrap_or_default(), v["state"].as_str().unwrap_or_default().to_string())
    }

    /// The conversation's state and, while waiting, the `queue` object, as a reload shows them.
    pub async fn standing(&self) -> (String, Value) {
        let r = self.http.get(self.messages_url()).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        (v["state"].as_str().unwrap_or_default().to_string(), v["queue"].clone())
    }

    pub async fn websocket(&self) -> Live {
        let url = format!("{}/api/v1/chat/sessions/{}/ws?token={}", self.base.replace("http://", "ws://"), self.session_id, self.token);
        let (stream, _) = connect_async(url).await.expect("websocket connects");
        Live { stream }
    }
}

/// A customer's WebSocket.
pub struct Live {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Live {
    pub async fn say(&mut self, text: &str) {
        self.stream.send(WsMessage::Text(json!({"type": "message", "text": text}).to_string().into())).await.unwrap();
    }

    pub async fn send_raw(&mut self, frame: &str) {
        self.stream.send(WsMessage::Text(frame.to_string().into())).await.unwrap();
    }

    /// The next JSON frame (panics after 20 s of silence).
    pub async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(20), self.stream.next()).await.expect("a frame within 20 s");
            match frame.expect("open socket").expect("frame") {
                WsMessage::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                _ => continue,
            }
        }
    }

    /// The next JSON frame if one comes within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()?;
            if let WsMessage::Text(t) = frame.expect("open socket").expect("frame") {
                return Some(serde_json::from_str(t.as_str()).unwrap());
            }
        }
    }

    /// Frames up to and including the next `state` frame; returns it.
    pub async fn until_state(&mut self) -> Value {
        loop {
            let f = self.next().await;
            if f["type"] == "state" {
                return f;
            }
        }
    }

    /// Frames up to and including the first `message` event from `role`; returns that message.
    pub async fn next_from(&mut self, role: &str) -> Value {
        loop {
            let f = self.next().await;
            if f["type"] == "message" && f["message"]["role"] == role {
                return f["message"].clone();
            }
        }
    }
}

/// The link code in a `link.code` reply: the word after "/link" (`ABCDE-FGHJK`).
pub fn link_code(text: &str) -> Option<String> {
    let after = text.split("/link ").nth(1)?;
    let code: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (code.len() == 11).then_some(code)
}

/// Letters only Kazakh uses among the shipped Cyrillic languages.
pub fn has_kazakh_letters(text: &str) -> bool {
    text.chars().flat_map(char::to_lowercase).any(|c| "әғқңөұүһ".contains(c))
}

pub fn is_cyrillic(text: &str) -> bool {
    text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}
