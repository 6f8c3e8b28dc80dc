//! A customer's data: the export holds everything stored about them, and the erase leaves no name,
//! contact, fact, address, message text or Telegram chat id of theirs in any table — on both channels
//! of a linked customer — while the reports still count their conversations and handoffs. The real
//! service on SQLite with the fake Telegram Bot API (`support/fake_telegram.rs`).

use std::time::Duration;

use komek::config::TelegramConfig;
use komek_nlu::Lang;
use komek_tests::agent::agent;
use komek_tests::chat::{Customer, link_code};
use komek_tests::fake_telegram::FakeTelegram;
use komek_tests::stored::stored_text;
use komek_tests::{ADMIN_TOKEN, TestService};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOKEN: &str = "7012345678:AAFkomek-test-token_0123456789abcdef";
const WAIT: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(800);
/// A chat id no number in the database would contain by chance.
const CHAT: i64 = 7_310_429;

const NAME: &str = "Айгерим Эрасова";
const EMAIL: &str = "aigerim.erase@example.kz";
const PHONE: &str = "+77015559876";
const ADDRESS: &str = "Абая 150";
const AGENT_WORDS: &str = "посылка Айгерим";

async fn admin(service: &TestService, method: reqwest::Method, path: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new().request(method, service.url(path)).bearer_auth(ADMIN_TOKEN).send().await.expect("admin request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A widget customer who gave their name, e-mail and phone.
async fn web_customer(service: &TestService) -> (Customer, String) {
    let http = reqwest::Client::new();
    let body = json!({"locale": "ru", "customer": {"name": NAME, "email": EMAIL, "phone": PHONE}});
    let r = http.post(service.url("/api/v1/chat/sessions")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let customer_id = v["customer_id"].as_str().expect("customer_id").to_string();
    let c = Customer {
        http,
        base: service.base.clone(),
        session_id: v["session_id"].as_str().unwrap().into(),
        token: v["token"].as_str().unwrap().into(),
        conversation_id: v["conversation_id"].as_str().unwrap().into(),
    };
    (c, customer_id)
}

async fn report(supervisor: &komek_tests::agent::AgentClient) -> Value {
    let (status, v) = supervisor.get("/api/v1/agent/analytics?days=7").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["overall"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_of_a_linked_customer_leaves_no_personal_data_and_keeps_the_counts() {
    let tg = FakeTelegram::start(TOKEN).await;
    let telegram = TelegramConfig { token: TOKEN.into(), api_url: Some(tg.url()), webhook_url: None, webhook_secret: None };
    let service = TestService::start_with("privacy", |config| config.telegram = Some(telegram)).await;

    // The widget customer links their Telegram chat.
    let (web, customer_id) = web_customer(&service).await;
    let code = link_code(&web.say("/link").await.bot_text()).expect("a link code");
    let before = tg.sent_to(CHAT).len();
    tg.push_message(CHAT, CHAT, "ru", &format!("/link {code}"));
    tg.wait_for_sent_to(CHAT, before + 1, WAIT).await;
    tg.settle(QUIET, WAIT).await;
    let (messages, _) = web.history(None).await;
    let ask = messages.iter().rev().find(|m| m["buttons"].as_array().is_some_and(|b| b.iter().any(|b| b["id"] == "link_yes"))).expect("asked to link");
    let yes = ask["buttons"].as_array().unwrap().iter().find(|b| b["id"] == "link_yes").unwrap()["label"].as_str().unwrap().to_string();
    web.click("link_yes", &yes).await;

    // Words on both channels, a handoff, an agent's reply and note.
    web.say(&format!("Где мой заказ 100017? Адрес доставки: {ADDRESS}, телефон {PHONE}")).await;
    let before = tg.sent_to(CHAT).len();
    tg.push_message(CHAT, CHAT, "ru", &format!("позовите оператора, я по поводу {ADDRESS}"));
    tg.wait_for_sent_to(CHAT, before + 1, WAIT).await;
    tg.settle(QUIET, WAIT).await;
    let olga = agent(&service, "olga", &[Lang::Ru], "supervisor").await;
    let mut queue = Vec::new();
    for _ in 0..100 {
        queue = olga.queue().await;
        if !queue.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let handoff = queue.first().unwrap_or_else(|| panic!("a handoff in the queue")).clone();
    let (status, _) = olga.post(&format!("/api/v1/agent/handoffs/{}/claim", handoff["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let conversation = handoff["conversation_id"].as_str().unwrap().to_string();
    let (status, _) = olga.post(&format!("/api/v1/agent/conversations/{conversation}/messages"), json!({"text": AGENT_WORDS})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = olga.post(&format!("/api/v1/agent/conversations/{conversation}/notes"), json!({"text": format!("живёт на {ADDRESS}")})).await;
    assert_eq!(status, StatusCode::OK);

    // The export has it all, from both channels.
    let (status, export) = admin(&service, reqwest::Method::GET, &format!("/api/v1/customers/{customer_id}/export")).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let text = export.to_string();
    for needle in [NAME, EMAIL, PHONE, ADDRESS, "100017", &format!("tg:{CHAT}"), &format!("User{CHAT}")] {
        assert!(text.contains(needle), "the export lacks {needle}: {export}");
    }
    assert!(export["conversations"].as_array().unwrap().len() >= 2, "web and Telegram conversations: {export}");
    assert!(export["facts"].as_array().unwrap().iter().any(|f| f["value"] == "100017"), "{export}");
    let stored = stored_text(service.store()).await;
    for needle in [NAME, EMAIL, ADDRESS, AGENT_WORDS] {
        assert!(stored.contains(needle), "the check sees what is stored: {needle}");
    }
    let counts_before = report(&olga).await;

    // The erase.
    let (status, _) = admin(&service, reqwest::Method::DELETE, &format!("/api/v1/customers/{customer_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The demo back office's orders are the shop's own record, not the customer's conversation.
    let stored: String = stored_text(service.store()).await.lines().filter(|l| !l.starts_with("orders.")).map(|l| format!("{l}\n")).collect();
    for needle in [NAME, EMAIL, "7015559876", ADDRESS, "Абая", "100017", AGENT_WORDS, &CHAT.to_string(), &format!("User{CHAT}"), "Где мой заказ", "оператора"] {
        let left: Vec<&str> = stored.lines().filter(|l| l.contains(needle)).collect();
        assert!(left.is_empty(), "{needle:?} is still stored: {left:#?}");
    }
    let counts_after = report(&olga).await;
    for figure in ["conversations", "handoffs", "handoff_reasons", "contained"] {
        assert_eq!(counts_after[figure], counts_before[figure], "{figure}: {counts_before} → {counts_after}");
    }
    assert!(counts_after["conversations"].as_u64().unwrap() >= 2 && counts_after["handoffs"].as_u64().unwrap() >= 1, "{counts_after}");

    // The session no longer opens, the queue and the agent no longer hold the conversation, and the
    // export is empty of words.
    let r = web.http.get(web.messages_url()).bearer_auth(&web.token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(olga.queue().await.is_empty());
    let (status, export) = admin(&service, reqwest::Method::GET, &format!("/api/v1/customers/{customer_id}/export")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(export["facts"].as_array().unwrap().is_empty() && export["channels"].as_array().unwrap().is_empty(), "{export}");
    assert!(export["customer"]["erased_at"].is_string() && export["customer"]["name"].is_null(), "{export}");

    // Unknown customers and callers without the admin token.
    let (status, _) = admin(&service, reqwest::Method::DELETE, "/api/v1/customers/c_nobody").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = reqwest::Client::new().get(service.url(&format!("/api/v1/customers/{customer_id}/export"))).bearer_auth("junk").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The same Telegram chat writing again is a new, unknown customer.
    let before = tg.sent_to(CHAT).len();
    tg.push_message(CHAT, CHAT, "ru", "привет");
    tg.wait_for_sent_to(CHAT, before + 1, WAIT).await;
}

async fn count(service: &TestService, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&service.store().pool).await.expect("count")
}

/// One purge pass as of two days later (retention one day): the silent session, the expired agent
/// login and link code go, the customer who spoke is erased — and the reports count the same
/// conversations and handoffs. A pass as of now removes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_and_retention() {
    let service = TestService::start("purge").await;
    let chat = service.running.as_ref().unwrap().chat.clone();
    let settings = komek::purge::PurgeSettings { every: Duration::from_secs(3600), silent_grace_ms: 60_000, retention_days: Some(1) };

    let _silent = Customer::start(&service.base, Some("ru")).await;
    let (talker, _) = web_customer(&service).await;
    talker.say(&format!("Где мой заказ 100017? Адрес доставки: {ADDRESS}")).await;
    talker.say("/link").await;
    talker.say("позовите оператора").await;
    let olga = agent(&service, "olga", &[Lang::Ru], "supervisor").await;
    let before = report(&olga).await;
    assert!(before["handoffs"].as_u64().unwrap() >= 1, "{before}");

    let now = komek::clock::now_ms();
    let nothing = komek::purge::run_once(&chat, &settings, now).await.unwrap();
    assert_eq!(nothing, komek::purge::Purged::default());
    assert_eq!((count(&service, "sessions").await, count(&service, "agent_tokens").await, count(&service, "link_codes").await), (2, 1, 1));

    let later = now + 2 * 86_400_000;
    let purged = komek::purge::run_once(&chat, &settings, later).await.unwrap();
    assert_eq!((purged.silent_sessions, purged.conversations, purged.customers), (1, 1, 1), "{purged:?}");
    assert_eq!((count(&service, "sessions").await, count(&service, "agent_tokens").await, count(&service, "link_codes").await), (0, 0, 0));
    let stored: String = stored_text(service.store()).await.lines().filter(|l| !l.starts_with("orders.")).map(|l| format!("{l}\n")).collect();
    for needle in [NAME, EMAIL, "7015559876", ADDRESS, "100017", "Где мой заказ", "оператора"] {
        assert!(!stored.contains(needle), "{needle:?} is still stored");
    }
    // The supervisor logs in again (the old login was purged).
    let olga = komek_tests::agent::login(&service, "olga").await;
    let after = report(&olga).await;
    // The reports never counted a conversation without a customer message.
    assert_eq!(after["conversations"], before["conversations"], "{before} → {after}");
    assert_eq!(after["handoffs"], before["handoffs"]);
    assert_eq!(after["handoff_reasons"], before["handoff_reasons"]);
    // A second pass finds nothing more.
    assert_eq!(komek::purge::run_once(&chat, &settings, later).await.unwrap(), komek::purge::Purged::default());
}

/// The scheduled job runs by itself: with a one-second interval and no grace, a session that never
/// spoke disappears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_runs_on_its_schedule() {
    let service = TestService::start_with("purge-schedule", |c| {
        c.purge_interval_seconds = 1;
        c.silent_session_grace_seconds = 0;
    })
    .await;
    let silent = Customer::start(&service.base, Some("ru")).await;
    let deadline = std::time::Instant::now() + WAIT;
    while service.store().session(&silent.session_id).await.unwrap().is_some() {
        assert!(std::time::Instant::now() < deadline, "the silent session was never purged");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(count(&service, "conversations").await, 0);
    assert_eq!(count(&service, "customers").await, 0);
}
