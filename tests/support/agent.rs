//! An agent in tests: an account made through the service's store, login, the agent API and the
//! console WebSocket.

use std::time::Duration;

use futures_util::StreamExt;
use komek::agents::{AgentRole, NewAgent, add_agent};
use komek_nlu::Lang;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::TestService;

pub const PASSWORD: &str = "correct horse battery";

pub struct AgentClient {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub username: String,
}

/// Creates an agent (`role` agent or supervisor) speaking `languages` and logs them in.
pub async fn agent(service: &TestService, username: &str, languages: &[Lang], role: &str) -> AgentClient {
    add_agent(service.store(), NewAgent { username, password: PASSWORD, languages, role: AgentRole::try_from(role.to_string()).expect("a role"), capacity: 3 }).await.expect("agent added");
    login(service, username).await
}

/// Logs an existing agent (made by [`agent`]) in again.
pub async fn login(service: &TestService, username: &str) -> AgentClient {
    let http = reqwest::Client::new();
    let r = http.post(service.url("/api/v1/agent/login")).json(&json!({"username": username, "password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    AgentClient { http, base: service.base.clone(), token: v["token"].as_str().unwrap().to_string(), username: username.to_string() }
}

impl AgentClient {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn queue(&self) -> Vec<Value> {
        let (s, v) = self.get("/api/v1/agent/queue").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["handoffs"].as_array().cloned().unwrap_or_default()
    }

    /// Claims the handoff of a waiting conversation (waiting up to 2.5 s for it to reach this
    /// agent's queue); returns the conversation id.
    pub async fn claim_conversation(&self, conversation_id: &str) -> String {
        for _ in 0..50 {
            let queue = self.queue().await;
            if let Some(h) = queue.iter().find(|h| h["conversation_id"] == conversation_id) {
                let (s, v) = self.post(&format!("/api/v1/agent/handoffs/{}/claim", h["id"].as_str().unwrap()), json!({})).await;
                assert_eq!(s, StatusCode::OK, "{v}");
                return v["conversation_id"].as_str().unwrap().to_string();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{conversation_id} never reached {}'s queue", self.username);
    }

    /// Writes to the customer (expects success).
    pub async fn write(&self, conversation_id: &str, text: &str) {
        let (s, v) = self.post(&format!("/api/v1/agent/conversations/{conversation_id}/messages"), json!({"text": text})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    /// Adds an internal note (expects success).
    pub async fn note(&self, conversation_id: &str, text: &str) {
        let (s, v) = self.post(&format!("/api/v1/agent/conversations/{conversation_id}/notes"), json!({"text": text})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    /// Closes the conversation (expects success; the survey follows).
    pub async fn close(&self, conversation_id: &str) {
        let (s, v) = self.post(&format!("/api/v1/agent/conversations/{conversation_id}/close"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    pub async fn live(&self) -> AgentLive {
        let url = format!("{}/api/v1/agent/ws?token={}", self.base.replace("http://", "ws://"), self.token);
        let (stream, _) = connect_async(url).await.expect("agent websocket");
        let mut live = AgentLive { stream };
        let first = live.next().await;
        assert_eq!(first["type"], "queue", "the queue comes first: {first}");
        live
    }
}

pub struct AgentLive {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl AgentLive {
    pub async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(20), self.stream.next()).await.expect("a frame within 20 s");
            if let WsMessage::Text(t) = frame.expect("open").expect("frame") {
                return serde_json::from_str(t.as_str()).unwrap();
            }
        }
    }

    /// Sends a frame (e.g. `{"type": "typing", "conversation_id": …}`).
    pub async fn send(&mut self, frame: Value) {
        use futures_util::SinkExt;
        self.stream.send(WsMessage::Text(frame.to_string().into())).await.expect("frame sent");
    }

    /// Frames until one matches.
    pub async fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let f = self.next().await;
            if pred(&f) {
                return f;
            }
        }
    }
}
