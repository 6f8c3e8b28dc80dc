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
    greeting_and_options_on_first_open,
    ui_labels_follow_the_conversation_language,
    used_and_superseded_buttons_are_disabled_and_send_nothing,
    keyboard_focus_ring_is_visible_on_every_control,
    empty_input_has_no_scrollbar,
    favicon_is_served_without_404s,
);

/// Kazakh letters that Russian does not have.
const KAZAKH_LETTERS: &[char] = &['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];



/// The conversation's messages as shown (the local greeting, which has no id, left out).
async fn messages(browser: &Browser) -> Vec<Msg> {
    browser.shown_messages("#komek-widget .komek-msg:not([data-local])", ".komek-msg-text").await
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

// ---------- first open, language, buttons, focus, input, icon ----------

/// The browser languages the tests below run in: Russian, Kazakh, English, and Arabic (mirrored).
const LANGUAGES: &[(&str, &str)] = &[("ru", "ru-RU,ru"), ("kk", "kk-KZ,kk,ru"), ("en", "en-US,en"), ("ar", "ar-SA,ar")];

fn in_language(accept: &str) -> BrowserOptions {
    BrowserOptions { lang: Some(accept.into()), ..BrowserOptions::default() }
}

/// `/widget/i18n.json` as served.
async fn widget_i18n(svc: &TestService) -> Value {
    reqwest::get(svc.url("/widget/i18n.json")).await.unwrap().json().await.expect("i18n.json")
}

/// Whether `text` is written in `lang` as far as its letters tell (Kazakh has letters Russian lacks).
fn written_in(lang: &str, text: &str) -> bool {
    let cyrillic = text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let arabic = text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    let kazakh = text.contains(KAZAKH_LETTERS);
    match lang {
        "kk" => kazakh,
        "ru" => cyrillic && !kazakh,
        "ar" => arabic,
        _ => !cyrillic && !arabic && text.chars().any(|c| c.is_ascii_alphabetic()),
    }
}

/// Every message's buttons as shown: (the message's id or "greeting", [(button id, label, disabled,
/// aria-disabled, chosen)]).
const CHOICES_JS: &str = "return Array.from(document.querySelectorAll('#komek-widget .komek-msg')).filter((m) => m.querySelector('.komek-choice')).map((m) => ({ \
        message: m.getAttribute('data-id') || m.getAttribute('data-local'), last: m === m.parentNode.lastElementChild, \
        buttons: Array.from(m.querySelectorAll('.komek-choice')).map((b) => ({ id: b.getAttribute('data-id'), label: b.textContent, \
            disabled: b.disabled, aria: b.getAttribute('aria-disabled'), chosen: b.classList.contains('komek-chosen') })) }));";

/// The greeting shown before any conversation: its text, who says it, whether it comes first, and
/// its buttons.
async fn shown_greeting(browser: &Browser) -> Value {
    browser
        .execute(
            "const g = document.querySelector('#komek-widget .komek-msg[data-local=\"greeting\"]'); if (!g) return null; \
             const who = g.querySelector('.komek-msg-who'); \
             return { text: g.querySelector('.komek-msg-text').textContent, role: g.getAttribute('data-role'), who: who && who.textContent, \
                      first: g === g.parentNode.firstElementChild, \
                      buttons: Array.from(g.querySelectorAll('.komek-choice')).map((b) => ({ id: b.getAttribute('data-id'), label: b.textContent, \
                          disabled: b.disabled, aria: b.getAttribute('aria-disabled'), chosen: b.classList.contains('komek-chosen') })) };",
            vec![],
        )
        .await
}

/// Waits until the greeting in `lang` is shown with its menu, and returns it.
async fn await_greeting(browser: &Browser, i18n: &Value, lang: &str) -> Value {
    let info = &i18n["languages"][lang];
    let labels: Vec<&Value> = info["menu"].as_array().unwrap().iter().map(|b| &b["label"]).collect();
    browser
        .wait_until(&format!("the {lang} greeting with its options"), WAIT, async || {
            let g = shown_greeting(browser).await;
            let shown: Vec<&Value> = g["buttons"].as_array()?.iter().map(|b| &b["label"]).collect();
            (g["text"] == info["greeting"] && shown == labels).then_some(g)
        })
        .await
}

/// The session the widget keeps, if it made one.
async fn widget_session(browser: &Browser) -> Value {
    browser.execute("return JSON.parse(localStorage.getItem('komek.session') || 'null');", vec![]).await
}

/// The conversation as the server has it (the widget's own session and token).
async fn server_messages(browser: &Browser, svc: &TestService) -> Vec<Value> {
    let session = widget_session(browser).await;
    let Some(id) = session["session_id"].as_str() else { return vec![] };
    let url = svc.url(&format!("/api/v1/chat/sessions/{id}/messages"));
    let token = session["token"].as_str().unwrap();
    let body: Value = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    body["messages"].as_array().cloned().unwrap_or_default()
}

/// How many times the page asked for a session or sent a message (fetches of the chat API).
async fn chat_fetches(browser: &Browser) -> Value {
    browser
        .execute(
            "return performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'fetch' && /\\/api\\/v1\\/chat\\/sessions/.test(e.name)).length;",
            vec![],
        )
        .await
}

/// The layout a right-to-left language must mirror: the panel's direction, and where the send
/// button, the close button and a bot bubble sit.
async fn layout(browser: &Browser) -> Value {
    browser
        .execute(
            "const w = document.querySelector('#komek-widget'); const q = (s) => w.querySelector(s).getBoundingClientRect(); \
             const panel = q('.komek-panel'), input = q('.komek-input'), send = q('.komek-send'), title = q('.komek-title'), close = q('.komek-close'); \
             const bot = w.querySelector('.komek-msg[data-role=\"bot\"] .komek-msg-text').getBoundingClientRect(); \
             return { dir: w.querySelector('.komek-panel').getAttribute('dir'), lang: w.querySelector('.komek-panel').getAttribute('lang'), \
                      send_left_of_input: send.right <= input.left + 1, send_right_of_input: send.left >= input.right - 1, \
                      close_left_of_title: close.right <= title.left + 1, close_right_of_title: close.left >= title.right - 1, \
                      bot_on_right: bot.right > panel.left + panel.width * 0.75, bot_on_left: bot.left < panel.left + panel.width * 0.25 };",
            vec![],
        )
        .await
}

fn assert_mirrored(lang: &str, layout: &Value) {
    let rtl = lang == "ar";
    let expect = |key: &str| assert_eq!(layout[key], json!(true), "{lang}: {key}: {layout}");
    assert_eq!(layout["dir"], json!(if rtl { "rtl" } else { "ltr" }), "{lang}: {layout}");
    if rtl {
        ["send_left_of_input", "close_left_of_title", "bot_on_right"].into_iter().for_each(expect);
    } else {
        ["send_right_of_input", "close_right_of_title", "bot_on_left"].into_iter().for_each(expect);
    }
}

/// Issue 13: on first open the widget greets in the visitor's language and offers the main options,
/// without a session; clicking one starts the conversation and gets the bot's answer in that language.
async fn greeting_and_options_on_first_open() {
    let svc = TestService::start("widget-greeting").await;
    let i18n = widget_i18n(&svc).await;
    for &(lang, accept) in LANGUAGES {
        let browser = Browser::launch_with(in_language(accept)).await;
        load_demo(&browser, &svc).await;
        open_panel(&browser).await;
        let greeting = await_greeting(&browser, &i18n, lang).await;
        let info = &i18n["languages"][lang];
        assert!(written_in(lang, greeting["text"].as_str().unwrap()), "{lang}: {greeting}");
        assert_eq!(greeting["role"], json!("bot"), "{lang}: a bot bubble");
        assert_eq!(greeting["who"], info["ui"]["bot"], "{lang}: signed by the assistant");
        assert_eq!(greeting["first"], json!(true), "{lang}: the first message");
        let buttons = greeting["buttons"].as_array().unwrap();
        assert!(buttons.iter().all(|b| b["disabled"] == json!(false) && b["aria"] == json!("false")), "{lang}: options usable: {greeting}");
        assert_mirrored(lang, &layout(&browser).await);
        assert!(messages(&browser).await.is_empty(), "{lang}: nothing else is shown");
        assert_eq!(widget_session(&browser).await, Value::Null, "{lang}: opening makes no session");
        assert_eq!(chat_fetches(&browser).await, json!(0), "{lang}: opening calls no chat API");

        let option = browser.find("#komek-widget .komek-msg[data-local=\"greeting\"] .komek-choice[data-id=\"order_status\"]").await;
        let label = option.text().await;
        assert_eq!(json!(label), info["menu"][0]["label"], "{lang}: order status comes first");
        option.click().await;
        let replies = await_reply(&browser, &label, 0).await;
        let reply = bot_text(&replies);
        assert!(written_in(lang, &reply), "{lang}: the answer to {label:?} is in {lang}: {reply:?}\n{}", browser.snapshot().await);
        let stored = server_messages(&browser, &svc).await;
        assert_eq!(stored.first().map(|m| (&m["role"], &m["text"])), Some((&json!("customer"), &json!(label))), "{lang}: {stored:?}");
        assert!(stored.iter().filter(|m| m["role"] == json!("bot")).all(|m| m["lang"] == json!(lang)), "{lang}: answered in {lang}: {stored:?}");
        assert_eq!(widget_lang(&browser).await, json!(lang), "{lang}: the UI stays in {lang}");
        browser.quit().await;
    }
    svc.stop().await;
}

/// The UI's own strings as shown: placeholder, send button, the customer's and the bot's labels.
async fn shown_ui(browser: &Browser) -> Value {
    browser
        .execute(
            "const w = document.querySelector('#komek-widget'); const who = (role) => { \
               const e = w.querySelector('.komek-msg[data-role=\"' + role + '\"] .komek-msg-who'); return e && e.textContent; }; \
             return { lang: w.getAttribute('data-lang'), dir: w.querySelector('.komek-panel').getAttribute('dir'), \
                      placeholder: w.querySelector('.komek-input').placeholder, send: w.querySelector('.komek-send').getAttribute('aria-label'), \
                      title: w.querySelector('.komek-title').textContent, you: who('customer'), bot: who('bot'), \
                      greeting: w.querySelector('.komek-msg[data-local=\"greeting\"] .komek-msg-text').textContent, picker: w.querySelector('.komek-lang').value };",
            vec![],
        )
        .await
}

/// Waits until every UI string shown is `lang`'s.
async fn await_ui_in(browser: &Browser, i18n: &Value, lang: &str) -> Value {
    let info = &i18n["languages"][lang];
    let ui = &info["ui"];
    let expected = json!({
        "lang": lang, "dir": info["dir"], "placeholder": ui["placeholder"], "send": ui["send"], "title": ui["title"],
        "you": ui["you"], "bot": ui["bot"], "greeting": info["greeting"], "picker": lang,
    });
    browser
        .wait_until(&format!("the UI in {lang}: {expected}"), WAIT, async || {
            let shown = shown_ui(browser).await;
            (shown == expected).then_some(shown)
        })
        .await
}

/// Issue 13: the labels follow the language the conversation runs in (Arabic mirrored), until the
/// customer picks a language in the menu, which then stays.
async fn ui_labels_follow_the_conversation_language() {
    let (svc, browser) = setup("widget-follow", in_language("en-US,en")).await;
    let i18n = widget_i18n(&svc).await;
    load_demo(&browser, &svc).await;
    open_panel(&browser).await;
    await_greeting(&browser, &i18n, "en").await;

    for (text, lang) in [("Сәлеметсіз бе", "kk"), ("Где мой заказ?", "ru"), ("مرحبا، أريد أن أعرف أين طلبي من فضلك", "ar")] {
        let reply = bot_text(&say(&browser, text).await);
        assert!(written_in(lang, &reply), "{text:?} is answered in {lang}: {reply:?}");
        await_ui_in(&browser, &i18n, lang).await;
        assert_mirrored(lang, &layout(&browser).await);
    }

    // The customer picks English: it stays, whatever language the bot then speaks.
    browser.find(".komek-lang option[value=\"en\"]").await.click().await;
    await_ui_in(&browser, &i18n, "en").await;
    say(&browser, "Сәлеметсіз бе, тапсырысым қайда?").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    await_ui_in(&browser, &i18n, "en").await;
    browser.refresh().await;
    browser.wait_for(".komek-launcher", WAIT).await;
    open_panel(&browser).await;
    await_ui_in(&browser, &i18n, "en").await;

    browser.quit().await;
    svc.stop().await;
}

async fn choices(browser: &Browser) -> Vec<Value> {
    browser.execute(CHOICES_JS, vec![]).await.as_array().cloned().unwrap_or_default()
}

/// Clicks a button every way a page can (a person's click, a script's click, a dispatched event).
async fn click_every_way(browser: &Browser, css: &str) {
    browser.find(css).await.click().await;
    browser
        .execute(
            "const b = document.querySelector(arguments[0]); b.click(); b.dispatchEvent(new MouseEvent('click', { bubbles: true }));",
            vec![json!(css)],
        )
        .await;
}

/// Issue 13, stale buttons: once one of a message's buttons was clicked, or a newer message came,
/// its buttons are disabled (visibly and for assistive technology), and clicking them sends nothing.
async fn used_and_superseded_buttons_are_disabled_and_send_nothing() {
    let svc = TestService::start("widget-stale-buttons").await;
    let i18n = widget_i18n(&svc).await;
    let hello = [("ru", "Привет"), ("kk", "Сәлеметсіз бе"), ("en", "Hello")];
    let payment = [("ru", "Какие способы оплаты есть?"), ("kk", "Қалай төлеуге болады?"), ("en", "How can I pay?")];
    for &(lang, accept) in &LANGUAGES[..3] {
        let browser = Browser::launch_with(in_language(accept)).await;
        load_demo(&browser, &svc).await;
        open_panel(&browser).await;
        await_greeting(&browser, &i18n, lang).await;

        // Used: the greeting's option was clicked.
        let option = "#komek-widget .komek-msg[data-local=\"greeting\"] .komek-choice[data-id=\"delivery_info\"]";
        let label = browser.find(option).await.text().await;
        browser.find(option).await.click().await;
        await_reply(&browser, &label, 0).await;
        let greeting = shown_greeting(&browser).await;
        for b in greeting["buttons"].as_array().unwrap() {
            assert_eq!((&b["disabled"], &b["aria"]), (&json!(true), &json!("true")), "{lang}: a used option is disabled: {greeting}");
            assert_eq!(b["chosen"], json!(b["id"] == json!("delivery_info")), "{lang}: the one picked is marked: {greeting}");
        }

        // The bot's own greeting offers options: usable while it is the newest message.
        let text = hello.iter().find(|(l, _)| *l == lang).unwrap().1;
        say(&browser, text).await;
        let offered = choices(&browser).await;
        let newest = offered.last().unwrap_or_else(|| panic!("{lang}: no buttons\n{offered:?}"));
        assert_eq!(newest["last"], json!(true), "{lang}: the bot's greeting with options is the newest message: {offered:?}");
        assert!(newest["buttons"].as_array().unwrap().iter().all(|b| b["disabled"] == json!(false)), "{lang}: {newest}");
        let superseded = newest["message"].as_str().unwrap().to_string();

        // Superseded: the customer wrote something else instead.
        let text = payment.iter().find(|(l, _)| *l == lang).unwrap().1;
        say(&browser, text).await;
        let offered = choices(&browser).await;
        let old = offered.iter().find(|m| m["message"] == json!(superseded)).unwrap();
        assert!(
            old["buttons"].as_array().unwrap().iter().all(|b| b["disabled"] == json!(true) && b["aria"] == json!("true") && b["chosen"] == json!(false)),
            "{lang}: options of an older message are disabled: {old}"
        );
        let looks = browser
            .execute(
                "const b = document.querySelector(arguments[0]); const s = getComputedStyle(b); \
                 return { cursor: s.cursor, color: s.color, border: s.borderTopColor };",
                vec![json!(format!("#komek-widget .komek-msg[data-id=\"{superseded}\"] .komek-choice"))],
            )
            .await;
        let live = browser.execute("return getComputedStyle(document.querySelector(arguments[0])).borderTopColor;", vec![json!("#komek-widget .komek-send")]).await;
        assert_ne!(looks["cursor"], json!("pointer"), "{lang}: a disabled option does not look clickable: {looks}");
        assert_ne!(looks["border"], live, "{lang}: a disabled option is drawn differently: {looks}");

        // Clicking either sends nothing: no new message on the page, on the server or on the wire.
        let (shown, stored, fetched) = (messages(&browser).await, server_messages(&browser, &svc).await, chat_fetches(&browser).await);
        click_every_way(&browser, &format!("#komek-widget .komek-msg[data-id=\"{superseded}\"] .komek-choice")).await;
        click_every_way(&browser, option).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(messages(&browser).await, shown, "{lang}: nothing new on the page");
        assert_eq!(server_messages(&browser, &svc).await.len(), stored.len(), "{lang}: nothing new on the server");
        assert_eq!(chat_fetches(&browser).await, fetched, "{lang}: no request was made");
        browser.quit().await;
    }
    svc.stop().await;
}

/// What the focused element shows: whether it is in the widget, matches `:focus-visible`, its ring's
/// colours and their best contrast against what surrounds the control (WCAG 2.2: 3:1).
const FOCUS_JS: &str = r#"
    const e = document.activeElement;
    const parse = (c) => { const m = /rgba?\(([^)]+)\)/.exec(c || ''); if (!m) return null;
        const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
    let around = null, from = null;
    for (let n = e.parentElement; n && !around; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) { around = c; from = n.className || n.tagName; } }
    around = around || { r: 255, g: 255, b: 255, a: 1 };
    const s = getComputedStyle(e);
    const rings = [];
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) rings.push(s.outlineColor);
    (s.boxShadow.match(/rgba?\([^)]*\)/g) || []).forEach((c) => rings.push(c));
    const best = Math.max(0, ...rings.map(parse).filter((c) => c && c.a > 0.9).map((c) => contrast(c, around)));
    return { control: e.tagName.toLowerCase() + '.' + e.className, in_widget: !!e.closest('#komek-widget'), focus_visible: e.matches(':focus-visible'),
             rings: rings, around: from, best: Math.round(best * 100) / 100, outline: s.outlineStyle };
"#;

async fn focused(browser: &Browser) -> Value {
    browser.execute(FOCUS_JS, vec![]).await
}

/// Issue 13: with the keyboard every control of the widget shows a focus ring that stands out from
/// what surrounds it — the header's colour (language menu, close button) and the white panel alike —
/// and a mouse click shows none.
async fn keyboard_focus_ring_is_visible_on_every_control() {
    let svc = TestService::start("widget-focus").await;
    let i18n = widget_i18n(&svc).await;
    for &(lang, accept) in LANGUAGES {
        let browser = Browser::launch_with(in_language(accept)).await;
        load_demo(&browser, &svc).await;
        open_panel(&browser).await;
        await_greeting(&browser, &i18n, lang).await;
        browser.wait_for(".komek-lang", WAIT).await;

        // Back from the input to the header's language menu, then forward through everything.
        for _ in 0..20 {
            if focused(&browser).await["control"] == json!("select.komek-lang") {
                break;
            }
            browser.press(&[Key::Shift, Key::Tab]).await;
        }
        let mut seen = vec![focused(&browser).await];
        while seen.len() < 20 && seen.last().unwrap()["control"] != json!("button.komek-launcher") {
            browser.press(&[Key::Tab]).await;
            seen.push(focused(&browser).await);
        }
        let controls: Vec<&str> = seen.iter().map(|f| f["control"].as_str().unwrap()).collect();
        let options = i18n["languages"][lang]["menu"].as_array().unwrap().len();
        let mut expected = vec!["select.komek-lang", "button.komek-close"];
        expected.extend(std::iter::repeat_n("button.komek-choice", options));
        expected.extend(["textarea.komek-input", "button.komek-send", "button.komek-launcher"]);
        assert_eq!(controls, expected, "{lang}: the keyboard reaches every control in order");
        for f in &seen {
            assert!(f["in_widget"] == json!(true) && f["focus_visible"] == json!(true), "{lang}: {f}");
            assert!(f["best"].as_f64().unwrap() >= 3.0, "{lang}: the focus ring of {} stands out at 3:1 at least: {f}", f["control"]);
        }

        // With the mouse, no ring: the close button hands the focus to the launcher.
        browser.find(".komek-close").await.click().await;
        let f = focused(&browser).await;
        assert_eq!((&f["control"], &f["focus_visible"], &f["outline"]), (&json!("button.komek-launcher"), &json!(false), &json!("none")), "{lang}: {f}");
        browser.quit().await;
    }
    svc.stop().await;
}

/// The input's box: whether its text overflows and whether a scrollbar takes room.
async fn input_box(browser: &Browser) -> Value {
    browser
        .execute(
            "const i = document.querySelector('#komek-widget .komek-input'); const s = getComputedStyle(i); \
             return { scroll: i.scrollHeight, client: i.clientHeight, height: i.offsetHeight, max: parseFloat(s.maxHeight), overflow: s.overflowY, \
                      bar: i.offsetWidth - i.clientWidth - parseFloat(s.borderLeftWidth) - parseFloat(s.borderRightWidth), placeholder: i.placeholder };",
            vec![],
        )
        .await
}

fn assert_no_scrollbar(what: &str, b: &Value) {
    assert!(b["scroll"].as_f64() <= b["client"].as_f64(), "{what}: the text fits: {b}");
    assert!(b["bar"].as_f64().unwrap() < 0.5 && b["overflow"] == json!("hidden"), "{what}: no scrollbar: {b}");
}

/// Issue 13: the empty one-line input shows no scrollbar (before and after sending, in each
/// language's placeholder); only text taller than its maximum height scrolls.
async fn empty_input_has_no_scrollbar() {
    let svc = TestService::start("widget-input").await;
    let i18n = widget_i18n(&svc).await;
    for &(lang, accept) in LANGUAGES {
        let browser = Browser::launch_with(in_language(accept)).await;
        load_demo(&browser, &svc).await;
        open_panel(&browser).await;
        await_greeting(&browser, &i18n, lang).await;
        let b = input_box(&browser).await;
        assert_eq!(b["placeholder"], i18n["languages"][lang]["ui"]["placeholder"], "{lang}");
        assert_no_scrollbar(&format!("{lang}, on open"), &b);

        say(&browser, "hello").await;
        assert_no_scrollbar(&format!("{lang}, emptied by sending"), &input_box(&browser).await);

        let set = "const i = document.querySelector('#komek-widget .komek-input'); i.value = arguments[0]; i.dispatchEvent(new Event('input'));";
        browser.execute(set, vec![json!(["a line"; 12].join("\n"))]).await;
        let b = input_box(&browser).await;
        assert!(b["scroll"].as_f64() > b["client"].as_f64() && b["overflow"] == json!("auto"), "{lang}: twelve lines scroll: {b}");
        assert!((b["height"].as_f64().unwrap() - b["max"].as_f64().unwrap()).abs() < 1.0, "{lang}: at its maximum height: {b}");
        browser.execute(set, vec![json!("")]).await;
        assert_no_scrollbar(&format!("{lang}, emptied"), &input_box(&browser).await);
        browser.quit().await;
    }
    svc.stop().await;
}

/// Fetches `url` in the page; returns `[status, content type]`.
async fn fetch_in_page(browser: &Browser, url: &str) -> Value {
    browser
        .execute(
            "return fetch(arguments[0]).then((r) => [r.status, r.headers.get('content-type')], (e) => [0, String(e)]);",
            vec![json!(url)],
        )
        .await
}

/// Issue 13: the site icon is served (SVG, linked from the pages, and /favicon.ico), and neither the
/// demo page nor the console logs a 404.
async fn favicon_is_served_without_404s() {
    let (svc, browser) = setup("widget-favicon", BrowserOptions::default()).await;
    let ico = reqwest::get(svc.url("/favicon.ico")).await.unwrap();
    assert_eq!(ico.status(), 200);
    assert_eq!(ico.headers()["content-type"], "image/x-icon");
    assert_eq!(&ico.bytes().await.unwrap()[..4], &[0, 0, 1, 0], "an ICO file");

    for page in ["/", "/console"] {
        browser.goto(&svc.url(page)).await;
        let href = browser.execute("const l = document.querySelector('link[rel=\"icon\"]'); return l && l.href;", vec![]).await;
        let href = href.as_str().unwrap_or_else(|| panic!("{page} links an icon"));
        assert_eq!(fetch_in_page(&browser, href).await, json!([200, "image/svg+xml"]), "{page}: {href}");
        assert_eq!(fetch_in_page(&browser, "/favicon.ico").await, json!([200, "image/x-icon"]), "{page}");
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let log = browser.console_log().await;
        assert!(!log.iter().any(|line| line.contains("404") || line.contains("Not Found")), "{page}: no 404 in the console:\n{}", log.join("\n"));
    }

    browser.quit().await;
    svc.stop().await;
}
