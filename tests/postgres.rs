//! Whole conversations against PostgreSQL (reported as ignored, with the reason, when no server
//! answers at `KOMEK_TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/postgres; CI sets
//! `KOMEK_REQUIRE_POSTGRES=1` so that there they fail instead). The harness is
//! `komek_tests::trials` (`harness = false`).

use std::time::{Duration, Instant};

use komek_tests::TestService;
use komek_tests::trials::Part;
use serde_json::{Value, json};

/// Kazakh letters that Russian does not have.
const KAZAKH_LETTERS: &[char] = &['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];

/// A customer's chat session over HTTP.
struct Chat {
    http: reqwest::Client,
    session_id: String,
    token: String,
}

impl Chat {
    async fn open(svc: &TestService, locale: &str) -> Chat {
        let http = reqwest::Client::new();
        let resp = http
            .post(svc.url("/api/v1/chat/sessions"))
            .json(&json!({"locale": locale, "customer": {"name": "Айгүл"}}))
            .send()
            .await
            .expect("POST /api/v1/chat/sessions");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 201, "creating a session: {body}");
        let session_id = body["session_id"].as_str().unwrap_or_else(|| panic!("no session_id in {body}")).to_string();
        let token = body["token"].as_str().unwrap_or_else(|| panic!("no token in {body}")).to_string();
        assert!(body["conversation_id"].is_string(), "no conversation_id in {body}");
        Chat { http, session_id, token }
    }

    /// Sends a customer message; returns the answer's `messages` (the customer's first).
    async fn say(&self, svc: &TestService, text: &str) -> Vec<Value> {
        let url = svc.url(&format!("/api/v1/chat/sessions/{}/messages", self.session_id));
        let resp = self.http.post(url).bearer_auth(&self.token).json(&json!({"text": text})).send().await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "sending {text:?}: {body}");
        let messages = body["messages"].as_array().unwrap_or_else(|| panic!("no messages in {body}")).clone();
        assert!(!messages.is_empty(), "sending {text:?}: empty messages in {body}");
        assert_eq!(messages[0]["role"], "customer", "the customer's message comes first: {body}");
        assert_eq!(messages[0]["text"], text, "the customer's message is kept verbatim: {body}");
        messages
    }

    async fn history(&self, svc: &TestService) -> Vec<Value> {
        let url = svc.url(&format!("/api/v1/chat/sessions/{}/messages", self.session_id));
        let resp = self.http.get(url).bearer_auth(&self.token).send().await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "history: {body}");
        body["messages"].as_array().unwrap_or_else(|| panic!("no messages in {body}")).clone()
    }
}

/// The bot's replies in an answer, joined.
fn bot_text(messages: &[Value]) -> String {
    let texts: Vec<&str> =
        messages.iter().filter(|m| m["role"] == "bot").filter_map(|m| m["text"].as_str()).collect();
    texts.join("\n")
}

/// Whether a Russian reply asks the customer for the order number.
fn asks_for_order_number(text: &str) -> bool {
    text.to_lowercase().contains("номер заказа")
}

fn ids(messages: &[Value]) -> Vec<i64> {
    messages.iter().map(|m| m["id"].as_i64().unwrap_or_else(|| panic!("message without an integer id: {m}"))).collect()
}

fn assert_in_order(messages: &[Value]) {
    let ids = ids(messages);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "message ids increase: {ids:?}");
}

fn describe(messages: &[Value]) -> String {
    messages.iter().map(|m| format!("  #{} {}: {}", m["id"], m["role"], m["text"])).collect::<Vec<_>>().join("\n")
}

komek_tests::trials!(
    Part::Postgres;
    conversation_survives_a_restart_on_postgres,
    order_status_change_sends_a_proactive_message_on_postgres,
    handoff_and_racing_claims_on_postgres,
    control_characters_give_400_on_postgres,
    customer_erase_on_postgres,
    purge_and_retention_on_postgres,
);

/// A purge pass as of two days later with a one-day retention on PostgreSQL: the silent session,
/// the expired login and the customer's words go; nothing is left to purge after.
async fn purge_and_retention_on_postgres() {
    let svc = TestService::start_postgres().await;
    let _silent = Chat::open(&svc, "ru").await;
    let talker = Chat::open(&svc, "ru").await;
    talker.say(&svc, "Где мой заказ 100017? Адрес: Абая 150").await;
    talker.say(&svc, "/link").await;
    komek_tests::agent::agent(&svc, "olga", &[komek_nlu::Lang::Ru], "supervisor").await;
    let chat = svc.running.as_ref().unwrap().chat.clone();
    let settings = komek::purge::PurgeSettings { every: Duration::from_secs(3600), silent_grace_ms: 60_000, retention_days: Some(1) };
    let later = komek::clock::now_ms() + 2 * 86_400_000;
    let purged = komek::purge::run_once(&chat, &settings, later).await.unwrap();
    assert_eq!((purged.silent_sessions, purged.conversations, purged.customers), (1, 1, 1), "{purged:?}");
    for table in ["sessions", "agent_tokens", "link_codes"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&svc.store().pool).await.unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let stored = komek_tests::stored::stored_text(svc.store()).await;
    assert!(!stored.contains("Абая") && !stored.contains("Айгүл"), "{stored}");
    assert_eq!(komek::purge::run_once(&chat, &settings, later).await.unwrap(), komek::purge::Purged::default());
    svc.stop().await;
}

/// The erase on PostgreSQL: no name, contact, address or text left in any table; the reports count
/// the conversation and its handoff as before (the Telegram side is in tests/privacy.rs).
async fn customer_erase_on_postgres() {
    let svc = TestService::start_postgres().await;
    let http = reqwest::Client::new();
    let body = json!({"locale": "ru", "customer": {"name": "Айгерим Эрасова", "email": "aigerim.pg@example.kz", "phone": "+77015554321"}});
    let v: Value = http.post(svc.url("/api/v1/chat/sessions")).json(&body).send().await.unwrap().json().await.unwrap();
    let customer_id = v["customer_id"].as_str().expect("customer_id").to_string();
    let chat = Chat { http: http.clone(), session_id: v["session_id"].as_str().unwrap().into(), token: v["token"].as_str().unwrap().into() };
    chat.say(&svc, "Где мой заказ 100017? Адрес: Абая 150").await;
    chat.say(&svc, "позовите оператора").await;
    let olga = komek_tests::agent::agent(&svc, "olga", &[komek_nlu::Lang::Ru], "supervisor").await;
    let before = olga.get("/api/v1/agent/analytics?days=7").await.1["overall"].clone();
    assert!(komek_tests::stored::stored_text(svc.store()).await.contains("Абая 150"), "the check sees what is stored");

    let r = http.delete(svc.url(&format!("/api/v1/customers/{customer_id}"))).bearer_auth(komek_tests::ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let stored: String = komek_tests::stored::stored_text(svc.store()).await.lines().filter(|l| !l.starts_with("orders.")).map(|l| format!("{l}\n")).collect();
    for needle in ["Айгерим", "aigerim.pg@example.kz", "7015554321", "Абая", "100017", "Где мой заказ", "оператора"] {
        let left: Vec<&str> = stored.lines().filter(|l| l.contains(needle)).collect();
        assert!(left.is_empty(), "{needle:?} is still stored: {left:#?}");
    }
    let after = olga.get("/api/v1/agent/analytics?days=7").await.1["overall"].clone();
    for figure in ["conversations", "handoffs", "handoff_reasons"] {
        assert_eq!(after[figure], before[figure], "{figure}: {before} → {after}");
    }
    assert!(after["handoffs"].as_u64().unwrap() >= 1, "{after}");
    svc.stop().await;
}

async fn control_characters_give_400_on_postgres() {
    let service = TestService::start_postgres().await;
    komek_tests::hostile::control_characters_are_refused(&service).await;
    service.stop().await;
}

async fn conversation_survives_a_restart_on_postgres() {
    let svc = TestService::start_postgres().await;
    let ready = reqwest::get(svc.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200, "ready on PostgreSQL");
    // The service really runs on this database: it has migrated it.
    let db = svc.postgres.as_ref().expect("a PostgreSQL service");
    let mut conn = db.connect().await;
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(tables >= 3, "the service created its tables in {} ({tables} tables)", db.name);
    drop(conn);

    let chat = Chat::open(&svc, "ru-RU").await;
    let mut sent = Vec::new();

    let first = chat.say(&svc, "Где мой заказ?").await;
    let reply = bot_text(&first);
    assert!(asks_for_order_number(&reply), "the bot asks for the order number; got:\n{}", describe(&first));
    assert!(first.iter().filter(|m| m["role"] == "bot").all(|m| m["lang"] == "ru"), "Russian replies:\n{}", describe(&first));
    assert!(!reply.contains(KAZAKH_LETTERS), "a Russian reply: {reply}");
    sent.extend(first);

    let second = chat.say(&svc, "100017").await;
    let reply = bot_text(&second);
    assert!(reply.contains("100017"), "the reply names the order; got:\n{}", describe(&second));
    assert!(!asks_for_order_number(&reply), "the bot does not ask again:\n{}", describe(&second));
    sent.extend(second);

    let history = chat.history(&svc).await;
    assert_in_order(&history);
    assert_eq!(ids(&history), ids(&sent), "the history holds exactly what was said:\n{}", describe(&history));
    let customer: Vec<&str> =
        history.iter().filter(|m| m["role"] == "customer").filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(customer, ["Где мой заказ?", "100017"]);
    let before_restart = history.len();

    // Restart on the same database, mid-conversation.
    let svc = svc.restart().await;
    let history = chat.history(&svc).await;
    assert_eq!(history.len(), before_restart, "nothing lost in the restart:\n{}", describe(&history));
    assert_eq!(ids(&history), ids(&sent));

    let third = chat.say(&svc, "а когда вернут деньги?").await;
    let reply = bot_text(&third);
    assert!(
        reply.contains("100017") && !asks_for_order_number(&reply),
        "after the restart the bot still knows the order (mentions 100017, does not ask for the number); got:\n{}",
        describe(&third)
    );
    assert!(third.iter().filter(|m| m["role"] == "bot").all(|m| m["lang"] == "ru"), "Russian replies:\n{}", describe(&third));
    let first_new = ids(&third)[0];
    assert!(first_new > *ids(&sent).last().unwrap(), "ids keep increasing across the restart");
    sent.extend(third);

    let history = chat.history(&svc).await;
    assert_in_order(&history);
    assert_eq!(history.len(), sent.len(), "every message kept:\n{}", describe(&history));
    assert_eq!(ids(&history), ids(&sent));
    let customer: Vec<&str> =
        history.iter().filter(|m| m["role"] == "customer").filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(customer, ["Где мой заказ?", "100017", "а когда вернут деньги?"]);

    // `after` gives only the newer ones.
    let after = ids(&sent)[1];
    let url = svc.url(&format!("/api/v1/chat/sessions/{}/messages?after={after}", chat.session_id));
    let body: Value = chat.http.get(url).bearer_auth(&chat.token).send().await.unwrap().json().await.unwrap();
    let newer = body["messages"].as_array().cloned().unwrap_or_default();
    assert_eq!(ids(&newer), ids(&sent)[2..].to_vec(), "?after={after}: {body}");

    svc.stop().await;
}

async fn order_status_change_sends_a_proactive_message_on_postgres() {
    let svc = TestService::start_postgres().await;
    // The order is paid and not yet shipped, whatever the demo data says.
    svc.set_order_status("100017", "paid").await;

    let chat = Chat::open(&svc, "ru-RU").await;
    let first = chat.say(&svc, "Где мой заказ?").await;
    assert!(asks_for_order_number(&bot_text(&first)), "asks for the number:\n{}", describe(&first));
    let second = chat.say(&svc, "100017").await;
    assert!(bot_text(&second).contains("100017"), "names the order:\n{}", describe(&second));
    let third = chat.say(&svc, "сообщите, когда заказ отправят").await;
    let reply = bot_text(&third);
    assert!(reply.contains("100017"), "confirms the subscription for order 100017; got:\n{}", describe(&third));
    let last_id = *ids(&third).last().unwrap();

    svc.set_order_status("100017", "shipped").await;

    // The update arrives without the customer writing anything.
    let deadline = Instant::now() + Duration::from_secs(20);
    let proactive = loop {
        let history = chat.history(&svc).await;
        let new: Vec<Value> = history.iter().filter(|m| m["id"].as_i64().unwrap_or(0) > last_id).cloned().collect();
        if let Some(m) = new.iter().find(|m| m["role"] == "bot" && m["text"].as_str().is_some_and(|t| t.contains("100017"))) {
            assert!(new.iter().all(|m| m["role"] != "customer"), "no customer message was added:\n{}", describe(&new));
            break m.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no proactive bot message about order 100017 within 20 s of the status change; history:\n{}",
            describe(&history)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(proactive["lang"], "ru", "the update is in the conversation's language: {proactive}");
    assert!(!proactive["text"].as_str().unwrap().contains(KAZAKH_LETTERS), "{proactive}");

    let history = chat.history(&svc).await;
    assert_in_order(&history);
    svc.stop().await;
}

/// The handoff journey on PostgreSQL: the queue, a racing claim decided by the database's
/// conditional update, an agent reply and the survey after close.
async fn handoff_and_racing_claims_on_postgres() {
    use komek_nlu::Lang;
    use komek_tests::agent::agent;
    use komek_tests::chat::Customer;
    use reqwest::StatusCode;

    let svc = TestService::start_postgres().await;
    let a = agent(&svc, "a", &[Lang::Ru], "supervisor").await;
    let b = agent(&svc, "b", &[Lang::Ru], "supervisor").await;
    let c = Customer::start(&svc.base, Some("ru")).await;
    c.say("Заказ 100021").await;
    let t = c.say("Позовите оператора").await;
    assert_eq!(t.state, "waiting_agent");
    let queue = a.queue().await;
    assert_eq!(queue[0]["brief"]["facts"]["order_id"], "100021");
    let path = format!("/api/v1/agent/handoffs/{}/claim", queue[0]["id"].as_str().unwrap());
    let (ra, rb) = tokio::join!(a.post(&path, json!({})), b.post(&path, json!({})));
    assert_eq!([ra.0, rb.0].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{:?} {:?}", ra, rb);
    let winner = if ra.0 == StatusCode::OK { &a } else { &b };
    let conv = if ra.0 == StatusCode::OK { ra.1["conversation_id"].clone() } else { rb.1["conversation_id"].clone() };
    let conv = conv.as_str().unwrap();
    let (s, _) = winner.post(&format!("/api/v1/agent/conversations/{conv}/messages"), json!({"text": "Добрый день! Смотрю заказ."})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = winner.post(&format!("/api/v1/agent/conversations/{conv}/close"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let t = c.click("ces_7", "7").await;
    assert_eq!(t.state, "closed");
    let (history, _) = c.history(None).await;
    assert!(history.iter().any(|m| m["role"] == "agent" && m["text"] == "Добрый день! Смотрю заказ."));
    let answers = svc.store().conversation_events_of(conv, &[komek::events::EventKind::SurveyAnswer]).await.unwrap();
    assert_eq!(answers.len(), 1);

    // Quality on PostgreSQL: scored on demand, stored by the backfill, listed with its survey answer.
    let (s, card) = winner.get(&format!("/api/v1/agent/conversations/{conv}/quality")).await;
    assert_eq!(s, StatusCode::OK, "{card}");
    assert_eq!(card["criteria"]["closing_missed"]["pass"], false, "no further help offered: {card}");
    let nlu = svc.running.as_ref().unwrap().chat.nlu.clone();
    let quality = komek::quality::Quality::load(&komek_tests::models_dir(), nlu).unwrap();
    let written = quality.backfill(svc.store(), 0, komek::clock::now_ms(), |_, _| {}).await.unwrap();
    assert!(written >= 1, "{written}");
    let (s, list) = winner.get("/api/v1/agent/quality?days=1").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = list["conversations"].as_array().unwrap().iter().find(|c| c["conversation_id"] == conv).cloned().unwrap_or_else(|| panic!("{list}"));
    assert_eq!(row["survey_ces"], 7);
    assert_eq!(quality.backfill(svc.store(), 0, komek::clock::now_ms(), |_, _| {}).await.unwrap(), 0, "nothing left to score");
    svc.stop().await;
}
