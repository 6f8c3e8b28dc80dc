//! Waiting for a person in the widget, in a real headless Chromium (issue 13, point 1): the status
//! line tells the same place and wait as the bot's messages, in the customer's language (ru, kk, en;
//! Arabic mirrored); an agent coming online is told without asking; every message while waiting is
//! answered; typing shows both ways once an agent has the conversation. The harness is
//! `komek_tests::trials` (`harness = false`): reported as ignored without Chromium, failed with
//! `KOMEK_REQUIRE_BROWSER` set.

use std::time::Duration;

use fantoccini::key::Key;
use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::agent;
use komek_tests::browser::{Browser, BrowserOptions, WAIT};
use komek_tests::trials::Part;
use serde_json::{Value, json};

komek_tests::trials!(
    Part::Browser;
    the_status_line_tells_the_place_in_russian,
    the_status_line_tells_the_place_in_kazakh,
    the_status_line_tells_the_place_in_english,
    the_status_line_tells_the_place_in_arabic_right_to_left,
);

/// A request for a person, in each language, as customers write it.
fn person_request(lang: &str) -> &'static str {
    match lang {
        "ru" => "Позовите, пожалуйста, живого оператора",
        "kk" => "Операторға қосыңызшы",
        "ar" => "أريد التحدث مع موظف خدمة العملاء",
        _ => "Can I talk to a real person please?",
    }
}

/// A routine question while waiting.
fn routine_question(lang: &str) -> &'static str {
    match lang {
        "ru" => "А какие способы оплаты у вас есть?",
        "kk" => "Қандай төлем тәсілдері бар?",
        "ar" => "ما هي طرق الدفع المتاحة؟",
        _ => "What payment methods do you accept?",
    }
}

fn agent_language(lang: &str) -> Lang {
    Lang::from_code(lang).expect("a shipped language")
}

/// The widget's strings for `lang`.
async fn widget_strings(service: &TestService, lang: &str) -> Value {
    let v: Value = reqwest::get(service.url("/widget/i18n.json")).await.unwrap().json().await.unwrap();
    v["languages"][lang]["ui"].clone()
}

async fn status_line(browser: &Browser) -> String {
    let v = browser.execute("const s = document.querySelector('#komek-widget .komek-status'); return s && !s.hidden ? s.textContent : '';", vec![]).await;
    v.as_str().unwrap_or_default().to_string()
}

/// The texts of the bot's messages shown in the widget.
async fn bot_texts(browser: &Browser) -> Vec<String> {
    let v = browser
        .execute(
            "return Array.from(document.querySelectorAll('#komek-widget .komek-msg')).filter((m) => /bot/.test(m.className) || m.getAttribute('data-role') === 'bot')\
             .map((m) => (m.querySelector('.komek-msg-text') || m).textContent);",
            vec![],
        )
        .await;
    v.as_array().unwrap().iter().map(|t| t.as_str().unwrap_or_default().to_string()).collect()
}

/// Types `text` and sends it with Enter.
async fn type_and_send(browser: &Browser, text: &str) {
    let input = browser.find(".komek-input").await;
    input.click().await;
    input.send_keys(text).await;
    input.send_keys(&Key::Enter.to_string()).await;
}

async fn wait_bot_count(browser: &Browser, more_than: usize) -> Vec<String> {
    browser
        .wait_until(&format!("more than {more_than} bot messages"), WAIT, async || {
            let all = bot_texts(browser).await;
            (all.len() > more_than).then_some(all)
        })
        .await
}

/// The whole walk in one language.
async fn waiting_in(lang: &str) {
    let service = TestService::start_with(&format!("waiting-browser-{lang}"), |c| c.queue_update_seconds = 2).await;
    let browser = Browser::launch_with(BrowserOptions { lang: Some(lang.into()), ..BrowserOptions::default() }).await;
    let ui = widget_strings(&service, lang).await;
    browser.goto(&service.url("/")).await;
    browser.wait_for(".komek-launcher", WAIT).await.click().await;
    browser.wait_for(".komek-input", WAIT).await;
    if lang == "ar" {
        let dir = browser.execute("return getComputedStyle(document.querySelector('#komek-widget .komek-panel')).direction;", vec![]).await;
        assert_eq!(dir, json!("rtl"), "the Arabic widget is mirrored");
    }

    // Nobody speaking the language is online: said honestly, on the status line too.
    let before = bot_texts(&browser).await.len();
    type_and_send(&browser, person_request(lang)).await;
    wait_bot_count(&browser, before).await;
    let expected = ui["queue_no_agent"].as_str().unwrap().replace("{position}", "1");
    browser
        .wait_until("the status line with the place and nobody online", WAIT, async || (status_line(&browser).await == expected).then_some(()))
        .await;

    // A routine question while waiting is answered (and the place said again).
    let before = bot_texts(&browser).await.len();
    type_and_send(&browser, routine_question(lang)).await;
    let after = wait_bot_count(&browser, before + 1).await;
    assert!(after.len() >= before + 2, "an answer and the place: {after:?}");

    // A colleague who speaks the language comes online: the customer is told, and the status line
    // shows the estimate.
    let dana = agent(&service, "dana", &[agent_language(lang)], "agent").await;
    let mut dana_live = dana.live().await;
    let before = bot_texts(&browser).await.len();
    wait_bot_count(&browser, before).await;
    let prefix: String = ui["queue_status"].as_str().unwrap().split("{position}").next().unwrap().to_string();
    let shown = browser
        .wait_until("the status line with the estimate", WAIT, async || {
            let s = status_line(&browser).await;
            (s.starts_with(&prefix) && s.contains('1') && s != expected).then_some(s)
        })
        .await;
    assert!(shown.chars().any(|c| c.is_ascii_digit()), "{shown}");

    // The agent takes it: the status line says so; the agent's typing shows in the widget, and the
    // customer's typing reaches the agent.
    let queue = dana.queue().await;
    let (conv, id) = (queue[0]["conversation_id"].as_str().unwrap().to_string(), queue[0]["id"].as_str().unwrap().to_string());
    let (s, _) = dana.post(&format!("/api/v1/agent/handoffs/{id}/claim"), json!({})).await;
    assert_eq!(s, reqwest::StatusCode::OK);
    let with_agent = ui["state_with_agent"].as_str().unwrap().to_string();
    browser.wait_until("the status line: with an agent", WAIT, async || (status_line(&browser).await == with_agent).then_some(())).await;
    dana_live.send(json!({"type": "typing", "conversation_id": conv})).await;
    browser
        .wait_js("the agent's typing in the widget", WAIT, "const t = document.querySelector('#komek-widget .komek-typing'); return !!t && !t.hidden;", vec![])
        .await;
    let input = browser.find(".komek-input").await;
    input.click().await;
    input.send_keys("...").await;
    let frame = tokio::time::timeout(Duration::from_secs(10), dana_live.until(|f| f["type"] == "typing" && f["conversation_id"] == conv.as_str()))
        .await
        .expect("the customer's typing reaches the agent");
    assert_eq!(frame["role"], "customer");
    browser.quit().await;
    service.stop().await;
}

async fn the_status_line_tells_the_place_in_russian() {
    waiting_in("ru").await;
}

async fn the_status_line_tells_the_place_in_kazakh() {
    waiting_in("kk").await;
}

async fn the_status_line_tells_the_place_in_english() {
    waiting_in("en").await;
}

async fn the_status_line_tells_the_place_in_arabic_right_to_left() {
    waiting_in("ar").await;
}
