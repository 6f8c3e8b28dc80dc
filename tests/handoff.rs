//! Human handoff end to end (real service, random port, temporary SQLite): escalation, routing by
//! language, the brief, claim, agent replies reaching the customer live, release, close and survey;
//! requests for a person in every shipped language; agent security; racing claims.

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{PASSWORD, agent};
use komek_tests::chat::{Customer, has_kazakh_letters};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn angry_kazakh_customer_reaches_the_kazakh_agent_and_back() {
    let service = TestService::start("handoff-kk").await;
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    let aigerim = agent(&service, "aigerim", &[Lang::Kk, Lang::Ru], "agent").await;
    let mut olga_live = olga.live().await;
    let mut aigerim_live = aigerim.live().await;

    let c = Customer::start(&service.base, Some("kk-KZ")).await;
    let mut customer_live = c.websocket().await;
    c.say("Сәлеметсіз бе").await;
    let t = c.say("Менің тапсырысым 100003 қайда?").await;
    assert!(t.bot_text().contains("100003"), "{}", t.bot_text());

    let t = c.say("Бұл сұмдық! Тапсырыс әлі жоқ, мен қатты ашулымын!!!").await;
    assert_eq!(t.state, "waiting_agent");
    assert!(has_kazakh_letters(&t.bot_text()), "told in Kazakh: {}", t.bot_text());

    // Offered to the Kazakh-speaking agent first; the Russian-only colleague does not see it yet.
    let frame = aigerim_live.until(|f| f["type"] == "queue" && !f["handoffs"].as_array().unwrap().is_empty()).await;
    let h = &frame["handoffs"][0];
    assert_eq!(h["reason"], "negative_emotion");
    assert_eq!(h["language"], "kk");
    assert_eq!(h["offered_to_me"], true);
    assert_eq!(h["brief"]["facts"]["order_id"], "100003");
    assert_eq!(h["brief"]["emotion"]["current"], "angry");
    assert!(!h["brief"]["suggested_replies"].as_array().unwrap().is_empty());
    assert!(h["brief"]["suggested_replies"][0].as_str().unwrap().contains("aigerim"), "the agent's name is filled in");
    assert!(olga.queue().await.is_empty(), "not offered to the ru-only agent");
    let _ = olga_live.until(|f| f["type"] == "queue").await;

    let handoff_id = h["id"].as_str().unwrap().to_string();
    let (s, claimed) = aigerim.post(&format!("/api/v1/agent/handoffs/{handoff_id}/claim"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["state"], "with_agent");
    let conv = claimed["conversation_id"].as_str().unwrap().to_string();
    assert!(claimed["messages"].as_array().unwrap().len() >= 6, "the whole transcript comes with the claim");
    let joined = customer_live.next_from("system").await;
    assert!(joined["text"].as_str().unwrap().contains("aigerim"));

    // The agent's reply reaches the customer live; the bot stays silent meanwhile.
    let (s, _) = aigerim.post(&format!("/api/v1/agent/conversations/{conv}/messages"), json!({"text": "Кешіріңіз! Қазір тексеремін."})).await;
    assert_eq!(s, StatusCode::OK);
    let m = customer_live.next_from("agent").await;
    assert_eq!(m["text"], "Кешіріңіз! Қазір тексеремін.");
    assert_eq!(m["author"], "aigerim");
    let t = c.say("Жақсы, күтемін").await;
    assert_eq!(t.messages.len(), 1, "no bot reply while an agent has the conversation");
    let f = aigerim_live.until(|f| f["type"] == "message" && f["message"]["role"] == "customer").await;
    assert_eq!(f["message"]["text"], "Жақсы, күтемін");

    // An internal note is not shown to the customer.
    let (s, _) = aigerim.post(&format!("/api/v1/agent/conversations/{conv}/notes"), json!({"text": "курьерге хабарластым"})).await;
    assert_eq!(s, StatusCode::OK);

    // Release: the bot answers again.
    let (s, v) = aigerim.post(&format!("/api/v1/agent/conversations/{conv}/release"), json!({})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("bot")));
    let t = c.say("Жеткізу қанша тұрады?").await;
    assert_eq!(t.state, "bot");
    assert!(t.messages.iter().any(|m| m["role"] == "bot"), "the bot resumed: {:?}", t.messages);

    // A second handoff, then close: the survey is asked, answered and logged.
    let t = c.say("Операторға қосыңызшы").await;
    assert_eq!(t.state, "waiting_agent");
    let queue = aigerim.queue().await;
    let h2 = queue[0]["id"].as_str().unwrap().to_string();
    let (s, _) = aigerim.post(&format!("/api/v1/agent/handoffs/{h2}/claim"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = aigerim.post(&format!("/api/v1/agent/conversations/{conv}/close"), json!({})).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("closed")));
    let ces = loop {
        let m = customer_live.next_from("bot").await;
        if m["buttons"].as_array().is_some_and(|b| b.len() == 7) {
            break m;
        }
    };
    assert!(has_kazakh_letters(ces["text"].as_str().unwrap()), "survey in Kazakh: {ces}");
    let t = c.click("ces_6", "6").await;
    assert_eq!(t.messages.last().unwrap()["buttons"].as_array().unwrap().len(), 5, "then CSAT 1–5");
    let t = c.say("5").await;
    assert_eq!(t.state, "closed", "the survey does not reopen the conversation");
    assert!(t.bot_text().len() > 5);

    let answers = service.store().conversation_events_of(&conv, &[komek::events::EventKind::SurveyAnswer]).await.unwrap();
    let scores: Vec<String> = answers.iter().map(|e| format!("{:?}", e.body)).collect();
    assert_eq!(scores.len(), 2, "{scores:?}");
    assert!(scores[0].contains("ces") && scores[0].contains("6"));
    assert!(scores[1].contains("csat") && scores[1].contains("5"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_a_person_in_every_language_hands_over_at_once() {
    let service = TestService::start("handoff-langs").await;
    let requests = [
        ("ru", "Позовите оператора, пожалуйста"),
        ("kk", "Операторға қосыңызшы"),
        ("en", "I want to talk to a human"),
        ("uk", "З'єднайте мене з оператором"),
        ("uz", "Operator bilan gaplashmoqchiman"),
        ("tr", "Bir müşteri temsilcisiyle görüşmek istiyorum"),
        ("de", "Ich möchte mit einem Mitarbeiter sprechen"),
        ("es", "Quiero hablar con una persona"),
        ("fr", "Je veux parler à un conseiller"),
        ("zh", "我要人工客服"),
        ("ar", "أريد التحدث مع موظف"),
    ];
    for (lang, text) in requests {
        let c = Customer::start(&service.base, Some(lang)).await;
        let t = c.say(text).await;
        assert_eq!(t.state, "waiting_agent", "{lang}: {text} -> {:?}", t.messages);
        assert_eq!(t.bot_lang(), lang, "{lang}: told in their language");
    }
    let sup = agent(&service, "sup", &[Lang::Ru], "supervisor").await;
    let queue = sup.queue().await;
    assert_eq!(queue.len(), 11, "supervisors see every handoff");
    assert!(queue.iter().all(|h| h["reason"] == "customer_request"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fact_the_customer_gave_is_in_the_brief() {
    let service = TestService::start("handoff-facts").await;
    let sup = agent(&service, "sup", &[Lang::Ru], "supervisor").await;
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Мой телефон +7 701 555 44 33, почта aigul@example.kz").await;
    c.say("Где заказ 100021?").await;
    let t = c.say("Хочу отменить заказ").await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
    let queue = sup.queue().await;
    let brief = &queue[0]["brief"];
    assert_eq!(brief["reason"], "sensitive_intent");
    assert_eq!(brief["facts"]["order_id"], "100021");
    assert_eq!(brief["facts"]["phone"], "+77015554433");
    assert_eq!(brief["facts"]["email"], "aigul@example.kz");
    assert!(brief["intents"].as_array().unwrap().iter().any(|i| i == "cancel_order"));
    assert!(!brief["bot_answers"].as_array().unwrap().is_empty(), "what the bot already said");
    assert!(brief["summary"].as_str().unwrap().contains("100021"));
    // The brief keeps up while the customer waits.
    c.say("И ещё: доставка была на Абая 10").await;
    let queue = sup.queue().await;
    assert!(queue[0]["brief"]["summary"].as_str().unwrap().contains("Абая 10"), "{}", queue[0]["brief"]["summary"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_endpoints_need_a_valid_token_and_the_right_role() {
    let service = TestService::start_with("handoff-auth", |c| c.agent_token_ttl_seconds = 1).await;
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    let http = reqwest::Client::new();
    let paths = ["/api/v1/agent/queue", "/api/v1/agent/me", "/api/v1/agent/conversations", "/api/v1/agent/agents"];
    for path in paths {
        let r = http.get(service.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} without a token");
        let r = http.get(service.url(path)).bearer_auth("forged-token").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} with a forged token");
    }
    let r = http.post(service.url("/api/v1/agent/login")).json(&json!({"username": "olga", "password": "wrong password"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http.post(service.url("/api/v1/agent/login")).json(&json!({"username": "nobody", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let (s, _) = olga.get("/api/v1/agent/agents").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents may not list agents");

    // A conversation owned by nobody (never handed over) is not an agent's to write in.
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Привет").await;
    let (s, _) = olga.post(&format!("/api/v1/agent/conversations/{}/messages", c.conversation_id), json!({"text": "hi"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The token expires.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (s, v) = olga.get("/api/v1/agent/queue").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let ws = format!("{}/api/v1/agent/ws?token={}", service.base.replace("http://", "ws://"), olga.token);
    assert!(tokio_tungstenite::connect_async(ws).await.is_err(), "an expired token opens no socket");

    // Logout ends a token at once.
    let sup = agent(&service, "sup", &[Lang::Ru], "supervisor").await;
    let (s, v) = sup.get("/api/v1/agent/agents").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["agents"].as_array().unwrap().len(), 2);
    let r = http.post(service.url("/api/v1/agent/logout")).bearer_auth(&sup.token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = sup.get("/api/v1/agent/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_claiming_at_once_exactly_one_wins() {
    let service = TestService::start("handoff-race").await;
    let a = agent(&service, "a", &[Lang::Ru], "supervisor").await;
    let b = agent(&service, "b", &[Lang::Ru], "supervisor").await;
    for round in 0..5 {
        let c = Customer::start(&service.base, Some("ru")).await;
        let t = c.say("Позовите оператора").await;
        assert_eq!(t.state, "waiting_agent");
        let queue = a.queue().await;
        let id = queue.iter().find(|h| h["conversation_id"] == c.conversation_id.as_str()).unwrap()["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/agent/handoffs/{id}/claim");
        let (ra, rb) = tokio::join!(a.post(&path, json!({})), b.post(&path, json!({})));
        let statuses = [ra.0, rb.0];
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "round {round}: {statuses:?}");
        let loser: &Value = if ra.0 == StatusCode::OK { &rb.1 } else { &ra.1 };
        assert_eq!(loser["error"]["code"], "already_claimed");
        let joined = c.history(None).await.0.iter().filter(|m| m["role"] == "system").count();
        assert_eq!(joined, 1, "the customer is told once who joined");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisors_see_containment_reasons_waiting_and_satisfaction() {
    let service = TestService::start("handoff-analytics").await;
    let sup = agent(&service, "sup", &[Lang::Ru, Lang::Kk], "supervisor").await;
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    let (s, _) = olga.get("/api/v1/agent/analytics").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not see the reports");

    // Two conversations the bot handled alone (ru, en) and one handed over (kk) with a survey.
    let ru = Customer::start(&service.base, Some("ru")).await;
    ru.say("Где мой заказ 100017?").await;
    let en = Customer::start(&service.base, Some("en")).await;
    en.say("what payment methods do you accept?").await;
    let kk = Customer::start(&service.base, Some("kk")).await;
    let t = kk.say("Операторға қосыңызшы").await;
    assert_eq!(t.state, "waiting_agent");
    let h = sup.queue().await[0]["id"].as_str().unwrap().to_string();
    let (_, claimed) = sup.post(&format!("/api/v1/agent/handoffs/{h}/claim"), json!({})).await;
    let conv = claimed["conversation_id"].as_str().unwrap().to_string();
    sup.post(&format!("/api/v1/agent/conversations/{conv}/messages"), json!({"text": "Сәлеметсіз бе!"})).await;
    sup.post(&format!("/api/v1/agent/conversations/{conv}/close"), json!({})).await;
    kk.click("ces_6", "6").await;
    kk.click("csat_4", "4").await;

    let (s, r) = sup.get("/api/v1/agent/analytics?days=7").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let o = &r["overall"];
    assert_eq!(o["conversations"], 3);
    assert_eq!(o["contained"], 2);
    assert_eq!(o["handoffs"], 1);
    assert_eq!(o["handoff_reasons"]["customer_request"], 1);
    assert_eq!(o["waiting_seconds"]["n"], 1);
    assert_eq!(o["service_level"], 1.0, "answered within a minute");
    assert_eq!(o["ces"]["mean"], 6.0);
    assert_eq!(o["csat"]["mean"], 4.0);
    assert_eq!(r["by_language"]["kk"]["handoffs"], 1);
    assert_eq!(r["by_language"]["ru"]["containment_rate"], 1.0);
    assert_eq!(r["by_channel"]["web"]["conversations"], 3);
    let (s, _) = sup.get("/api/v1/agent/analytics?days=0").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
