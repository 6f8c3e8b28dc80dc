//! The Telegram channel end to end: the real service (random port, temporary SQLite) talks to a fake
//! Bot API server (`support/fake_telegram.rs`) over HTTP, by long polling or by webhook. Customers
//! in Kazakh and Russian, inline buttons, non-text messages, a handoff to an agent and back, a storm
//! of 429/5xx answers with a restart in the middle, the webhook's secret and duplicate updates, and
//! linking a widget customer with a Telegram one. At the bottom, a self-test of the fake itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use komek::config::TelegramConfig;
use komek::events::{ConvState, EventKind};
use komek_nlu::Lang;
use komek_tests::agent::agent;
use komek_tests::chat::{Customer, has_kazakh_letters, link_code};
use komek_tests::fake_telegram::{FakeTelegram, Failure, Sent, Webhook};
use komek_tests::TestService;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A token in Telegram's shape: the bot's user id, a colon, a secret.
const TOKEN: &str = "7012345678:AAFkomek-test-token_0123456789abcdef";
const WAIT: Duration = Duration::from_secs(30);
/// How long without a new message before a turn counts as answered.
const QUIET: Duration = Duration::from_millis(800);

fn polling(tg: &FakeTelegram) -> TelegramConfig {
    TelegramConfig { token: TOKEN.into(), api_url: Some(tg.url()), webhook_url: None, webhook_secret: None }
}

async fn start(name: &str, telegram: TelegramConfig) -> TestService {
    TestService::start_with(name, |config| config.telegram = Some(telegram)).await
}

/// Runs `push` and returns the bot's messages to `chat` that follow: waits for the first, then
/// until the chat is quiet.
async fn exchange(tg: &FakeTelegram, chat: i64, push: impl FnOnce(&FakeTelegram)) -> Vec<Sent> {
    let before = tg.sent_to(chat).len();
    push(tg);
    tg.wait_for_sent_to(chat, before + 1, WAIT).await;
    tg.settle(QUIET, WAIT).await;
    tg.sent_to(chat)[before..].to_vec()
}

fn texts(sent: &[Sent]) -> String {
    sent.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The current conversation of a Telegram chat and its state.
async fn conversation(service: &TestService, chat: i64) -> Option<komek::store::ConversationRow> {
    service.store().current_conversation_of_session(&format!("tg:{chat}")).await.expect("store read")
}

/// Waits until the chat's conversation is in `state`.
async fn wait_for_state(service: &TestService, chat: i64, state: ConvState) {
    let deadline = Instant::now() + WAIT;
    loop {
        let c = conversation(service, chat).await;
        if c.as_ref().is_some_and(|c| c.state == state) {
            return;
        }
        assert!(Instant::now() < deadline, "chat {chat} never reached {state:?}: {c:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Texts of the messages the bot, agents and the system wrote in a conversation, oldest first.
async fn outgoing_log(service: &TestService, conversation_id: &str) -> Vec<String> {
    let events = service.store().conversation_events_of(conversation_id, &[EventKind::BotMessage, EventKind::AgentMessage, EventKind::SystemMessage]).await.unwrap();
    events.iter().filter_map(|e| e.message()).map(|m| m.text).collect()
}

async fn customer_log(service: &TestService, conversation_id: &str) -> Vec<String> {
    let events = service.store().conversation_events_of(conversation_id, &[EventKind::CustomerMessage]).await.unwrap();
    events.iter().filter_map(|e| e.message()).map(|m| m.text).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kazakh_customer_over_polling() {
    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-kk", polling(&tg)).await;
    let chat = 5_001_001;

    // /start: a Kazakh greeting with the menu as an inline keyboard.
    let greeting = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "kk", "/start");
    })
    .await;
    assert!(has_kazakh_letters(&texts(&greeting)), "greeted in Kazakh: {greeting:?}");
    let menu = greeting.iter().find(|s| !s.buttons.is_empty()).unwrap_or_else(|| panic!("an inline keyboard under the greeting: {greeting:?}"));
    assert!(menu.buttons.iter().all(|(label, data)| !label.is_empty() && !data.is_empty()), "{:?}", menu.buttons);
    assert!(menu.buttons.iter().any(|(_, data)| data == "order_status"), "callback_data are the button ids: {:?}", menu.buttons);

    // The typing indicator came before the reply.
    let typing: Vec<_> = tg.actions().into_iter().filter(|a| a.chat_id == chat && a.action == "typing").collect();
    assert!(!typing.is_empty(), "sendChatAction typing: {:?}", tg.actions());
    assert!(typing[0].seq < greeting[0].seq, "typing (call #{}) before the first reply (call #{})", typing[0].seq, greeting[0].seq);

    // Pressing a button: the query is answered and the bot acts on it.
    let (_, data) = menu.buttons.iter().find(|(_, d)| d == "delivery_info").or_else(|| menu.buttons.iter().find(|(_, d)| !d.contains("human"))).unwrap().clone();
    let press = tg.callback_update(chat, chat, "kk", &data, menu.message_id);
    let query_id = press["callback_query"]["id"].as_str().unwrap().to_string();
    let reply = exchange(&tg, chat, |tg| {
        tg.push_raw(press);
    })
    .await;
    let answered = tg.wait_for_answered(1, WAIT).await;
    assert_eq!(answered.iter().filter(|a| a.callback_query_id == query_id).count(), 1, "answerCallbackQuery once: {answered:?}");
    assert!(has_kazakh_letters(&texts(&reply)), "the button {data} answered in Kazakh: {reply:?}");
    let conv = conversation(&service, chat).await.expect("a conversation for the chat");
    assert_eq!(conv.channel, komek::channel::Channel::Telegram);
    let customer = customer_log(&service, &conv.id).await;
    assert_eq!(customer.len(), 2, "/start and the press are customer messages: {customer:?}");

    // A photo and a sticker: polite text replies in Kazakh.
    let reply = exchange(&tg, chat, |tg| {
        tg.push_photo(chat, chat, "kk", None);
    })
    .await;
    assert!(has_kazakh_letters(&texts(&reply)), "a photo is answered politely in Kazakh: {reply:?}");
    let reply = exchange(&tg, chat, |tg| {
        tg.push_sticker(chat, chat, "kk");
    })
    .await;
    assert!(has_kazakh_letters(&texts(&reply)), "a sticker is answered politely in Kazakh: {reply:?}");

    // Where is my order? → the number, please → the status.
    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "kk", "Менің тапсырысым қайда?");
    })
    .await;
    let t = texts(&reply);
    assert!(has_kazakh_letters(&t) && t.to_lowercase().contains("нөмір"), "asks for the number in Kazakh: {t}");
    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "kk", "100003");
    })
    .await;
    let t = texts(&reply);
    assert!(t.contains("100003") && has_kazakh_letters(&t), "the status of 100003 in Kazakh: {t}");

    // Anger → a handoff, told in Kazakh.
    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "kk", "Бұл сұмдық! Тапсырыс әлі жоқ, мен қатты ашулымын!!!");
    })
    .await;
    assert!(has_kazakh_letters(&texts(&reply)), "the handoff is announced in Kazakh: {reply:?}");
    wait_for_state(&service, chat, ConvState::WaitingAgent).await;

    // The agent claims and writes: the text reaches the chat as it is.
    let aigerim = agent(&service, "aigerim", &[Lang::Kk], "agent").await;
    let queue = aigerim.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["language"], "kk");
    let handoff_id = queue[0]["id"].as_str().unwrap().to_string();
    let (s, claimed) = aigerim.post(&format!("/api/v1/agent/handoffs/{handoff_id}/claim"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{claimed}");
    let conv_id = claimed["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(conv_id, conv.id);
    let text = "Сәлеметсіз бе, тексеріп жатырмын";
    let (s, v) = aigerim.post(&format!("/api/v1/agent/conversations/{conv_id}/messages"), json!({"text": text})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    tg.wait_for_message(chat, WAIT, |m| m.text == text).await;
    tg.settle(QUIET, WAIT).await;
    assert_eq!(tg.sent_to(chat).iter().filter(|m| m.text == text).count(), 1, "delivered once");

    // The chat got exactly what the log says it was told, in order.
    let told: Vec<String> = tg.sent_to(chat).iter().map(|s| s.text.clone()).collect();
    assert_eq!(told, outgoing_log(&service, &conv_id).await);
    assert!(tg.sent().iter().all(|s| s.chat_id == chat), "nothing to other chats");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429_and_5xx_loses_nothing() {
    const CHATS: i64 = 50;
    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-storm", polling(&tg)).await;
    let chats: Vec<i64> = (1..=CHATS).map(|i| 6_000_000 + i).collect();

    // Among the first 60 sendMessage calls: 18 × 429 (retry after 1 s) and 6 × 500.
    let schedule: Vec<Failure> = (0..60)
        .map(|i| match i {
            i if i % 10 == 5 => Failure::ServerError,
            i if i % 3 == 0 => Failure::TooMany(1),
            _ => Failure::Pass,
        })
        .collect();
    tg.fail_next_sends(schedule);

    let messages = |i: usize| -> [String; 4] {
        [
            "hello".into(),
            format!("where is my order {}", 100_001 + (i % 40)),
            "how much does delivery cost?".into(),
            "thank you!".into(),
        ]
    };
    let mut first_update = None;
    for round in 0..4 {
        for (i, &chat) in chats.iter().enumerate() {
            let update = tg.message_update(chat, chat, "en", &messages(i)[round]);
            first_update.get_or_insert_with(|| update.clone());
            tg.push_raw(update);
        }
    }

    // Stop in the middle of the deliveries, start again on the same database.
    let t0 = Instant::now();
    tg.wait_for_sent(80, Duration::from_secs(240)).await;
    let (mut logged, mut handled) = (0, 0);
    for &chat in &chats {
        if let Some(conv) = conversation(&service, chat).await {
            logged += outgoing_log(&service, &conv.id).await.len();
            handled += customer_log(&service, &conv.id).await.len();
        }
    }
    let sent_before = tg.sent().len();
    // `restart` keeps the settings given to `start_with`, Telegram's included.
    let service = service.restart().await;
    eprintln!(
        "stopping after {:?}: {sent_before} sent of {logged} logged bot messages, {handled}/200 customer messages handled, \
         {} updates unconfirmed, {} failed sends, {} failures left; {} sent by the time it stopped",
        t0.elapsed(),
        tg.pending_updates(),
        tg.failed_sends().len(),
        tg.failures_left(),
        tg.sent().len()
    );
    let restarted = Instant::now();
    // Telegram gives again what was not confirmed before a crash: a handled update comes back and
    // must not be handled twice. And the API still fails now and then.
    tg.push_raw(first_update.unwrap());
    tg.fail_next_sends(vec![Failure::TooMany(1), Failure::Disconnect, Failure::ServerError, Failure::Pass, Failure::TooMany(2), Failure::Disconnect]);

    // Eventually: every customer message handled once, every reply delivered once, in order.
    let deadline = Instant::now() + Duration::from_secs(400);
    let mut last_report = Instant::now();
    loop {
        let mut done = 0;
        for &chat in &chats {
            let Some(conv) = conversation(&service, chat).await else { continue };
            let log = outgoing_log(&service, &conv.id).await;
            let customer = customer_log(&service, &conv.id).await;
            if customer.len() >= 4 && tg.sent_to(chat).len() >= log.len() {
                done += 1;
            }
        }
        if done == chats.len() {
            break;
        }
        if last_report.elapsed() > Duration::from_secs(20) {
            eprintln!("{done}/{} chats complete; {} sent, {} failures left", chats.len(), tg.sent().len(), tg.failures_left());
            last_report = Instant::now();
        }
        assert!(Instant::now() < deadline, "only {done}/{} chats complete:\n{}", chats.len(), tg.describe_sent());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!("all delivered {:?} after the restart", restarted.elapsed());
    tg.settle(Duration::from_secs(2), WAIT).await;

    assert_eq!(tg.failures_left(), 0, "every injected failure was met");
    let failed = tg.failed_sends();
    assert_eq!(failed.iter().filter(|(f, _)| *f == Failure::ServerError).count(), 7);
    assert_eq!(failed.iter().filter(|(f, _)| *f == Failure::Disconnect).count(), 2);
    assert_eq!(failed.iter().filter(|(f, _)| matches!(f, Failure::TooMany(_))).count(), 20);

    // A chat answered 429 "retry after N" is not tried again before N seconds.
    let sends = tg.calls_of("sendMessage");
    for (i, c) in sends.iter().enumerate().filter(|(_, c)| c.status == 429) {
        let chat = &c.params["chat_id"];
        let Some(next) = sends[i + 1..].iter().find(|n| n.params["chat_id"] == *chat) else { continue };
        let waited = next.at - c.at;
        assert!(waited >= Duration::from_millis(950), "chat {chat} tried again {waited:?} after a 429 retry after 1");
    }

    let mut total = 0;
    let mut problems = Vec::new();
    for (i, &chat) in chats.iter().enumerate() {
        let conv = conversation(&service, chat).await.expect("a conversation per chat");
        let customer = customer_log(&service, &conv.id).await;
        if customer != messages(i).to_vec() {
            problems.push(format!("chat {chat}: customer messages {customer:?} (each update handled exactly once, in order)"));
        }
        let log = outgoing_log(&service, &conv.id).await;
        let sent: Vec<String> = tg.sent_to(chat).into_iter().map(|s| s.text).collect();
        if sent != log {
            problems.push(format!("chat {chat}:\n   sent {sent:?}\n   log  {log:?}"));
        }
        if log.len() < 4 {
            problems.push(format!("chat {chat}: only {} bot messages for 4 customer messages: {log:?}", log.len()));
        }
        total += log.len();
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(total >= 200, "at least one reply per message: {total}");
    assert_eq!(tg.sent().len(), total, "nothing sent that is not in a log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_secret_and_duplicate_updates() {
    let url = "https://komek.example.kz/telegram/webhook";
    let secret = "Komek_webhook-secret-0123456789";
    let tg = FakeTelegram::start(TOKEN).await;
    let config = TelegramConfig { token: TOKEN.into(), api_url: Some(tg.url()), webhook_url: Some(url.into()), webhook_secret: Some(secret.into()) };
    let service = start("tg-webhook", config).await;

    let hook = tg.webhook().expect("setWebhook called at start");
    assert_eq!(hook, Webhook { url: url.into(), secret_token: Some(secret.into()), drop_pending_updates: hook.drop_pending_updates });

    let chat = 8_000_001;
    let update = tg.message_update(chat, chat, "ru", "Где мой заказ 100005?");
    let http = reqwest::Client::new();
    let post = |secret: Option<&str>, body: &Value| {
        let mut r = http.post(service.url("/telegram/webhook")).json(body);
        if let Some(s) = secret {
            r = r.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        r.send()
    };

    let r = post(None, &update).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no secret");
    let r = post(Some("Komek_webhook-secret-012345678X"), &update).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a wrong secret");
    let r = post(Some(""), &update).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "an empty secret");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(tg.sent_to(chat).is_empty(), "nothing answered: {:?}", tg.sent());
    assert!(conversation(&service, chat).await.is_none(), "nothing processed");

    let r = post(Some(secret), &update).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tg.wait_for_sent_to(chat, 1, WAIT).await;
    let replies = tg.settle(QUIET, WAIT).await.into_iter().filter(|s| s.chat_id == chat).collect::<Vec<_>>();
    assert!(texts(&replies).contains("100005"), "{replies:?}");

    // Telegram re-sends an update it did not see a 200 for: the same update_id is handled once.
    let r = post(Some(secret), &update).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a re-sent update is acknowledged");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(tg.sent_to(chat).len(), replies.len(), "no second reply: {}", tg.describe_sent());
    let conv = conversation(&service, chat).await.unwrap();
    assert_eq!(customer_log(&service, &conv.id).await.len(), 1, "one customer message in the log");

    // The same update twice at once (Telegram retrying while the first is still being handled).
    let twin = tg.message_update(chat, chat, "ru", "Где мой заказ 100006?");
    let before = tg.sent_to(chat).len();
    let (a, b) = tokio::join!(post(Some(secret), &twin), post(Some(secret), &twin));
    assert_eq!((a.unwrap().status(), b.unwrap().status()), (StatusCode::OK, StatusCode::OK));
    tg.wait_for_sent_to(chat, before + 1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let twin_replies = tg.sent_to(chat)[before..].to_vec();
    assert_eq!(twin_replies.len(), replies.len(), "one answer to a doubly sent update: {twin_replies:?}");
    assert_eq!(customer_log(&service, &conv.id).await.len(), 2, "one customer message per update");
    let replies = tg.sent_to(chat);

    // A new update is still handled.
    let next = tg.message_update(chat, chat, "ru", "Спасибо!");
    let r = post(Some(secret), &next).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tg.wait_for_sent_to(chat, replies.len() + 1, WAIT).await;

    assert_eq!(tg.get_updates_calls(), 0, "no getUpdates in webhook mode: {:?}", tg.calls_of("getUpdates").len());
    assert!(tg.calls_of("deleteWebhook").is_empty(), "the webhook stays set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_carries_the_order_number() {
    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-link", polling(&tg)).await;
    let chat = 7_000_001;

    let web = Customer::start(&service.base, Some("ru")).await;
    let t = web.say("/link").await;
    let code = link_code(&t.bot_text()).unwrap_or_else(|| panic!("a link code: {}", t.bot_text()));

    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "ru", &format!("/link {code}"));
    })
    .await;
    let pending = texts(&reply);
    assert!(!pending.contains("не подошёл") && !pending.is_empty(), "waits for the yes: {pending}");
    // Nothing is joined before the channel that made the code says yes.
    let (messages, _) = web.history(None).await;
    let ask = messages.iter().rev().find(|m| m["buttons"].as_array().is_some_and(|b| b.iter().any(|b| b["id"] == "link_yes")));
    let ask = ask.unwrap_or_else(|| panic!("the widget is asked: {messages:?}"));
    let yes = ask["buttons"].as_array().unwrap().iter().find(|b| b["id"] == "link_yes").unwrap()["label"].as_str().unwrap().to_string();
    let before = tg.sent_to(chat).len();
    let t = web.click("link_yes", &yes).await;
    assert!(t.bot_text().contains("Готово"), "linked: {}", t.bot_text());
    tg.wait_for_sent_to(chat, before + 1, WAIT).await;
    assert!(texts(&tg.sent_to(chat)[before..]).contains("Готово"), "Telegram is told too");

    let t = web.say("Где мой заказ 100017?").await;
    assert!(t.bot_text().contains("100017"), "{}", t.bot_text());

    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "ru", "а когда вернут деньги?");
    })
    .await;
    let answer = texts(&reply);
    eprintln!("linked Telegram reply: {answer}");
    assert!(!answer.to_lowercase().contains("номер заказа"), "the order number is known from the widget: {answer}");
    let conv = conversation(&service, chat).await.unwrap();
    if answer.contains("100017") {
        return;
    }
    assert_eq!(conv.state, ConvState::WaitingAgent, "neither mentions 100017 nor hands over: {answer}");
    let olga = agent(&service, "olga", &[Lang::Ru], "supervisor").await;
    let queue = olga.queue().await;
    let h = queue.iter().find(|h| h["conversation_id"] == conv.id.as_str()).unwrap_or_else(|| panic!("the handoff in the queue: {queue:?}"));
    assert_eq!(h["brief"]["facts"]["order_id"], "100017", "{h}");
    let channels: Vec<&str> = h["brief"]["customer"]["channels"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(channels.contains(&"web") && channels.contains(&"telegram"), "{channels:?}");
}

/// Not part of the contract (which says nothing of 4xx): a message Telegram refuses for good
/// (400 `message is too long`, `can't parse entities`…) should not hold back the chat's later
/// messages forever. Run with `--ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_message_does_not_block_the_chat() {
    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-400", polling(&tg)).await;
    let chat = 9_000_001;
    // The greeting is refused whenever it is tried.
    tg.refuse_texts_containing("virtual assistant", "message is too long");
    tg.push_message(chat, chat, "en", "hello");
    tokio::time::sleep(Duration::from_secs(2)).await;
    tg.push_message(chat, chat, "en", "where is my order 100003");
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline && !tg.sent_to(chat).iter().any(|m| m.text.contains("100003")) {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let conv = conversation(&service, chat).await.unwrap();
    let log = outgoing_log(&service, &conv.id).await;
    assert!(
        tg.sent_to(chat).iter().any(|m| m.text.contains("100003")),
        "the status never reached the chat: the refused greeting was tried {} times and holds it back.\nlog: {log:?}\n{}",
        tg.failed_sends().len(),
        tg.describe_sent()
    );
}

// ---- The fake itself ----

/// Posts JSON to a method of the fake; returns the HTTP status and the answer.
async fn call(http: &reqwest::Client, base: &str, token: &str, method: &str, params: Value) -> (StatusCode, Value) {
    let r = http.post(format!("{base}/bot{token}/{method}")).json(&params).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fake_telegram_speaks_the_bot_api() {
    let tg = Arc::new(FakeTelegram::start(TOKEN).await);
    let base = tg.url();
    let http = reqwest::Client::new();

    // Tokens and methods.
    let (s, v) = call(&http, &base, "1:wrong", "getMe", json!({})).await;
    assert_eq!((s, v), (StatusCode::UNAUTHORIZED, json!({"ok": false, "error_code": 401, "description": "Unauthorized"})));
    let (s, v) = call(&http, &base, TOKEN, "GetMe", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["result"]["id"], 7_012_345_678_i64);
    assert_eq!(v["result"]["is_bot"], true);
    for field in ["first_name", "username", "can_join_groups", "can_read_all_group_messages", "supports_inline_queries"] {
        assert!(v["result"].get(field).is_some(), "getMe has {field}: {v}");
    }
    let (s, v) = call(&http, &base, TOKEN, "noSuchMethod", json!({})).await;
    assert_eq!((s, v["ok"].clone(), v["error_code"].clone()), (StatusCode::NOT_FOUND, json!(false), json!(404)));

    // getUpdates: offset confirms, the rest stays.
    let u1 = tg.push_message(11, 11, "kk", "/start");
    let u2 = tg.push_message(11, 11, "kk", "Сәлем");
    let u3 = tg.push_photo(11, 11, "kk", Some("чек"));
    assert_eq!((u2, u3), (u1 + 1, u1 + 2));
    let (_, v) = call(&http, &base, TOKEN, "getUpdates", json!({"offset": 0, "timeout": 0})).await;
    let updates = v["result"].as_array().unwrap();
    assert_eq!(updates.len(), 3);
    let m = &updates[0]["message"];
    assert_eq!(updates[0]["update_id"], u1);
    assert_eq!(m["chat"], json!({"id": 11, "type": "private", "first_name": "User11"}));
    assert_eq!(m["from"], json!({"id": 11, "is_bot": false, "first_name": "User11", "language_code": "kk"}));
    assert_eq!(m["text"], "/start");
    assert_eq!(m["entities"][0]["type"], "bot_command");
    assert!(m["message_id"].is_i64() && m["date"].is_i64());
    let photo = &updates[2]["message"];
    assert_eq!(photo["caption"], "чек");
    assert_eq!(photo["photo"].as_array().unwrap().len(), 3);
    for f in ["file_id", "file_unique_id", "width", "height", "file_size"] {
        assert!(photo["photo"][2].get(f).is_some(), "{f}");
    }
    let (_, v) = call(&http, &base, TOKEN, "getUpdates", json!({"offset": u2})).await;
    assert_eq!(v["result"].as_array().unwrap().iter().map(|u| u["update_id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![u2, u3]);
    assert_eq!(tg.pending_updates(), 2, "u1 confirmed and dropped");
    // Form-encoded, limit.
    let r = http.post(format!("{base}/bot{TOKEN}/getupdates")).form(&[("offset", u2.to_string()), ("limit", "1".into())]).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["result"].as_array().unwrap().len(), 1);
    // getFile for the photo.
    let file_id = photo["photo"][2]["file_id"].as_str().unwrap();
    let (_, v) = call(&http, &base, TOKEN, "getFile", json!({"file_id": file_id})).await;
    assert_eq!(v["result"]["file_id"], file_id);
    assert!(v["result"]["file_path"].as_str().unwrap().ends_with(".jpg"));
    let (s, _) = call(&http, &base, TOKEN, "getFile", json!({"file_id": "nope"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Long poll: an empty one waits for its timeout; a push answers a waiting one at once.
    let t0 = Instant::now();
    let (_, v) = call(&http, &base, TOKEN, "getUpdates", json!({"offset": u3 + 1, "timeout": 1})).await;
    assert_eq!(v["result"], json!([]));
    assert!(t0.elapsed() >= Duration::from_millis(900), "{:?}", t0.elapsed());
    assert_eq!(tg.pending_updates(), 0);
    let poll = {
        let (http, base) = (http.clone(), base.clone());
        tokio::spawn(async move { call(&http, &base, TOKEN, "getUpdates", json!({"offset": u3 + 1, "timeout": 10})).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let u4 = tg.push_message(12, 12, "", "hi");
    let (_, v) = poll.await.unwrap();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(v["result"][0]["update_id"], u4);
    assert!(v["result"][0]["message"]["from"].get("language_code").is_none(), "no language_code when not given");

    // sendMessage: JSON, form (reply_markup as a JSON string) and multipart all count.
    let keyboard = json!({"inline_keyboard": [[{"text": "Тапсырыс", "callback_data": "order_status"}], [{"text": "Адам", "callback_data": "human_agent"}]]});
    let (s, v) = call(&http, &base, TOKEN, "SendMessage", json!({"chat_id": 11, "text": "Сәлеметсіз бе!", "reply_markup": keyboard})).await;
    assert_eq!(s, StatusCode::OK);
    let msg = &v["result"];
    assert_eq!(msg["chat"]["id"], 11);
    assert_eq!(msg["chat"]["type"], "private");
    assert_eq!(msg["from"]["is_bot"], true);
    assert_eq!(msg["text"], "Сәлеметсіз бе!");
    assert!(msg["message_id"].as_i64().unwrap() > 3, "message ids continue the chat's");
    assert_eq!(msg["reply_markup"], keyboard);
    let form = [("chat_id", "12".to_string()), ("text", "a + b & c".to_string()), ("reply_markup", keyboard.to_string())];
    let r = http.post(format!("{base}/bot{TOKEN}/sendMessage")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let boundary = "XyZkomekBoundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n13\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nмногострочный\r\nтекст\r\n--{boundary}--\r\n"
    );
    let r = http
        .post(format!("{base}/bot{TOKEN}/sendMessage"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sent = tg.sent();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].buttons, vec![("Тапсырыс".to_string(), "order_status".to_string()), ("Адам".to_string(), "human_agent".to_string())]);
    assert_eq!((sent[1].chat_id, sent[1].text.as_str(), sent[1].buttons.len()), (12, "a + b & c", 2));
    assert_eq!((sent[2].chat_id, sent[2].text.as_str()), (13, "многострочный\r\nтекст"));
    let (s, _) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": ""})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Injected failures: the real bodies and statuses; failed calls are not sent.
    tg.fail_next_sends(vec![Failure::TooMany(7), Failure::Pass, Failure::ServerError, Failure::Disconnect]);
    let (s, v) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": "one"})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(v, json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}));
    let (s, _) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": "two"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": "three"})).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(v, json!({"ok": false, "error_code": 500, "description": "Internal Server Error"}));
    let r = http.post(format!("{base}/bot{TOKEN}/sendMessage")).json(&json!({"chat_id": 11, "text": "cut"})).send().await;
    let broken = match r {
        Err(e) => e.to_string(),
        Ok(r) => r.text().await.expect_err("the answer breaks off").to_string(),
    };
    assert!(!broken.is_empty());
    let (s, _) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": "four"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tg.sent_to(11).iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), vec!["Сәлеметсіз бе!", "two", "four"]);
    assert_eq!(tg.failed_sends().len(), 3);
    assert_eq!(tg.failures_left(), 0);

    // Callbacks: the press carries the bot message with its keyboard; only known queries are answerable.
    let press = tg.callback_update(11, 11, "kk", "order_status", sent[0].message_id);
    let q = &press["callback_query"];
    assert_eq!(q["data"], "order_status");
    assert_eq!(q["from"]["language_code"], "kk");
    assert!(q["chat_instance"].is_string());
    assert_eq!(q["message"]["chat"]["id"], 11);
    assert_eq!(q["message"]["text"], "Сәлеметсіз бе!");
    assert_eq!(q["message"]["reply_markup"], keyboard);
    tg.push_raw(press.clone());
    let (s, _) = call(&http, &base, TOKEN, "answerCallbackQuery", json!({"callback_query_id": "123"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&http, &base, TOKEN, "answerCallbackQuery", json!({"callback_query_id": q["id"]})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tg.answered_callbacks().len(), 1);
    assert_eq!(tg.answered_callbacks()[0].callback_query_id, q["id"].as_str().unwrap());
    let (s, _) = call(&http, &base, TOKEN, "sendChatAction", json!({"chat_id": 11, "action": "typing"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tg.actions()[0].action, "typing");

    // Standing refusals.
    tg.refuse_texts_containing("<b>", "can't parse entities: Unsupported start tag");
    let (s, v) = call(&http, &base, TOKEN, "sendMessage", json!({"chat_id": 11, "text": "<b>bold"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["description"], "Bad Request: can't parse entities: Unsupported start tag");

    // Webhooks: HTTPS only; while one is set, getUpdates conflicts.
    let (s, _) = call(&http, &base, TOKEN, "setWebhook", json!({"url": "http://plain.example/hook"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&http, &base, TOKEN, "setWebhook", json!({"url": "https://k.example/hook", "secret_token": "bad secret!"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&http, &base, TOKEN, "setWebhook", json!({"url": "https://k.example/hook", "secret_token": "S3cret_-x"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tg.webhook().unwrap().secret_token.as_deref(), Some("S3cret_-x"));
    let (_, v) = call(&http, &base, TOKEN, "getWebhookInfo", json!({})).await;
    assert_eq!(v["result"]["url"], "https://k.example/hook");
    assert_eq!(v["result"]["pending_update_count"], 2, "u4 and the press are unconfirmed");
    let (s, _) = call(&http, &base, TOKEN, "getUpdates", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = call(&http, &base, TOKEN, "deleteWebhook", json!({"drop_pending_updates": true})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(tg.webhook().is_none());
    assert_eq!(tg.pending_updates(), 0);
    let (_, v) = call(&http, &base, TOKEN, "getWebhookInfo", json!({})).await;
    assert_eq!(v["result"]["url"], "");

    // A second long poll ends the first with 409, as Telegram does.
    let first = {
        let (http, base) = (http.clone(), base.clone());
        tokio::spawn(async move { call(&http, &base, TOKEN, "getUpdates", json!({"timeout": 10})).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (s, _) = call(&http, &base, TOKEN, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = first.await.unwrap();
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // wait_for_sent returns at once when enough were sent and panics with the list when not.
    assert_eq!(tg.wait_for_sent(5, Duration::from_secs(1)).await.len(), 5);
    let waiting = {
        let tg = tg.clone();
        tokio::spawn(async move { tg.wait_for_sent(6, Duration::from_millis(300)).await })
    };
    let err = waiting.await.unwrap_err();
    assert!(err.is_panic());
    let message = err.into_panic();
    let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("fewer than 6") && message.contains("Сәлеметсіз бе!"), "{message}");
    // Every call was logged with its method as sent.
    assert!(tg.calls().iter().any(|c| c.method == "GetMe" && c.status == 200));
    assert!(tg.calls().windows(2).all(|w| w[0].seq < w[1].seq));
}

/// During a handoff a photo goes to the agent, who fetches it through the agent API (the Bot API's
/// file URL, which holds the token, is never handed out); an agent who may not see the
/// conversation gets 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_reaches_the_agent_during_a_handoff() {
    use komek_nlu::Lang;
    use komek_tests::agent::agent;

    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-photo", polling(&tg)).await;
    let chat = 4242;
    exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "ru", "Позовите оператора");
    })
    .await;
    wait_for_state(&service, chat, ConvState::WaitingAgent).await;
    let aigerim = agent(&service, "aigerim", &[Lang::Ru], "agent").await;
    let other = agent(&service, "other", &[Lang::Ru], "agent").await;
    let queue = aigerim.queue().await;
    let (s, claimed) = aigerim.post(&format!("/api/v1/agent/handoffs/{}/claim", queue[0]["id"].as_str().unwrap()), serde_json::json!({})).await;
    assert_eq!(s, reqwest::StatusCode::OK);
    let conv = claimed["conversation_id"].as_str().unwrap().to_string();

    let before = tg.sent_to(chat).len();
    tg.push_photo(chat, chat, "ru", Some("вот чек"));
    let deadline = Instant::now() + WAIT;
    let photo = loop {
        let (_, v) = aigerim.get(&format!("/api/v1/agent/conversations/{conv}")).await;
        if let Some(m) = v["messages"].as_array().unwrap().iter().find(|m| m["attachment"]["kind"] == "photo") {
            break m.clone();
        }
        assert!(Instant::now() < deadline, "the photo never reached the conversation: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(photo["text"], "вот чек");
    tg.settle(QUIET, WAIT).await;
    assert_eq!(tg.sent_to(chat).len(), before, "the bot stays silent while the agent has the chat");

    let file_id = photo["attachment"]["file_id"].as_str().unwrap();
    let url = format!("{}/api/v1/agent/files/telegram/{file_id}", service.base);
    let r = aigerim.http.get(&url).bearer_auth(&aigerim.token).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&bytes).starts_with("fake file "), "the file's bytes come through");
    let r = other.http.get(&url).bearer_auth(&other.token).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    let r = reqwest::Client::new().get(&url).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
}

/// A flood from one chat meets the rate limit: every message is kept in the log, but only the ones
/// within the limit are answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_kept_but_not_all_answered() {
    let tg = FakeTelegram::start(TOKEN).await;
    let service = start("tg-flood", polling(&tg)).await;
    let chat = 5151;
    for i in 0..40 {
        tg.push_message(chat, chat, "en", &format!("hello {i}"));
    }
    let deadline = Instant::now() + WAIT;
    let conv = loop {
        if let Some(c) = conversation(&service, chat).await
            && customer_log(&service, &c.id).await.len() == 40
        {
            break c;
        }
        assert!(Instant::now() < deadline, "not every message reached the log");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let texts = customer_log(&service, &conv.id).await;
    assert_eq!(texts, (0..40).map(|i| format!("hello {i}")).collect::<Vec<_>>(), "all kept, in order");
    tg.settle(QUIET, WAIT).await;
    let replies = outgoing_log(&service, &conv.id).await.len();
    assert!((20..40).contains(&replies), "answered up to the limit only: {replies}");
    assert_eq!(tg.sent_to(chat).len(), replies, "what was answered was delivered");
}

/// The waiting story in Telegram (issue 13): the same place and choices as the widget's, every
/// message while waiting answered, the choices as inline buttons, an agent coming online told
/// without asking, and "keep talking to the assistant" withdrawing the request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_in_telegram_is_told_and_answered() {
    let tg = FakeTelegram::start(TOKEN).await;
    let telegram = polling(&tg);
    let service = TestService::start_with("tg-waiting", |config| {
        config.telegram = Some(telegram);
        config.queue_update_seconds = 2;
    })
    .await;
    let chat = 7_001;
    let opened = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "ru", "Позовите оператора, пожалуйста");
    }).await;
    wait_for_state(&service, chat, ConvState::WaitingAgent).await;
    let choices = opened.iter().find(|s| !s.buttons.is_empty()).unwrap_or_else(|| panic!("the choices as inline buttons: {opened:?}"));
    let mut ids: Vec<&str> = choices.buttons.iter().map(|(_, d)| d.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["queue_bot", "queue_later", "queue_wait_any"], "{:?}", choices.buttons);
    assert!(texts(&opened).contains("по-русски"), "nobody who speaks Russian is online, said so: {}", texts(&opened));

    // A routine question is answered while the request stays queued.
    let reply = exchange(&tg, chat, |tg| {
        tg.push_message(chat, chat, "ru", "Какие способы оплаты у вас есть?");
    }).await;
    assert!(reply.len() >= 2, "the answer and the place: {reply:?}");
    assert_eq!(conversation(&service, chat).await.unwrap().state, ConvState::WaitingAgent);

    // A Russian-speaking agent comes online: the customer hears of it.
    let before = tg.sent_to(chat).len();
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    let _olga_live = olga.live().await;
    tg.wait_for_sent_to(chat, before + 1, WAIT).await;
    let told = texts(&tg.sent_to(chat)[before..]);
    assert!(told.contains("1") && told.contains("по-русски"), "an agent who speaks Russian is online now: {told}");

    // "Keep talking to the assistant": withdrawn, out of the queue.
    let press = tg.callback_update(chat, chat, "ru", "queue_bot", choices.message_id);
    exchange(&tg, chat, |tg| {
        tg.push_raw(press);
    }).await;
    wait_for_state(&service, chat, ConvState::Bot).await;
    assert!(olga.queue().await.is_empty(), "the request left the queue");
}
