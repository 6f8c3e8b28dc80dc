//! Waiting for a person as customers live it (real service, random port, temporary SQLite): every
//! waiting customer knows their place and the expected wait, consistent with the queue agents see at
//! every moment; every message while waiting is answered; routine questions are still answered by
//! the bot; a customer can withdraw; the place is told again when it changes, never more often than
//! the configured interval; nobody speaking the language online is said honestly, with choices.

use std::time::{Duration, Instant};

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{AgentClient, agent};
use komek_tests::chat::{Customer, Live, Turn, has_kazakh_letters};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The interval between queue updates in these tests (60 s in production).
const UPDATE_SECONDS: u64 = 2;

async fn service(name: &str) -> TestService {
    TestService::start_with(name, |c| c.queue_update_seconds = UPDATE_SECONDS).await
}

/// The queue messages of a turn (`kind: queue`), joined.
fn queue_text(t: &Turn) -> String {
    t.messages.iter().filter(|m| m["kind"] == "queue").map(|m| m["text"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

fn position(queue: &Value) -> u64 {
    queue["position"].as_u64().unwrap_or_else(|| panic!("a position in {queue}"))
}

/// What every waiting customer sees agrees with the queue: places 1..n with no gaps or doubles, in
/// the order the agent is shown them, estimates that never fall as the place grows, and the same
/// number of agents online. Returns each customer's place (0 when not waiting).
async fn consistent(customers: &[&Customer], agent: &AgentClient) -> Vec<u64> {
    let mut places = Vec::new();
    let mut waiting: Vec<(u64, Option<u64>, String)> = Vec::new();
    for c in customers {
        let (state, queue) = c.standing().await;
        if state == "waiting_agent" {
            let p = position(&queue);
            assert!(queue["agents_online_for_language"].as_u64().is_some(), "{queue}");
            waiting.push((p, queue["expected_wait_seconds"].as_u64(), c.conversation_id.clone()));
            places.push(p);
        } else {
            assert!(queue.is_null(), "no queue object outside the queue: {queue}");
            places.push(0);
        }
    }
    waiting.sort();
    let expected: Vec<u64> = (1..=waiting.len() as u64).collect();
    assert_eq!(waiting.iter().map(|w| w.0).collect::<Vec<_>>(), expected, "places without gaps or doubles: {waiting:?}");
    for pair in waiting.windows(2) {
        assert!(pair[0].1 <= pair[1].1, "an estimate never falls as the place grows: {waiting:?}");
    }
    let shown: Vec<String> = agent.queue().await.iter().map(|h| h["conversation_id"].as_str().unwrap().to_string()).collect();
    let in_order: Vec<&String> = waiting.iter().map(|w| &w.2).collect();
    let shown_ours: Vec<&String> = shown.iter().filter(|id| in_order.contains(id)).collect();
    assert_eq!(shown_ours, in_order, "the agent's queue is in the customers' order");
    places
}

/// The next queue message on a customer's socket, within `wait`, skipping other frames; `None` if
/// none comes.
async fn next_queue_message(live: &mut Live, wait: Duration) -> Option<Value> {
    let deadline = Instant::now() + wait;
    while let Some(f) = live.next_within(deadline.saturating_duration_since(Instant::now())).await {
        if f["type"] == "message" && f["message"]["kind"] == "queue" {
            return Some(f["message"].clone());
        }
    }
    None
}

/// Milliseconds since the epoch of an RFC 3339 time with milliseconds and `Z`.
fn millis(rfc3339: &str) -> i64 {
    let (date, time) = rfc3339.trim_end_matches('Z').split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, ms) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if d[1] <= 2 { (d[0] - 1, d[1] + 9) } else { (d[0], d[1] - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    ((days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]) * 1000) + ms.parse::<i64>().unwrap()
}

/// In a customer's history, queue messages the customer did not prompt (updates) come at least
/// `UPDATE_SECONDS` after the queue message before them. Returns how many updates there were.
async fn updates_spaced(c: &Customer) -> usize {
    let (history, _) = c.history(None).await;
    let (mut last, mut prompted, mut updates) = (None::<i64>, false, 0);
    for m in &history {
        if m["role"] == "customer" {
            prompted = true;
        } else if m["kind"] == "queue" {
            let at = millis(m["created_at"].as_str().unwrap());
            if !prompted {
                updates += 1;
                let before = last.expect("an update follows an earlier queue message");
                assert!(at - before >= (UPDATE_SECONDS * 1000) as i64 - 50, "an update {} ms after the last: {m}", at - before);
            }
            last = Some(at);
            prompted = false;
        }
    }
    updates
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_customers_one_agent_every_place_and_estimate_consistent() {
    let service = service("waiting-three").await;
    let dana = agent(&service, "dana", &[Lang::Ru], "agent").await;
    let _dana_live = dana.live().await;

    let c1 = Customer::start(&service.base, Some("ru-RU")).await;
    let c2 = Customer::start(&service.base, Some("ru-RU")).await;
    let c3 = Customer::start(&service.base, Some("ru-RU")).await;
    for (i, (c, text)) in [(&c1, "Позовите, пожалуйста, оператора"), (&c2, "Соедините меня с живым человеком"), (&c3, "Мне нужен оператор")].into_iter().enumerate() {
        let t = c.say(text).await;
        assert_eq!(t.state, "waiting_agent", "{text}: {:?}", t.messages);
        assert_eq!(position(&t.queue), i as u64 + 1, "{}", t.queue);
        assert_eq!(t.queue["agents_online_for_language"], 1);
        assert!(t.queue["expected_wait_seconds"].as_u64().is_some_and(|s| s > 0), "{}", t.queue);
        let told = queue_text(&t);
        assert!(told.contains(&(i + 1).to_string()) && told.contains("очеред"), "the place in words: {told}");
        assert!(!told.contains("скоро") && !told.contains("прямо сейчас"), "no promise beside the estimate: {told}");
    }
    assert_eq!(consistent(&[&c1, &c2, &c3], &dana).await, [1, 2, 3]);

    // While waiting the bot still answers a routine question, and says the request still stands.
    let t = c2.say("Какие у вас есть способы оплаты?").await;
    assert_eq!(t.state, "waiting_agent");
    let bot: Vec<&Value> = t.messages.iter().filter(|m| m["role"] == "bot").collect();
    assert_eq!(bot.len(), 2, "the answer, then the place: {:?}", t.messages);
    assert!(bot[0]["kind"].is_null() && bot[0]["text"].as_str().unwrap().len() > 40, "a real answer: {}", bot[0]);
    assert!(queue_text(&t).contains('2'), "{}", queue_text(&t));
    // Asking for a person again answers with the place; anything else is passed on — never silence.
    let t = c3.say("Позовите человека!").await;
    assert!(queue_text(&t).contains('3') && position(&t.queue) == 3, "{:?}", t.messages);
    let t = c3.say("Товар пришёл сломанным, коробка была мокрая").await;
    assert_eq!(t.state, "waiting_agent");
    assert!(queue_text(&t).contains('3'), "passed on, with the place: {:?}", t.messages);
    assert_eq!(consistent(&[&c1, &c2, &c3], &dana).await, [1, 2, 3]);

    // The agent takes the first: the others move up, see it on the status line at once, and are
    // told in a message — no sooner than the interval after their last queue message.
    let mut live2 = c2.websocket().await;
    let mut live3 = c3.websocket().await;
    let first = dana.queue().await.into_iter().find(|h| h["conversation_id"] == c1.conversation_id.as_str()).unwrap();
    let (s, v) = dana.post(&format!("/api/v1/agent/handoffs/{}/claim", first["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(consistent(&[&c1, &c2, &c3], &dana).await, [0, 1, 2]);
    let frame = live2.until_state().await;
    assert_eq!(position(&frame["queue"]), 1, "the status line moves at once: {frame}");
    let m = next_queue_message(&mut live2, Duration::from_secs(10)).await.expect("customer 2 is told they moved up");
    assert!(m["text"].as_str().unwrap().contains('1'), "{m}");
    let m = next_queue_message(&mut live3, Duration::from_secs(10)).await.expect("customer 3 is told they moved up");
    assert!(m["text"].as_str().unwrap().contains('2'), "{m}");

    // At once the second is taken too: customer 3 moves to first place, but was just told — the
    // message waits for the interval, then comes.
    let second = dana.queue().await.into_iter().find(|h| h["conversation_id"] == c2.conversation_id.as_str()).unwrap();
    let (s, _) = dana.post(&format!("/api/v1/agent/handoffs/{}/claim", second["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(consistent(&[&c1, &c2, &c3], &dana).await, [0, 0, 1]);
    let m = next_queue_message(&mut live3, Duration::from_secs(10)).await.expect("customer 3 is told they are next");
    assert!(m["text"].as_str().unwrap().contains('1'), "{m}");
    assert!(next_queue_message(&mut live3, Duration::from_secs(UPDATE_SECONDS + 1)).await.is_none(), "nothing changed: no more messages");

    for c in [&c1, &c2, &c3] {
        updates_spaced(c).await;
    }
    assert_eq!(updates_spaced(&c3).await, 2, "customer 3 was told each change, once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_speaks_kazakh_is_said_once_with_choices_and_an_agent_coming_online_is_told() {
    let service = service("waiting-kk").await;
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    let _olga_live = olga.live().await;

    let c = Customer::start(&service.base, Some("kk-KZ")).await;
    let mut live = c.websocket().await;
    let t = c.say("Операторға қосыңызшы").await;
    assert_eq!(t.state, "waiting_agent");
    assert_eq!(t.queue["agents_online_for_language"], 0, "{}", t.queue);
    assert!(t.queue["expected_wait_seconds"].is_null(), "no estimate without an agent: {}", t.queue);
    let told = queue_text(&t);
    assert!(has_kazakh_letters(&told), "in Kazakh: {told}");
    let mut choices = t.button_ids();
    choices.sort();
    assert_eq!(choices, ["queue_bot", "queue_later", "queue_wait_any"], "the choices that exist");

    let t = c.click("queue_wait_any", "Басқа тілде күтемін").await;
    assert_eq!(t.state, "waiting_agent");
    assert!(has_kazakh_letters(&queue_text(&t)) && queue_text(&t).contains('1'), "{:?}", t.messages);

    // A Kazakh-speaking colleague logs in: the customer hears of it without asking.
    let aigerim = agent(&service, "aigerim", &[Lang::Kk], "agent").await;
    let _aigerim_live = aigerim.live().await;
    let m = next_queue_message(&mut live, Duration::from_secs(10)).await.expect("told that an agent is online");
    assert!(has_kazakh_letters(m["text"].as_str().unwrap()), "{m}");
    let (_, queue) = c.standing().await;
    assert_eq!(queue["agents_online_for_language"], 1, "{queue}");
    assert!(queue["expected_wait_seconds"].as_u64().is_some(), "{queue}");
    assert_eq!(consistent(&[&c], &aigerim).await, [1]);

    // "Keep talking to the bot": the request is withdrawn and leaves the queue.
    let t = c.click("queue_bot", "Көмекшімен жалғастыру").await;
    assert_eq!(t.state, "bot", "{:?}", t.messages);
    assert!(t.queue.is_null());
    assert!(aigerim.queue().await.is_empty(), "gone from the agent's queue");
    updates_spaced(&c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_while_waiting_gets_an_answer_and_never_mind_withdraws() {
    let service = service("waiting-en").await;
    let c = Customer::start(&service.base, Some("en-GB")).await;
    let t = c.say("I want to talk to a human").await;
    assert_eq!(t.state, "waiting_agent");
    assert!(t.queue["expected_wait_seconds"].is_null() && t.queue["agents_online_for_language"] == 0, "{}", t.queue);
    assert!(queue_text(&t).contains("can't promise"), "honest about nobody online: {}", queue_text(&t));

    for text in ["hello?", "What are your opening hours?", "My order 100003 arrived broken", "thanks", "ok", "😡😡😡", "<script>alert(1)</script>", "bye"] {
        let t = c.say(text).await;
        assert_eq!(t.state, "waiting_agent", "{text}: still queued");
        assert!(t.messages.iter().any(|m| m["role"] == "bot"), "{text}: answered {:?}", t.messages);
        assert!(!queue_text(&t).is_empty(), "{text}: with the place in the queue {:?}", t.messages);
        assert_eq!(position(&t.queue), 1);
    }
    let (history, _) = c.history(None).await;
    assert!(history.iter().any(|m| m["role"] == "bot" && m["text"].as_str().unwrap().contains("9:00")), "the hours were answered");

    let t = c.say("never mind, I sorted it out").await;
    assert_eq!(t.state, "bot", "{:?}", t.messages);
    assert!(t.bot_text().contains("cancelled"), "{}", t.bot_text());
    let t = c.say("Where is my order 100003?").await;
    assert_eq!(t.state, "bot");
    assert!(t.bot_text().contains("100003"), "the bot answers as before: {}", t.bot_text());

    // "Not needed" inside a request for a person is no withdrawal.
    let t = c.say("I need a person please").await;
    assert_eq!(t.state, "waiting_agent");
    let t = c.say("no need for more bot answers, I want a human").await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
}
