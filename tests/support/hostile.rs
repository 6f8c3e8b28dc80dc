//! Hostile checks shared by the SQLite and the PostgreSQL targets.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{ADMIN_TOKEN, TestService};

/// NUL and other control characters (but newline and tab) in every field a client sends — names,
/// locale, session id, username, order id, message text — give a JSON 400, never a 500.
pub async fn control_characters_are_refused(service: &TestService) {
    let http = reqwest::Client::new();
    let expect_400 = |what: &str, status: StatusCode, body: &Value| {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert!(body["error"]["code"].is_string(), "{what}: a JSON error: {body}");
    };
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = http.post(service.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for bad in ["a\u{0}b", "a\u{1}b", "\u{7f}", "a\u{1b}[31m", "\u{85}x"] {
        let (s, v) = post("/api/v1/chat/sessions", None, json!({"locale": bad})).await;
        expect_400("locale", s, &v);
        let (s, v) = post("/api/v1/chat/sessions", None, json!({"customer": {"name": bad}})).await;
        expect_400("customer name", s, &v);
        let (s, v) = post("/api/v1/chat/sessions", None, json!({"customer": {"email": format!("x{bad}@example.com")}})).await;
        expect_400("customer e-mail", s, &v);
        let (s, v) = post("/api/v1/agent/login", None, json!({"username": bad, "password": "whatever password"})).await;
        expect_400("username", s, &v);
        let (s, v) = post("/api/v1/nlu/parse", None, json!({"text": bad})).await;
        expect_400("nlu text", s, &v);
    }
    let (s, v) = post("/api/v1/chat/sessions", None, json!({"locale": "en"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (session, token) = (v["session_id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string());
    let messages = format!("/api/v1/chat/sessions/{session}/messages");
    let (s, v) = post(&messages, Some(&token), json!({"text": "a\u{0}b"})).await;
    expect_400("message text", s, &v);
    let (s, v) = post(&messages, Some(&token), json!({"text": "hello", "button": "x\u{0}"})).await;
    expect_400("button", s, &v);
    let (s, v) = post(&messages, Some(&token), json!({"text": "line one\nline\ttwo"})).await;
    assert_eq!(s, StatusCode::OK, "newline and tab are text: {v}");
    let (s, v) = post(&format!("/api/v1/chat/sessions/{session}%00/messages"), Some(&token), json!({"text": "hi"})).await;
    expect_400("session id", s, &v);
    let (s, v) = post("/api/v1/orders/1000%0001/status", Some(ADMIN_TOKEN), json!({"status": "shipped"})).await;
    expect_400("order id", s, &v);
    let (s, v) = post("/api/v1/orders/100001/status", Some(ADMIN_TOKEN), json!({"status": "ship\u{0}ped"})).await;
    expect_400("order status", s, &v);
    let r = http.get(service.url(&format!("/api/v1/chat/sessions/{session}/messages?after=1%00"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "query");
}
