//! Complete customer conversations against the real service (random port, temporary SQLite file):
//! over HTTP and WebSocket, in Russian, Kazakh and English; a restart mid-conversation; bad input.

use komek_tests::chat::{Customer, has_kazakh_letters, is_cyrillic};
use komek_tests::{ADMIN_TOKEN, TestService};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn russian_order_is_asked_once_and_remembered() {
    let service = TestService::start("ru-order").await;
    let c = Customer::start(&service.base, Some("ru-RU")).await;

    let t = c.say("Где мой заказ?").await;
    assert_eq!(t.messages[0]["role"], "customer");
    assert_eq!(t.bot_lang(), "ru");
    let ask = t.bot_text();
    assert!(is_cyrillic(&ask) && !has_kazakh_letters(&ask), "{ask}");
    assert!(ask.contains("номер заказа"), "asks for the order number: {ask}");

    // 100017 is a shipped demo order: status and expected date in Russian.
    let t = c.say("100017").await;
    let status = t.bot_text();
    assert!(status.contains("100017") && status.contains("в пути"), "{status}");
    assert!(["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        .iter()
        .any(|m| status.contains(m)), "a Russian date: {status}");

    let t = c.say("а когда вернут деньги?").await;
    let refund = t.bot_text();
    assert!(refund.contains("100017"), "answered for the remembered order: {refund}");
    assert!(!refund.contains("номер заказа"), "not asked again: {refund}");

    let (history, state) = c.history(None).await;
    assert_eq!(state, "bot");
    let roles: Vec<&str> = history.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["customer", "bot", "customer", "bot", "customer", "bot"]);
    let ids: Vec<i64> = history.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    let (after, _) = c.history(Some(ids[3])).await;
    assert_eq!(after.len(), 2, "after=ID returns only newer messages");
    assert!(history[0]["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kazakh_conversation_over_websocket() {
    let service = TestService::start("kk-ws").await;
    // The browser says English; the customer writes Kazakh.
    let c = Customer::start(&service.base, Some("en-US")).await;
    let mut live = c.websocket().await;

    live.say("Сәлеметсіз бе").await;
    let own = live.next_from("customer").await;
    assert_eq!(own["text"], "Сәлеметсіз бе");
    let hello = live.next_from("bot").await;
    assert_eq!(hello["lang"], "kk");
    assert!(has_kazakh_letters(hello["text"].as_str().unwrap()), "{hello}");
    assert!(!hello["buttons"].as_array().unwrap().is_empty(), "the greeting offers options");

    live.say("Менің тапсырысым қайда?").await;
    let ask = live.next_from("bot").await;
    assert_eq!(ask["lang"], "kk", "{ask}");

    live.say("100003").await;
    let status = live.next_from("bot").await;
    let text = status["text"].as_str().unwrap();
    assert!(text.contains("100003") && has_kazakh_letters(text), "{text}");

    // What came over the socket is what the log holds.
    let (history, _) = c.history(None).await;
    assert_eq!(history.len(), 6);
    assert_eq!(history[5]["id"], status["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_subscription_gets_a_proactive_update() {
    let service = TestService::start("en-notify").await;
    let c = Customer::start(&service.base, Some("en-GB")).await;
    let mut live = c.websocket().await;

    let t = c.say("hello").await;
    assert_eq!(t.bot_lang(), "en");
    let t = c.say("where is my order 100009?").await;
    assert!(t.bot_text().contains("100009"), "{}", t.bot_text());
    let t = c.say("please notify me when it ships").await;
    assert!(t.bot_text().contains("100009"), "subscribed to the remembered order: {}", t.bot_text());

    let http = reqwest::Client::new();
    let url = service.url("/api/v1/orders/100009/status");
    let r = http.post(&url).bearer_auth("wrong").json(&json!({"status": "shipped"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http.post(&url).json(&json!({"status": "shipped"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http.post(&url).bearer_auth(ADMIN_TOKEN).json(&json!({"status": "teleported"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = http.post(service.url("/api/v1/orders/999999/status")).bearer_auth(ADMIN_TOKEN).json(&json!({"status": "shipped"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = http.post(&url).bearer_auth(ADMIN_TOKEN).json(&json!({"status": "shipped"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["notified"], 1);

    // The update arrives over the socket without the customer writing anything.
    let update = loop {
        let m = live.next_from("bot").await;
        if (m["text"].as_str().unwrap().contains("Shipped") || m["text"].as_str().unwrap().contains("shipped"))
            && m["text"].as_str().unwrap().contains("100009") {
                break m;
            }
    };
    assert_eq!(update["lang"], "en");
    let (history, _) = c.history(None).await;
    assert_eq!(history.last().unwrap()["id"], update["id"]);
}

/// Sets an order's status through the back office and returns how many conversations were told.
async fn set_status_notified(service: &TestService, order: &str, status: &str) -> serde_json::Value {
    let r = reqwest::Client::new()
        .post(service.url(&format!("/api/v1/orders/{order}/status")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"status": status}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    v["notified"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_who_said_goodbye_still_hears_when_the_order_ships() {
    let service = TestService::start("notify-after-goodbye").await;
    // Paid and not yet shipped, whatever the demo data says.
    service.set_order_status("100017", "paid").await;
    let c = Customer::start(&service.base, Some("ru-RU")).await;
    let mut live = c.websocket().await;

    let t = c.say("Где мой заказ?").await;
    assert!(t.bot_text().contains("номер заказа"), "asks for the number: {}", t.bot_text());
    let t = c.say("100017").await;
    assert!(t.bot_text().contains("100017"), "{}", t.bot_text());
    let t = c.say("сообщите, когда заказ отправят").await;
    assert!(t.bot_text().contains("100017"), "subscribed to the remembered order: {}", t.bot_text());
    let bye = c.say("Спасибо, до свидания").await;
    assert_eq!(bye.state, "closed", "{:?}", bye.messages);
    let (before, _) = c.history(None).await;
    let last_id = before.last().unwrap()["id"].as_i64().unwrap();

    // The back office ships it: the customer is told although the conversation has closed.
    assert_eq!(set_status_notified(&service, "100017", "shipped").await, 1);
    let update = loop {
        let m = live.next_from("bot").await;
        if m["id"].as_i64().unwrap() > last_id && m["text"].as_str().unwrap().contains("100017") {
            break m;
        }
    };
    let text = update["text"].as_str().unwrap();
    assert!(text.contains("Отправлен"), "the new status, in Russian: {text}");
    assert!(is_cyrillic(text) && !has_kazakh_letters(text), "{text}");
    assert_eq!(update["lang"], "ru");
    // In the customer's history too, and the notice does not reopen the conversation.
    let (history, state) = c.history(Some(last_id)).await;
    assert_eq!(history.len(), 1, "only the notice was added: {history:?}");
    assert_eq!(history[0]["id"], update["id"]);
    assert_eq!(history[0]["role"], "bot");
    assert_eq!(state, "closed");

    // Back again about the same order (a repeat contact: handed to a person), the customer asks to
    // be told once more while waiting. Two conversations have now subscribed, one of them closed:
    // the next status is told once, in the current conversation.
    assert_eq!(c.say("сообщите, когда заказ отправят").await.state, "waiting_agent");
    let t = c.say("сообщите, когда заказ отправят").await;
    assert!(t.bot_text().contains("100017"), "subscribed again while waiting: {}", t.bot_text());
    let current = service.store().current_conversation_of_session(&c.session_id).await.unwrap().unwrap().id;
    assert_ne!(current, c.conversation_id, "a new conversation");
    let last_id = t.messages.last().unwrap()["id"].as_i64().unwrap();
    assert_eq!(set_status_notified(&service, "100017", "delivered").await, 1, "one notice for one status");
    let (history, state) = c.history(Some(last_id)).await;
    assert_eq!(history.len(), 1, "told once: {history:?}");
    let text = history[0]["text"].as_str().unwrap();
    assert!(text.contains("100017") && text.contains("Доставлен"), "{text}");
    assert_eq!((history[0]["role"].as_str(), history[0]["lang"].as_str(), state.as_str()), (Some("bot"), Some("ru"), "waiting_agent"));
    let store = service.store();
    let told_in = |id: String| async move {
        let events = store.conversation_events(&id).await.unwrap();
        events.iter().filter_map(|e| e.message()).filter(|m| m.text.contains("Доставлен")).count()
    };
    assert_eq!((told_in(current).await, told_in(c.conversation_id.clone()).await), (1, 0), "told in the current conversation only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_is_remembered_in_a_later_conversation() {
    let service = TestService::start("later").await;
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Где мой заказ 100014?").await;
    let bye = c.say("Спасибо, до свидания").await;
    assert_eq!(bye.state, "closed", "{:?}", bye.messages);

    // A new conversation about the same order within a week: not asked for the number again, and
    // handed to a person as a repeat contact, with the order in the brief.
    let t = c.say("Когда вернут деньги за заказ?").await;
    assert!(!t.bot_text().contains("номер заказа"), "{}", t.bot_text());
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
    let sup = komek_tests::agent::agent(&service, "sup", &[komek_nlu::Lang::Ru], "supervisor").await;
    let queue = sup.queue().await;
    assert_eq!(queue[0]["reason"], "repeat_contact");
    assert_eq!(queue[0]["brief"]["facts"]["order_id"], "100014");
    assert_eq!(queue[0]["brief"]["past_contacts"].as_array().unwrap().len(), 1);
    assert_ne!(queue[0]["conversation_id"].as_str().unwrap(), c.conversation_id, "a new conversation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_conversation_loses_nothing() {
    let service = TestService::start("restart").await;
    let c = Customer::start(&service.base, Some("ru-RU")).await;
    c.say("Где мой заказ?").await;
    c.say("100024").await;
    let (before, _) = c.history(None).await;

    let service = service.restart().await;
    let c = c.moved_to(&service.base);
    let (after_restart, _) = c.history(None).await;
    assert_eq!(after_restart, before, "the transcript survives the restart");

    let t = c.say("а когда вернут деньги?").await;
    assert!(t.bot_text().contains("100024"), "memory rebuilt from the log: {}", t.bot_text());
    let (all, _) = c.history(None).await;
    assert_eq!(all.len(), before.len() + 2);
    assert_eq!(&all[..before.len()], &before[..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_clear_errors_and_loses_nothing() {
    let service = TestService::start("bad-input").await;
    let c = Customer::start(&service.base, None).await;
    let other = Customer::start(&service.base, None).await;
    let token = c.token.clone();

    let cases: Vec<(String, Option<&str>, StatusCode, &str)> = vec![
        (json!({"text": ""}).to_string(), Some(&token), StatusCode::BAD_REQUEST, "empty_text"),
        (json!({"text": "  \n\t "}).to_string(), Some(&token), StatusCode::BAD_REQUEST, "empty_text"),
        (json!({"text": "я".repeat(4001)}).to_string(), Some(&token), StatusCode::PAYLOAD_TOO_LARGE, "text_too_long"),
        ("{\"text\": ".into(), Some(&token), StatusCode::BAD_REQUEST, "invalid_json"),
        ("".into(), Some(&token), StatusCode::BAD_REQUEST, "invalid_json"),
        (json!({"txt": "hi"}).to_string(), Some(&token), StatusCode::BAD_REQUEST, "invalid_request"),
        (json!({"text": 42}).to_string(), Some(&token), StatusCode::BAD_REQUEST, "invalid_request"),
        (json!({"text": "hi"}).to_string(), None, StatusCode::UNAUTHORIZED, "unauthorized"),
        (json!({"text": "hi"}).to_string(), Some("not-a-token"), StatusCode::UNAUTHORIZED, "unauthorized"),
        (json!({"text": "hi"}).to_string(), Some(&other.token), StatusCode::UNAUTHORIZED, "unauthorized"),
        (format!("{{\"text\": \"{}\"}}", "a".repeat(70_000)), Some(&token), StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
    ];
    for (body, tok, status, code) in &cases {
        let (s, v) = c.post_raw(body, *tok).await;
        assert_eq!((s, v["error"]["code"].as_str().unwrap_or_default()), (*status, *code), "{}", &body[..body.len().min(60)]);
        assert!(!v["error"]["message"].as_str().unwrap_or_default().is_empty());
    }
    // Bytes that are not UTF-8.
    let r = c.http.post(c.messages_url()).bearer_auth(&token).body(vec![0xff, 0xfe, 0x00, 0x80]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Unknown session, and a history read with another session's token.
    // Unknown sessions, a Telegram chat that exists and one that does not: one and the same 401, so
    // chat ids cannot be probed (L1).
    service.running.as_ref().unwrap().chat.telegram_session(888, Some("ru"), None).await.unwrap();
    let mut answers = Vec::new();
    for session in ["s_nope", "tg:888", "tg:889"] {
        let r = c.http.get(format!("{}/api/v1/chat/sessions/{session}/messages", c.base)).bearer_auth(&token).send().await.unwrap();
        answers.push((r.status(), r.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED, "{answers:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    let r = c.http.get(other.messages_url()).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.http.get(format!("{}?after=yesterday", c.messages_url())).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid_query");

    // Hostile text is kept and returned verbatim, as text.
    let hostile = [
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "'; DROP TABLE events; --",
        "\u{202e}gnp.exe \u{200b}zero\u{200d}width\u{feff}",
        "😡🙏🏽 مرحبا، أين طلبي؟",
    ];
    for text in hostile {
        let t = c.say(text).await;
        assert_eq!(t.messages[0]["text"], text);
    }
    let (history, _) = c.history(None).await;
    let customer_texts: Vec<&str> = history.iter().filter(|m| m["role"] == "customer").map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(customer_texts, hostile, "exactly the accepted messages, nothing from the refused ones");
    let (other_history, _) = other.history(None).await;
    assert!(other_history.is_empty(), "nothing leaked into another session");

    // A WebSocket with a wrong token is refused; a malformed frame gets an error frame.
    let bad = format!("{}/api/v1/chat/sessions/{}/ws?token=nope", c.base.replace("http://", "ws://"), c.session_id);
    assert!(tokio_tungstenite::connect_async(bad).await.is_err());
    let mut live = c.websocket().await;
    live.send_raw("{not json").await;
    let f = live.next().await;
    assert_eq!(f["type"], "error");
    assert_eq!(f["error"]["code"], "invalid_json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_refuses_a_flood_without_losing_accepted_messages() {
    let service = TestService::start("rate").await;
    let c = Customer::start(&service.base, Some("en")).await;
    let mut accepted = Vec::new();
    let mut refused = 0;
    for i in 0..40 {
        let text = format!("hello {i}");
        let (s, v) = c.post_raw(&json!({"text": text}).to_string(), Some(&c.token)).await;
        match s {
            StatusCode::OK => accepted.push(text),
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(v["error"]["code"], "rate_limited");
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused > 0, "a flood of 40 messages meets the limit");
    let (history, _) = c.history(None).await;
    let texts: Vec<String> = history.iter().filter(|m| m["role"] == "customer").map(|m| m["text"].as_str().unwrap().to_string()).collect();
    assert_eq!(texts, accepted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_dead_ends_out_of_scope_and_escalation() {
    let service = TestService::start("oos").await;
    let c = Customer::start(&service.base, Some("ru")).await;
    let t = c.say("Какая завтра погода в Париже?").await;
    assert!(t.button_ids().contains(&"order_status".to_string()), "options offered: {:?}", t.messages);
    assert!(t.button_ids().contains(&"human_agent".to_string()), "a person is one click away: {:?}", t.messages);
    // A second miss in a row: a person takes over.
    let t = c.say("Посоветуй хороший фильм на вечер").await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
    assert_eq!(t.bot_lang(), "ru");

    // The button leads to a person directly.
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Какая завтра погода в Париже?").await;
    let t = c.click("human_agent", "Связаться с оператором").await;
    assert_eq!(t.state, "waiting_agent");

    // An explicit request for a person goes to a person on that very message.
    let c = Customer::start(&service.base, Some("kk")).await;
    let t = c.say("Операторға қосыңызшы").await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
    assert!(has_kazakh_letters(&t.bot_text()), "{}", t.bot_text());
    // While waiting for a person every message is answered (here the order is looked up) and the
    // customer is told the request for a person still stands.
    let t = c.say("Тапсырыс нөмірі 100005").await;
    assert_eq!(t.state, "waiting_agent");
    assert!(t.bot_text().contains("100005") && has_kazakh_letters(&t.bot_text()), "{:?}", t.messages);
    assert!(t.messages.iter().any(|m| m["kind"] == "queue"), "{:?}", t.messages);
    assert_eq!(t.queue["position"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_files_and_strings_are_served() {
    let service = TestService::start("assets").await;
    let http = reqwest::Client::new();
    let page = http.get(service.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/widget.js"), "the demo page embeds the widget");
    let js = http.get(service.url("/widget.js")).send().await.unwrap();
    assert!(js.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let strings: serde_json::Value = http.get(service.url("/widget/i18n.json")).send().await.unwrap().json().await.unwrap();
    for code in ["ru", "kk", "en", "uk", "uz", "tr", "de", "es", "fr", "zh", "ar"] {
        assert!(strings["languages"][code]["ui"]["placeholder"].is_string(), "{code}");
    }
    assert_eq!(strings["languages"]["ar"]["dir"], "rtl");
    assert_eq!(http.get(service.url("/metrics")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "metrics need the admin token");
    let metrics = http.get(service.url("/metrics")).bearer_auth(komek_tests::ADMIN_TOKEN).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("komek_customer_messages_total"));
}

/// The back office behind `KOMEK_ORDERS_URL`: the business's own order system over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_come_from_the_business_endpoint_when_configured() {
    use axum::Json;
    use axum::extract::Path;
    use axum::http::StatusCode as Status;
    use axum::routing::get;

    let shop = axum::Router::new().route(
        "/orders/{id}",
        get(|Path(id): Path<String>| async move {
            if id == "777001" {
                Ok(Json(json!({"id": "777001", "status": "shipped", "amount": 12990, "currency": "KZT", "status_date": 1_796_000_000_000_i64})))
            } else if id == "777002" {
                Ok(Json(json!({"id": "777002", "status": "refund_pending", "amount": 12990, "currency": "USD", "status_date": 1_796_000_000_000_i64})))
            } else {
                Err(Status::NOT_FOUND)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, shop).await.unwrap() });

    let service = TestService::start_with("remote-orders", |c| c.orders_url = Some(shop_url.clone())).await;
    let c = Customer::start(&service.base, Some("en")).await;
    let t = c.say("where is my order 777001?").await;
    assert!(t.bot_text().contains("777001") && t.bot_text().contains("on its way"), "{}", t.bot_text());
    let t = c.say("where is my order 777002?").await;
    assert!(t.bot_text().contains("$12,990") && !t.bot_text().contains('₸'), "the order's own currency: {}", t.bot_text());
    let t = c.say("where is my order 100017?").await;
    assert!(t.bot_text().contains("100017"), "{}", t.bot_text());
    assert!(!t.bot_text().contains("on its way"), "the demo orders are not used: {}", t.bot_text());
}

/// The routine intents of DOMAIN.md, each as a customer would meet it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routine_requests_behave_as_the_domain_describes() {
    let service = TestService::start("domain").await;

    // change_address: routine while the order has not shipped (100002 is paid) ...
    let c = Customer::start(&service.base, Some("ru")).await;
    let t = c.say("Хочу изменить адрес доставки заказа 100002").await;
    assert!(t.bot_text().contains("100002") && t.bot_text().contains("адрес"), "asks for the address: {}", t.bot_text());
    let t = c.say("ул. Абая 10, кв. 5").await;
    assert!(t.bot_text().contains("Абая 10"), "changed: {}", t.bot_text());
    assert_eq!(t.state, "bot");
    // ... a person once it has (100003 is shipped).
    let c = Customer::start(&service.base, Some("ru")).await;
    let t = c.say("Хочу изменить адрес доставки заказа 100003").await;
    assert_eq!(t.state, "waiting_agent", "{}", t.bot_text());

    // return_request: explained, then started for a delivered order (100004).
    let c = Customer::start(&service.base, Some("en")).await;
    let t = c.say("I want to return an item").await;
    assert!(t.bot_text().contains("14 days"), "the return policy: {}", t.bot_text());
    let t = c.say("100004").await;
    assert!(t.bot_text().contains("100004"), "{}", t.bot_text());

    // Answers from content, in the customer's language.
    let c = Customer::start(&service.base, Some("kk")).await;
    for text in ["Жеткізу қанша тұрады?", "Қалай төлеуге болады?", "Дүкен қашан ашық?", "Құпиясөзді ұмытып қалдым"] {
        let t = c.say(text).await;
        assert_eq!(t.state, "bot");
        assert_eq!(t.bot_lang(), "kk", "{text}");
        assert!(has_kazakh_letters(&t.bot_text()), "{text}: {}", t.bot_text());
    }

    // language_change: the conversation continues in the asked language.
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Здравствуйте").await;
    let t = c.say("Можно на казахском?").await;
    assert_eq!(t.bot_lang(), "kk", "{:?}", t.messages);
    let t = c.say("Где мой заказ?").await;
    assert_eq!(t.bot_lang(), "kk", "stays Kazakh: {:?}", t.messages);

    // complaint: a person, at once.
    let c = Customer::start(&service.base, Some("en")).await;
    let t = c.say("I want to file a complaint about the courier, he was rude").await;
    assert_eq!(t.state, "waiting_agent", "{}", t.bot_text());

    // thanks and goodbye.
    let c = Customer::start(&service.base, Some("en")).await;
    let t = c.say("thank you!").await;
    assert_eq!(t.state, "bot");
    let t = c.say("bye").await;
    assert_eq!(t.state, "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_survey_after_a_goodbye_is_answered_and_an_old_score_changes_nothing() {
    let service = TestService::start("goodbye-survey").await;
    let c = Customer::start(&service.base, Some("en")).await;
    c.say("Where is my order 100005?").await;
    let t = c.say("thanks, bye").await;
    assert_eq!(t.state, "closed");
    assert!(t.button_ids().contains(&"ces_6".to_string()), "the effort question: {:?}", t.messages);
    let t = c.click("ces_6", "6").await;
    assert!(t.button_ids().contains(&"csat_5".to_string()), "the answer is taken and the next question asked: {:?}", t.messages);
    let t = c.click("csat_5", "5").await;
    assert_eq!((t.state.as_str(), t.messages.len()), ("closed", 2), "the score and the thanks: {:?}", t.messages);
    // The same buttons clicked again (an old message): nothing happens, no new conversation.
    for (id, label) in [("csat_5", "5"), ("ces_6", "6"), ("order_status", "Order status")] {
        let t = c.click(id, label).await;
        assert!(t.messages.is_empty() && t.state == "closed", "{id}: {:?}", t.messages);
    }
    // A typed message does start the next conversation.
    let t = c.say("Where is my order 100006?").await;
    assert_eq!(t.state, "bot");
    assert!(t.bot_text().contains("100006"), "{}", t.bot_text());
}
