//! The service over real HTTP: health, readiness, the parse endpoint and its errors.

use komek_tests::TestService;
use serde_json::{Value, json};

async fn post_raw(svc: &TestService, path: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(svc.url(path))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn health_and_readiness() {
    let svc = TestService::start("health").await;
    let health: Value = reqwest::get(svc.url("/healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = reqwest::get(svc.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let missing = reqwest::get(svc.url("/nope")).await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let db = svc.dir.as_ref().expect("a SQLite service").path().join("komek.db");
    assert!(db.exists(), "the SQLite file is created on start");
    svc.stop().await;
}

#[tokio::test]
async fn parse_endpoint_gives_the_full_parse() {
    let svc = TestService::start("parse").await;
    let (status, body) =
        post_raw(&svc, "/api/v1/nlu/parse", json!({"text": "Заказым 100017 қашан келеді?"}).to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lang"]["code"], "kk");
    assert_eq!(body["intent"]["name"], "order_status");
    assert_eq!(body["entities"][0]["type"], "order_id");
    assert_eq!(body["entities"][0]["value"], "100017");
    assert!(body["emotion"]["label"].is_string());
    assert_eq!(body["escalate"]["needed"], false);

    let (status, body) = post_raw(&svc, "/api/v1/nlu/parse", json!({"text": "👍", "lang_hint": "kk"}).to_string()).await;
    assert_eq!((status, body["lang"]["code"].clone()), (200, json!("kk")));

    let (status, body) =
        post_raw(&svc, "/api/v1/nlu/parse", json!({"text": "<script>alert(1)</script> оператор!"}).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(body["escalate"]["reason"], "customer_request");
    svc.stop().await;
}

#[tokio::test]
async fn bad_requests_get_clear_json_errors() {
    let svc = TestService::start("bad").await;
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"".to_vec(), 400, "invalid_json"),
        (b"{not json".to_vec(), 400, "invalid_json"),
        (b"\xff\xfe\x00binary".to_vec(), 400, "invalid_json"),
        (br#"{"txt": "hi"}"#.to_vec(), 400, "invalid_request"),
        (br#"{"text": "   "}"#.to_vec(), 400, "empty_text"),
        (br#"{"text": "hi", "lang_hint": "xx"}"#.to_vec(), 400, "unknown_language"),
        (json!({"text": "я".repeat(4001)}).to_string().into_bytes(), 413, "text_too_long"),
    ];
    for (body, status, code) in cases {
        let (got, json) = post_raw(&svc, "/api/v1/nlu/parse", body.clone()).await;
        assert_eq!((got, json["error"]["code"].as_str()), (status, Some(code)), "{}", String::from_utf8_lossy(&body));
        assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Bodies over the limit are refused before parsing.
    let (status, _) = post_raw(&svc, "/api/v1/nlu/parse", vec![b'a'; 200 * 1024]).await;
    assert_eq!(status, 413);
    svc.stop().await;
}

#[tokio::test]
async fn restarts_on_the_same_database() {
    let svc = TestService::start("restart").await;
    let dir = svc.stop().await;
    let again = TestService::start_in(dir.expect("the SQLite folder")).await;
    let ready = reqwest::get(again.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200, "migrations are idempotent across restarts");
    again.stop().await;
}
