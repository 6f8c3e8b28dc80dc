//! Every conversation scored, over the real service (random port, temporary SQLite): conversations
//! with known defects (an agent asking again for the order number, rude words, a leaked note, no
//! offer of further help, a reply in another language) fail exactly those criteria, with the
//! moments that decided them; a smooth bot conversation passes and is easy; the sweeper stores the
//! scorecards as conversations end; filters, worst-first order, an agent seeing only their own, CSV
//! and bad queries; and the backfill scores what the sweeper has not.

use std::time::{Duration, Instant};

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{AgentClient, agent};
use komek_tests::chat::Customer;
use reqwest::StatusCode;
use serde_json::{Value, json};




fn verdict<'a>(card: &'a Value, criterion: &str) -> &'a Value {
    &card["criteria"][criterion]
}

fn failed(card: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        card["criteria"].as_object().unwrap().iter().filter(|(_, v)| v["pass"] == false).map(|(k, _)| k.clone()).collect();
    out.sort();
    out
}

/// Polls the list until it holds `n` conversations (the sweeper runs every second here).
async fn listed(sup: &AgentClient, query: &str, n: usize) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (s, v) = sup.get(&format!("/api/v1/agent/quality?days=1{query}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if v["conversations"].as_array().unwrap().len() >= n || Instant::now() > deadline {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["conversations"].as_array().unwrap().iter().map(|c| c["conversation_id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_are_scored_with_the_moments_that_decided() {
    let service = TestService::start_with("quality", |c| c.quality_sweep_seconds = 1).await;
    let sup = agent(&service, "sabina", &[Lang::Ru, Lang::En, Lang::Kk], "supervisor").await;
    let olga = agent(&service, "olga", &[Lang::Ru, Lang::En], "agent").await;
    let aigerim = agent(&service, "aigerim", &[Lang::Kk, Lang::Ru], "agent").await;

    // A: Russian, an agent with every defect an agent can have.
    let a = Customer::start(&service.base, Some("ru")).await;
    let t = a.say("Где мой заказ 100003? Соедините с оператором, пожалуйста").await;
    assert_eq!(t.state, "waiting_agent");
    let conv_a = olga.claim_conversation(&a.conversation_id).await;
    olga.write(&conv_a, "Здравствуйте. Подскажите номер заказа?").await;
    let note = "Клиент раздражён, промокод предлагать только если снова пожалуется";
    let (s, _) = olga.post(&format!("/api/v1/agent/conversations/{conv_a}/notes"), json!({"text": note})).await;
    assert_eq!(s, StatusCode::OK);
    olga.write(&conv_a, "Успокойтесь, задержка доставки не моя проблема.").await;
    olga.write(&conv_a, note).await;
    olga.close(&conv_a).await;

    // B: Kazakh, done well.
    let b = Customer::start(&service.base, Some("kk")).await;
    let t = b.say("Сәлеметсіз бе, тапсырысым 100003 әлі келмеді, операторға қосыңызшы").await;
    assert_eq!(t.state, "waiting_agent");
    let conv_b = aigerim.claim_conversation(&b.conversation_id).await;
    aigerim.write(&conv_b, "Сәлеметсіз бе! Кешіріңіз, тапсырысыңыз 100003 ертең жеткізіледі.").await;
    b.say("Рақмет").await;
    aigerim.write(&conv_b, "Тағы қандай көмек керек?").await;
    aigerim.close(&conv_b).await;

    // C: English customer, answered in Russian.
    let c = Customer::start(&service.base, Some("en")).await;
    let t = c.say("Hello, I need to talk to a human agent about my order 100003 please").await;
    assert_eq!(t.state, "waiting_agent");
    let conv_c = olga.claim_conversation(&c.conversation_id).await;
    olga.write(&conv_c, "Здравствуйте, сейчас посмотрю ваш заказ и отвечу.").await;

    // D: the bot alone, smooth.
    let d = Customer::start(&service.base, Some("en")).await;
    let t = d.say("What are your opening hours?").await;
    assert_eq!(t.state, "bot");
    let t = d.say("Thanks, bye!").await;
    assert_eq!(t.state, "closed", "{:?}", t.messages);

    // Scored on demand, with the moments that decided.
    let (s, card_a) = sup.get(&format!("/api/v1/agent/conversations/{conv_a}/quality")).await;
    assert_eq!(s, StatusCode::OK, "{card_a}");
    assert_eq!(failed(&card_a), ["agent_wording", "closing_missed", "note_leak", "repeat_ask"], "{card_a}");
    for c in ["repeat_ask", "agent_wording", "note_leak"] {
        assert_eq!(verdict(&card_a, c)["who"], "agent", "{c}: {card_a}");
        assert!(!verdict(&card_a, c)["event_ids"].as_array().unwrap().is_empty(), "{c}");
    }
    assert_eq!(verdict(&card_a, "empathy_missed")["pass"], Value::Null, "nobody upset: not applicable");
    assert_eq!(card_a["score"], 70, "100 − 10 (repeat ask) − 10 (wording) − 5 (note) − 5 (closing)");
    // The failing moments are messages of the transcript the agent sees.
    let (_, detail) = sup.get(&format!("/api/v1/agent/conversations/{conv_a}")).await;
    let rude_id = verdict(&card_a, "agent_wording")["event_ids"][0].as_i64().unwrap();
    let rude = detail["messages"].as_array().unwrap().iter().find(|m| m["id"] == rude_id).expect("the rude message is in the transcript");
    assert!(rude["text"].as_str().unwrap().contains("Успокойтесь"));

    let (_, card_b) = sup.get(&format!("/api/v1/agent/conversations/{conv_b}/quality")).await;
    assert_eq!(failed(&card_b), Vec::<String>::new(), "{card_b}");
    let (_, card_c) = sup.get(&format!("/api/v1/agent/conversations/{conv_c}/quality")).await;
    assert_eq!(verdict(&card_c, "language_mismatch")["pass"], false, "{card_c}");
    assert_eq!(card_c["ended"], false, "still with the agent");
    assert_eq!(verdict(&card_c, "unresolved")["pass"], Value::Null, "not judged before it ends");
    let (_, card_d) = sup.get(&format!("/api/v1/agent/conversations/{}/quality", d.conversation_id)).await;
    assert_eq!(failed(&card_d), Vec::<String>::new(), "{card_d}");
    assert_eq!(card_d["effort"]["score"], 7, "{card_d}");
    assert!(card_a["effort"]["score"].as_u64() <= card_d["effort"]["score"].as_u64());

    // Stored by the sweeper as they end (C has not ended), worst first.
    let list = listed(&sup, "", 3).await;
    let all = ids(&list);
    assert_eq!(all.len(), 3, "{list}");
    assert_eq!(all[0], conv_a, "worst first: {list}");
    assert!(!all.contains(&conv_c), "an open conversation is not listed yet");
    assert_eq!(list["by_criterion"]["repeat_ask"]["failed"], 1);
    assert_eq!(list["by_agent"]["olga"]["failed"]["agent_wording"], 1, "{}", list["by_agent"]);
    assert!(list["by_agent"]["bot"]["conversations"].as_u64().unwrap() >= 3);

    // Filters.
    assert_eq!(ids(&listed(&sup, "&criterion=note_leak", 1).await), std::slice::from_ref(&conv_a));
    assert_eq!(ids(&listed(&sup, "&language=kk", 1).await), std::slice::from_ref(&conv_b));
    assert_eq!(ids(&listed(&sup, "&agent=bot", 1).await), std::slice::from_ref(&d.conversation_id));
    assert_eq!(ids(&listed(&sup, "&channel=telegram", 0).await), Vec::<String>::new());

    // An agent sees their own.
    let (s, mine) = aigerim.get("/api/v1/agent/quality?days=1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&mine), std::slice::from_ref(&conv_b), "{mine}");
    assert!(mine["by_agent"].as_object().unwrap().keys().all(|k| k == "aigerim"), "{}", mine["by_agent"]);
    let (s, _) = aigerim.get(&format!("/api/v1/agent/conversations/{conv_a}/quality")).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    // Her own closed conversation she may read back, with its scorecard.
    let (s, own) = aigerim.get(&format!("/api/v1/agent/conversations/{conv_b}/quality")).await;
    assert_eq!(s, StatusCode::OK, "{own}");
    let (s, detail) = aigerim.get(&format!("/api/v1/agent/conversations/{conv_b}")).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let (s, _) = aigerim.get("/api/v1/agent/quality?days=1&agent=olga").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // CSV, worst first, a column per criterion.
    let r = reqwest::Client::new().get(service.url("/api/v1/agent/quality?days=1&format=csv")).bearer_auth(&sup.token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("conversation_id,") && lines[0].ends_with(",note_leak"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[1].starts_with(&conv_a) && lines[1].contains("fail"), "{csv}");

    // Bad queries and no token.
    for q in ["criterion=bogus", "days=0", "format=xml", "colour=red"] {
        let (s, v) = sup.get(&format!("/api/v1/agent/quality?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {v}");
    }
    let r = reqwest::Client::new().get(service.url("/api/v1/agent/quality")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (s, _) = sup.get("/api/v1/agent/conversations/c_nope/quality").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The backfill scores what has no scorecard (here: after the table was emptied).
    sqlx::query("DELETE FROM quality").execute(&service.store().pool).await.unwrap();
    let nlu = service.running.as_ref().unwrap().chat.nlu.clone();
    let quality = komek::quality::Quality::load(&komek_tests::models_dir(), nlu).unwrap();
    let mut seen = Vec::new();
    let written = quality.backfill(service.store(), 0, komek::clock::now_ms(), |done, total| seen.push((done, total))).await.unwrap();
    assert!(written >= 3, "{written}");
    assert_eq!(seen.last().map(|(d, t)| d == t), Some(true), "{seen:?}");
}
