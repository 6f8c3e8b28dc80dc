//! The chat widget in a real headless Chromium against the real service (each test: its own service
//! and its own browser). Reported as ignored, with the reason, when Chromium or chromedriver is not
//! installed; `.ci/run` installs them and sets `KOMEK_REQUIRE_BROWSER=1`, so CI runs these for real.
//! The harness is `komek_tests::trials` (`harness = false`).

use std::collections::HashMap;
use std::time::Duration;

use fantoccini::key::Key;
use komek_tests::browser::{ShownMessage as Msg, Browser, BrowserOptions, WAIT};
use komek_tests::TestService;
use komek_tests::trials::Part;
use serde_json::{Value, json};

komek_tests::trials!(
    Part::Browser;
    demo_page_conversation_and_reload,
    proactive_order_update_arrives_over_the_websocket,
    hostile_text_is_shown_verbatim_and_never_run,
    bot_buttons_get_a_reply,
    panel_fits_a_phone_screen,
    language_picker_changes_the_ui_language,
    ui_language_follows_the_browser_and_data_locale,
);

/// Kazakh letters that Russian does not have.
const KAZAKH_LETTERS: &[char] = &['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];



async fn messages(browser: &Browser) -> Vec<Msg> {
    browser.shown_messages("#komek-widget .komek-msg", ".komek-msg-text").await
}

fn joined(messages: &[Msg]) -> String {
    messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The service and a browser.
async fn setup(name: &str, options: BrowserOptions) -> (TestService, Browser) {
    let browser = Browser::launch_with(options).await;
    let svc = TestService::start(name).await;
    (svc, browser)
}

/// Opens the demo page and waits until the widget is there.
async fn load_demo(browser: &Browser, svc: &TestService) {
    browser.goto(&svc.url("/")).await;
    browser.wait_for(".komek-launcher", WAIT).await;
}

/// Opens the chat panel with the launcher.
async fn open_panel(browser: &Browser) {
    let panel_open = "const p = document.querySelector('#komek-widget .komek-panel'); \
                      return !!p && !p.hidden && p.getBoundingClientRect().width > 0;";
    if !truthy(&browser.execute(panel_open, vec![]).await) {
        browser.find(".komek-launcher").await.click().await;
    }
    browser.wait_js("the chat panel to open", WAIT, panel_open, vec![]).await;
    browser.wait_for(".komek-input", WAIT).await;
}

fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

/// Waits until the widget shows a customer message `text` (with a server id) at or after
/// position `from`, then a bot reply after it, then no further change for a moment; returns the
/// messages after the customer's.
async fn await_reply(browser: &Browser, text: &str, from: usize) -> Vec<Msg> {
    let what = format!("the customer's message {text:?} and a bot reply after it");
    let (at, mut count) = browser
        .wait_until(&what, WAIT, async || {
            let all = messages(browser).await;
            let at = (from..all.len()).find(|&i| all[i].is("customer") && all[i].text == text && all[i].id.is_some())?;
            all[at + 1..].iter().any(|m| m.is("bot") && m.id.is_some()).then_some((at, all.len()))
        })
        .await;
    // Replies may come in several frames: wait until the list is still for half a second (5 s at most).
    let mut still = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = messages(browser).await.len();
        if now == count {
            still += 1;
            if still >= 5 {
                break;
            }
        } else {
            (count, still) = (now, 0);
        }
    }
    messages(browser).await[at + 1..].to_vec()
}

/// Types `text` into the input and presses Enter; returns the messages after the customer's.
async fn say(browser: &Browser, text: &str) -> Vec<Msg> {
    let from = messages(browser).await.len();
    let input = browser.find(".komek-input").await;
    input.click().await;
    input.send_keys(text).await;
    input.send_keys(&Key::Enter.to_string()).await;
    await_reply(browser, text, from).await
}

fn bot_text(replies: &[Msg]) -> String {
    joined(&replies.iter().filter(|m| m.is("bot")).cloned().collect::<Vec<_>>())
}


async fn wait_connected(browser: &Browser) {
    browser
        .wait_js(
            "the widget's WebSocket to connect (data-connected=\"true\")",
            WAIT,
            "const w = document.querySelector('#komek-widget'); return !!w && w.getAttribute('data-connected') === 'true';",
            vec![],
        )
        .await;
}

/// (a) and (b): a conversation in Kazakh then Russian, and all of it back after a reload.
async fn demo_page_conversation_and_reload() {
    let (svc, browser) = setup("widget-conversation", BrowserOptions::default()).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;

    let replies = say(&browser, "Сәлеметсіз бе").await;
    let reply = bot_text(&replies);
    assert!(reply.contains(KAZAKH_LETTERS), "a Kazakh greeting gets a Kazakh reply; got {reply:?}\n{}", browser.snapshot().await);

    let replies = say(&browser, "Где мой заказ?").await;
    let reply = bot_text(&replies);
    assert!(
        reply.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) && !reply.contains(KAZAKH_LETTERS),
        "a Russian question gets a Russian reply (Cyrillic, no Kazakh letters); got {reply:?}"
    );
    assert!(reply.to_lowercase().contains("номер заказа"), "the bot asks for the order number; got {reply:?}");

    let replies = say(&browser, "100017").await;
    let reply = bot_text(&replies);
    assert!(
        reply.contains("100017") && !reply.to_lowercase().contains("номер заказа"),
        "the reply is about order 100017 (not another request for the number); got {reply:?}"
    );

    // (b) Reload: the conversation is restored and the WebSocket reconnects.
    wait_connected(&browser).await;
    let before = messages(&browser).await;
    assert!(before.iter().all(|m| m.id.is_some()), "every message has its server id: {before:?}");
    let customer: Vec<&str> = before.iter().filter(|m| m.is("customer")).map(|m| m.text.as_str()).collect();
    assert_eq!(customer, ["Сәлеметсіз бе", "Где мой заказ?", "100017"]);
    browser.refresh().await;
    browser.wait_for(".komek-launcher", WAIT).await;
    open_panel(&browser).await;
    let expected = before.len();
    let after = browser
        .wait_until(&format!("the {expected} messages to be restored after the reload"), WAIT, async || {
            let now = messages(&browser).await;
            (now.len() >= expected).then_some(now)
        })
        .await;
    assert_eq!(after, before, "the same messages (ids, roles, texts) after the reload");
    wait_connected(&browser).await;

    browser.quit().await;
    svc.stop().await;
}

/// (c) A status change of an order the customer asked about arrives without any action in the page.
async fn proactive_order_update_arrives_over_the_websocket() {
    let (svc, browser) = setup("widget-proactive", BrowserOptions::default()).await;
    // Paid and not yet shipped, whatever the demo data says.
    svc.set_order_status("100012", "paid").await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;

    let replies = say(&browser, "notify me when order 100012 ships").await;
    assert!(bot_text(&replies).contains("100012"), "the bot confirms the subscription for order 100012; got {replies:?}");
    wait_connected(&browser).await;
    let before = messages(&browser).await;
    let count_fetches = "return performance.getEntriesByType('resource').filter((e) => /\\/messages(\\?|$)/.test(e.name)).length;";
    let fetches_before = browser.execute(count_fetches, vec![]).await;

    svc.set_order_status("100012", "shipped").await;

    let new = browser
        .wait_until("a proactive bot message about order 100012", WAIT, async || {
            let now = messages(&browser).await;
            let new = now.get(before.len()..)?.to_vec();
            new.iter().any(|m| m.is("bot") && m.id.is_some() && m.text.contains("100012")).then_some(new)
        })
        .await;
    assert!(new.iter().all(|m| !m.is("customer")), "nothing was sent from the page: {new:?}");
    assert_eq!(messages(&browser).await[..before.len()], before[..], "earlier messages unchanged");
    let fetches_after = browser.execute(count_fetches, vec![]).await;
    assert_eq!(
        fetches_before, fetches_after,
        "the update came over the WebSocket, without the page fetching /messages"
    );

    browser.quit().await;
    svc.stop().await;
}

/// (d) Markup in a message is shown as text and never run.
async fn hostile_text_is_shown_verbatim_and_never_run() {
    let (svc, browser) = setup("widget-hostile", BrowserOptions::default()).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;
    let count_elements = "return document.querySelectorAll('#komek-widget img, #komek-widget script, #komek-widget iframe').length;";
    let elements_before = browser.execute(count_elements, vec![]).await;

    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"#;
    say(&browser, hostile).await;

    let shown = browser
        .execute(
            "return Array.from(document.querySelectorAll('#komek-widget .komek-msg-text')).some((e) => e.textContent === arguments[0]);",
            vec![json!(hostile)],
        )
        .await;
    assert_eq!(shown, json!(true), "the text appears verbatim in a .komek-msg-text\n{}", browser.snapshot().await);
    // Give a broken image time to fire onerror, had one been created.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(browser.execute("return typeof window.__pwned;", vec![]).await, json!("undefined"), "no markup ran");
    assert_eq!(browser.execute(count_elements, vec![]).await, elements_before, "no <img>/<script> was created in #komek-widget");
    assert_eq!(browser.execute("return document.querySelectorAll('img[src=\"x\"]').length;", vec![]).await, json!(0));

    browser.quit().await;
    svc.stop().await;
}

/// (e) Bot buttons: the greeting offers some; clicking one gets a reply.
async fn bot_buttons_get_a_reply() {
    let (svc, browser) = setup("widget-buttons", BrowserOptions::default()).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;
    say(&browser, "hello").await;

    let buttons = browser.find_all("#komek-widget .komek-msg .komek-choice[data-id]").await;
    assert!(!buttons.is_empty(), "the greeting has buttons\n{}", browser.snapshot().await);
    let button = buttons.last().unwrap().clone();
    let buttons_of_last = browser.find_all("#komek-widget .komek-msg:last-of-type .komek-choice[data-id]").await;
    let button = buttons_of_last.first().cloned().unwrap_or(button);
    let label = button.text().await;
    assert!(!label.trim().is_empty(), "a button has a label");
    let from = messages(&browser).await.len();
    button.click().await;
    let replies = await_reply(&browser, label.trim(), from).await;
    assert!(!bot_text(&replies).trim().is_empty(), "a reply to the button {label:?}: {replies:?}");

    browser.quit().await;
    svc.stop().await;
}

/// (f) At phone width the open panel fits the viewport.
async fn panel_fits_a_phone_screen() {
    let options = BrowserOptions { width: 375, height: 740, ..BrowserOptions::default() };
    let (svc, browser) = setup("widget-mobile", options).await;
    browser.set_window_size(375, 740).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;
    say(&browser, "hello").await;

    let geometry = browser
        .execute(
            "const r = document.querySelector('#komek-widget .komek-panel').getBoundingClientRect(); \
             const i = document.querySelector('#komek-widget .komek-input').getBoundingClientRect(); \
             return {vw: document.documentElement.clientWidth, iw: window.innerWidth, vh: window.innerHeight, \
                     left: r.left, right: r.right, width: r.width, top: r.top, bottom: r.bottom, \
                     input_left: i.left, input_right: i.right, input_bottom: i.bottom};",
            vec![],
        )
        .await;
    let n = |k: &str| geometry[k].as_f64().unwrap_or(f64::NAN);
    let vw = n("vw").min(n("iw"));
    assert!(vw <= 400.0, "the viewport is phone-sized: {geometry}");
    assert!(n("width") <= vw + 0.5, "the panel is no wider than the viewport: {geometry}");
    assert!(n("left") >= -0.5 && n("right") <= vw + 0.5, "the panel lies within the viewport horizontally: {geometry}");
    assert!(n("input_left") >= -0.5 && n("input_right") <= vw + 0.5, "the input is on screen: {geometry}");
    assert!(n("input_bottom") <= n("vh") + 0.5, "the input is on screen: {geometry}");

    browser.quit().await;
    svc.stop().await;
}

/// The UI strings of each language (`/widget/i18n.json`).
async fn ui_strings(svc: &TestService) -> HashMap<String, Vec<String>> {
    let body: Value = reqwest::get(svc.url("/widget/i18n.json")).await.unwrap().json().await.expect("i18n.json");
    let languages = body["languages"].as_object().unwrap_or_else(|| panic!("no languages in {body}"));
    languages
        .iter()
        .map(|(code, info)| {
            let ui = info["ui"].as_object().into_iter().flatten();
            (code.clone(), ui.filter_map(|(_, v)| v.as_str().map(str::to_string)).collect())
        })
        .collect()
}

async fn widget_lang(browser: &Browser) -> Value {
    browser.execute("const w = document.querySelector('#komek-widget'); return w && w.getAttribute('data-lang');", vec![]).await
}

async fn placeholder(browser: &Browser) -> String {
    browser.find(".komek-input").await.attribute("placeholder").await.unwrap_or_default()
}

/// (g) The language picker changes the UI language (and it sticks across a reload).
async fn language_picker_changes_the_ui_language() {
    let options = BrowserOptions { lang: Some("en-US,en".into()), ..BrowserOptions::default() };
    let (svc, browser) = setup("widget-picker", options).await;
    let strings = ui_strings(&svc).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;
    browser
        .wait_js(
            "the English UI (data-lang=\"en\")",
            WAIT,
            "const w = document.querySelector('#komek-widget'); return !!w && w.getAttribute('data-lang') === 'en';",
            vec![],
        )
        .await;
    let before = placeholder(&browser).await;
    assert!(!before.is_empty(), "the input has a placeholder");

    browser.find(".komek-lang option[value=\"kk\"]").await.click().await;
    let after = browser
        .wait_until("the placeholder to change after picking Kazakh", WAIT, async || {
            let now = placeholder(&browser).await;
            (now != before).then_some(now)
        })
        .await;
    assert_eq!(widget_lang(&browser).await, json!("kk"));
    let kk = strings.get("kk").expect("kk in i18n.json");
    assert!(kk.contains(&after), "the new placeholder {after:?} is a Kazakh UI string");

    browser.refresh().await;
    browser.wait_for(".komek-launcher", WAIT).await;
    open_panel(&browser).await;
    browser
        .wait_js(
            "the picked language to stay after a reload",
            WAIT,
            "const w = document.querySelector('#komek-widget'); return !!w && w.getAttribute('data-lang') === 'kk';",
            vec![],
        )
        .await;
    assert_eq!(placeholder(&browser).await, after);

    browser.quit().await;
    svc.stop().await;
}

/// (g) Without a choice, the browser's languages decide; `data-locale` on the script tag overrides them.
async fn ui_language_follows_the_browser_and_data_locale() {
    let options = BrowserOptions { lang: Some("kk-KZ,kk,ru".into()), ..BrowserOptions::default() };
    let (svc, browser) = setup("widget-locale", options).await;
    let strings = ui_strings(&svc).await;
    load_demo(&browser, &svc).await;
    browser
        .wait_js(
            "the UI to follow navigator.languages (data-lang=\"kk\")",
            WAIT,
            "const w = document.querySelector('#komek-widget'); return !!w && w.getAttribute('data-lang') === 'kk';",
            vec![],
        )
        .await;
    open_panel(&browser).await;
    let kk_placeholder = browser
        .wait_until("a Kazakh placeholder", WAIT, async || {
            let now = placeholder(&browser).await;
            strings["kk"].contains(&now).then_some(now)
        })
        .await;

    // The same browser on a page that embeds the widget with data-locale="de".
    browser.goto(&svc.url("/healthz")).await;
    browser
        .execute(
            "const s = document.createElement('script'); s.src = '/widget.js'; s.setAttribute('data-locale', 'de'); \
             document.body.appendChild(s);",
            vec![],
        )
        .await;
    browser.wait_for(".komek-launcher", WAIT).await;
    open_panel(&browser).await;
    let de_placeholder = browser
        .wait_until("data-locale=\"de\" to win over the browser's languages", WAIT, async || {
            let lang = widget_lang(&browser).await;
            let now = placeholder(&browser).await;
            (lang == json!("de") && strings["de"].contains(&now)).then_some(now)
        })
        .await;
    assert_ne!(de_placeholder, kk_placeholder);

    browser.quit().await;
    svc.stop().await;
}
