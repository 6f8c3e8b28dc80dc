//! The agent console (`/console`) in a real headless Chromium against the real service: login, the
//! live queue, the brief, claim, replies and suggested replies reaching the customer, internal notes,
//! release, close with the survey, hostile customer text, and what happens to a stale token. Each test
//! has its own service and its own browser. Reported as ignored, with the reason, when Chromium or
//! chromedriver is not installed, and failed instead when `KOMEK_REQUIRE_BROWSER` is set (as in CI).
//! The harness is `komek_tests::trials` (`harness = false`).

use std::time::Duration;

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{PASSWORD, agent};
use komek_tests::browser::{
    Browser, IS_DISPLAYED_FN, ShownMessage as Msg, WAIT, is_displayed, log_in, open_console, set_ui_language, submit_login, ui_strings,
    wait_logged_in,
};
use komek_tests::chat::Customer;
use komek_tests::trials::Part;
use serde_json::{Value, json};

komek_tests::trials!(
    Part::Browser;
    login_claim_reply_release,
    console_escapes_customer_text,
    internal_note_and_close_with_survey,
    expired_or_missing_token_shows_login,
    supervisor_reports_show_the_figures,
    agents_have_no_reports,
    reports_draw_daily_trends_in_the_ui_language,
    reports_show_survey_scales_and_count_only_resolved_contacts,
    team_presence_follows_login_and_logout_at_once,
    closing_asks_in_an_accessible_dialog,
    the_brief_before_the_claim_speaks_the_agents_language,
);

/// Where the console keeps the agent's token.
const TOKEN_KEY: &str = "komek.agent";

/// The messages and notes of the console's transcript.
async fn transcript(browser: &Browser) -> Vec<Msg> {
    browser.shown_messages("#transcript .msg", ".msg-text").await
}

/// What the console shows, for failure messages.
async fn console_state(browser: &Browser) -> String {
    const SCRIPT: &str = r#"
        const q = (s) => document.querySelector(s);
        const text = (s) => { const e = q(s); return e ? JSON.stringify(e.textContent.trim()) : '(none)'; };
        const hidden = (s) => { const e = q(s); return e ? String(e.hidden) : '(none)'; };
        const c = q('#console');
        const out = ['page: ' + location.href];
        out.push('#login-view hidden=' + hidden('#login-view') + ' #login-error hidden=' + hidden('#login-error') + ' text=' + text('#login-error'));
        out.push('#console hidden=' + hidden('#console') + (c ? ' data-agent=' + JSON.stringify(c.getAttribute('data-agent')) + ' data-connected=' + c.getAttribute('data-connected') : ''));
        let token = null; try { token = sessionStorage.getItem('komek.agent'); } catch (e) { token = '(storage error)'; }
        out.push('sessionStorage komek.agent: ' + (token === null ? 'null' : 'set'));
        out.push('#notice hidden=' + hidden('#notice') + ' text=' + text('#notice-text') + '  #compose-error: ' + text('#compose-error'));
        const st = q('#state');
        out.push('#main data-mode=' + (q('#main') ? q('#main').getAttribute('data-mode') : '(none)') + '  #state data-state=' + (st ? st.getAttribute('data-state') : '(none)'));
        document.querySelectorAll('#queue .queue-item').forEach((li) => {
            out.push('  queue item handoff=' + li.getAttribute('data-handoff-id') + ' conversation=' + li.getAttribute('data-conversation-id') + ' language=' + li.getAttribute('data-language'));
        });
        document.querySelectorAll('#my-conversations .conversation-item').forEach((li) => {
            out.push('  my conversation ' + li.getAttribute('data-conversation-id') + ' state=' + li.getAttribute('data-state'));
        });
        out.push('.brief-summary: ' + text('#brief .brief-summary'));
        document.querySelectorAll('#brief .fact[data-name]').forEach((f) => out.push('  fact ' + f.getAttribute('data-name') + '=' + JSON.stringify(f.textContent)));
        const msgs = document.querySelectorAll('#transcript .msg');
        out.push(msgs.length + ' transcript entries:');
        msgs.forEach((m) => {
            const b = m.querySelector('.msg-text');
            out.push('  #' + m.getAttribute('data-id') + ' ' + m.getAttribute('data-role') + ': ' + JSON.stringify(b ? b.textContent : ''));
        });
        out.push('suggestions: ' + JSON.stringify(Array.from(document.querySelectorAll('.suggestion')).map((s) => s.textContent)));
        return out.join('\n');
    "#;
    match browser.try_execute(SCRIPT, vec![]).await {
        Ok(v) => format!("--- console ---\n{}\n---------------", v.as_str().unwrap_or_default()),
        Err(e) => format!("(could not read the console: {e})"),
    }
}

/// A browser and a fresh service.
async fn setup(name: &str) -> (TestService, Browser) {
    let browser = Browser::launch().await;
    let service = TestService::start(name).await;
    (service, browser)
}

/// Waits for the queue item of `conversation` and returns its selector.
async fn wait_queue_item(browser: &Browser, conversation: &str) -> String {
    let css = format!("#queue .queue-item[data-conversation-id=\"{conversation}\"]");
    browser.wait_for(&css, WAIT).await;
    css
}

/// Waits until `#state` says `state`.
async fn wait_state(browser: &Browser, state: &str) {
    browser
        .wait_js(
            &format!("#state data-state=\"{state}\""),
            WAIT,
            "const s = document.querySelector('#state'); return !!s && s.getAttribute('data-state') === arguments[0];",
            vec![json!(state)],
        )
        .await;
}

/// Opens the queue item of `conversation`, claims it and waits until the conversation is with the agent.
async fn open_and_claim(browser: &Browser, conversation: &str) {
    let item = wait_queue_item(browser, conversation).await;
    browser.find(&item).await.click().await;
    browser.wait_for("#claim", WAIT).await.click().await;
    wait_state(browser, "with_agent").await;
}

/// Polls the customer's history until `pick` finds something in it.
async fn wait_history<T>(
    browser: &Browser,
    customer: &Customer,
    what: &str,
    pick: impl Fn(&[Value], &str) -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let (messages, state) = customer.history(None).await;
        if let Some(v) = pick(&messages, &state) {
            return v;
        }
        if std::time::Instant::now() > deadline {
            panic!(
                "timed out after {WAIT:?} waiting for {what} in the customer's history\nhistory (state {state}): {}\n{}",
                serde_json::to_string_pretty(&messages).unwrap_or_default(),
                console_state(browser).await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many times the page has fetched the agent queue over HTTP (resource timing entries).
const QUEUE_FETCHES: &str =
    "return performance.getEntriesByType('resource').filter((e) => /\\/api\\/v1\\/agent\\/queue(\\?|$)/.test(e.name)).length;";

/// Waits until the console has loaded its queue (at least one fetch) and has stopped fetching it for
/// a second; returns the number of fetches.
async fn settled_queue_fetches(browser: &Browser) -> Value {
    let mut last = browser.execute(QUEUE_FETCHES, vec![]).await;
    let mut still = 0;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = browser.execute(QUEUE_FETCHES, vec![]).await;
        if now == last && now.as_u64().unwrap_or(0) > 0 {
            still += 1;
            if still >= 10 {
                return now;
            }
        } else {
            (last, still) = (now, 0);
        }
        if std::time::Instant::now() > deadline {
            panic!("the console kept fetching /api/v1/agent/queue (or never did): {last}\n{}", console_state(browser).await);
        }
    }
}

/// 1. Log in (a wrong password first), see an angry Kazakh customer arrive live, read the brief, claim,
///    use a suggested reply, answer, and hand the conversation back to the bot.
async fn login_claim_reply_release() {
    let (service, browser) = setup("console-claim").await;
    agent(&service, "aigerim", &[Lang::Kk, Lang::Ru], "agent").await;

    // A wrong password: an error, and still the login form.
    open_console(&browser, &service).await;
    assert!(!is_displayed(&browser, "#console").await, "the console is hidden before login\n{}", console_state(&browser).await);
    submit_login(&browser, "aigerim", "not the password").await;
    let error = browser.wait_for("#login-error", WAIT).await;
    let error_text = browser
        .wait_until("a non-empty #login-error", WAIT, async || {
            let t = error.text().await;
            (!t.trim().is_empty()).then_some(t)
        })
        .await;
    assert!(!is_displayed(&browser, "#console").await, "a wrong password does not open the console ({error_text:?})");
    assert_eq!(
        browser.execute("return sessionStorage.getItem(arguments[0]);", vec![json!(TOKEN_KEY)]).await,
        Value::Null,
        "no token is kept after a failed login"
    );

    // The right password: the console, connected, as aigerim.
    submit_login(&browser, "aigerim", PASSWORD).await;
    wait_logged_in(&browser, "aigerim").await;
    assert!(!is_displayed(&browser, "#login-error").await, "the login error is gone\n{}", console_state(&browser).await);
    let stored = browser.execute("return sessionStorage.getItem(arguments[0]);", vec![json!(TOKEN_KEY)]).await;
    assert!(stored.as_str().is_some_and(|t| !t.is_empty()), "the token is kept in sessionStorage {TOKEN_KEY:?}: {stored}");
    let fetches = settled_queue_fetches(&browser).await;

    // An angry Kazakh customer is handed over while the console is open.
    let customer = Customer::start(&service.base, Some("kk")).await;
    let t = customer.say("Менің тапсырысым 100003 қайда?").await;
    assert!(t.bot_text().contains("100003"), "the bot looked the order up: {}", t.bot_text());
    let t = customer.say("Бұл сұмдық! Тапсырыс әлі жоқ, мен қатты ашулымын!!!").await;
    assert_eq!(t.state, "waiting_agent", "the angry customer is handed over: {:?}", t.messages);

    let item = format!("#queue .queue-item[data-language=\"kk\"][data-conversation-id=\"{}\"]", customer.conversation_id);
    browser.wait_for(&item, WAIT).await;
    let handoff_id = browser.find(&item).await.attribute("data-handoff-id").await.unwrap_or_default();
    assert!(!handoff_id.is_empty(), "the queue item carries its handoff id");
    assert_eq!(
        browser.execute(QUEUE_FETCHES, vec![]).await,
        fetches,
        "the handoff arrived over the WebSocket, without the page fetching the queue again"
    );

    // The brief.
    browser.find(&item).await.click().await;
    browser.wait_for("#brief", WAIT).await;
    let order = browser
        .wait_js(
            "the brief to show .fact[data-name=\"order_id\"]",
            WAIT,
            "const f = document.querySelector('#brief .fact[data-name=\"order_id\"] .fact-value'); return f ? f.textContent.trim() : null;",
            vec![],
        )
        .await;
    assert_eq!(order, json!("100003"), "the order from the conversation is in the brief\n{}", console_state(&browser).await);
    let summary = browser
        .execute("const s = document.querySelector('#brief .brief-summary'); return s ? s.textContent.trim() : '';", vec![])
        .await;
    assert!(summary.as_str().is_some_and(|s| !s.is_empty()), "a non-empty .brief-summary\n{}", console_state(&browser).await);
    let reason = browser
        .execute("const r = document.querySelector('#brief .brief-reason'); return r ? r.textContent.trim() : '';", vec![])
        .await;
    assert!(reason.as_str().is_some_and(|s| !s.is_empty()), "a non-empty .brief-reason\n{}", console_state(&browser).await);

    // Claim: the transcript has what the customer wrote.
    browser.wait_for("#claim", WAIT).await.click().await;
    wait_state(&browser, "with_agent").await;
    let said = ["Менің тапсырысым 100003 қайда?", "Бұл сұмдық! Тапсырыс әлі жоқ, мен қатты ашулымын!!!"];
    browser
        .wait_until("the customer's messages in the transcript", WAIT, async || {
            let all = transcript(&browser).await;
            let customer: Vec<&str> = all.iter().filter(|m| m.is("customer")).map(|m| m.text.as_str()).collect();
            said.iter().all(|s| customer.contains(s)).then_some(())
        })
        .await;
    let all = transcript(&browser).await;
    assert!(all.iter().all(|m| m.id.as_deref().is_some_and(|id| !id.is_empty())), "every entry has its id: {all:?}");
    assert!(all.iter().any(|m| m.is("bot")), "the bot's answers are in the transcript too: {all:?}");
    browser
        .wait_for(&format!("#my-conversations .conversation-item[data-conversation-id=\"{}\"]", customer.conversation_id), WAIT)
        .await;
    assert!(
        browser.find_all(&format!("#queue .queue-item[data-handoff-id=\"{handoff_id}\"]")).await.is_empty(),
        "the claimed handoff left the queue\n{}",
        console_state(&browser).await
    );

    // A suggested reply fills the reply box.
    let suggestion = browser.wait_for(".suggestion", WAIT).await;
    let suggested = browser.execute("return arguments[0].textContent;", vec![suggestion.to_arg()]).await;
    let suggested = suggested.as_str().unwrap_or_default().to_string();
    assert!(!suggested.trim().is_empty(), "a suggestion has text");
    suggestion.click().await;
    browser
        .wait_js(
            "#reply to hold the suggestion's text",
            WAIT,
            "const r = document.querySelector('#reply'); return !!r && r.value === arguments[0];",
            vec![json!(suggested)],
        )
        .await;

    // The agent's own reply reaches the customer.
    let reply_text = "Кешіріңіз! Қазір тапсырысыңызды тексеремін.";
    let reply = browser.find("#reply").await;
    reply.clear().await;
    reply.send_keys(reply_text).await;
    browser.find("#send").await.click().await;
    let sent = wait_history(&browser, &customer, &format!("the agent's reply {reply_text:?}"), |messages, _| {
        messages.iter().find(|m| m["role"] == "agent" && m["text"] == reply_text).cloned()
    })
    .await;
    assert_eq!(sent["author"], "aigerim", "the reply is signed by the agent: {sent}");
    browser
        .wait_until("the reply in the console's transcript", WAIT, async || {
            transcript(&browser).await.iter().any(|m| m.is("agent") && m.text == reply_text).then_some(())
        })
        .await;
    let reply_left = browser.execute("return document.querySelector('#reply').value;", vec![]).await;
    assert_eq!(reply_left, json!(""), "the reply box is emptied after sending");

    // Hand back to the bot: the bot answers the customer again.
    browser.find("#release").await.click().await;
    wait_state(&browser, "bot").await;
    let t = customer.say("Жеткізу қанша тұрады?").await;
    assert_eq!(t.state, "bot", "{:?}", t.messages);
    assert!(t.messages.iter().any(|m| m["role"] == "bot"), "the bot answers again after the release: {:?}", t.messages);

    browser.quit().await;
    service.stop().await;
}

/// 2. Markup from a customer is shown as text in the transcript (before and after the claim), and
///    never run anywhere in the console.
async fn console_escapes_customer_text() {
    let (service, browser) = setup("console-hostile").await;
    agent(&service, "olga", &[Lang::Ru], "agent").await;

    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"#;
    let customer = Customer::start(&service.base, Some("ru")).await;
    customer.say(hostile).await;
    let t = customer.say("позовите оператора").await;
    assert_eq!(t.state, "waiting_agent", "the customer is handed over: {:?}", t.messages);
    // The hostile text again, while they wait (the preview shows the whole conversation).
    let t = customer.say(hostile).await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);

    log_in(&browser, &service, "olga").await;
    let item = wait_queue_item(&browser, &customer.conversation_id).await;
    browser.find(&item).await.click().await;
    browser.wait_for("#claim", WAIT).await;
    let markup_in = "return document.querySelectorAll(arguments[0]).length;";
    browser
        .wait_until("the hostile text verbatim in the preview's transcript", WAIT, async || {
            (transcript(&browser).await.iter().filter(|m| m.is("customer") && m.text == hostile).count() == 2).then_some(())
        })
        .await;
    let in_preview = browser.execute(markup_in, vec![json!("#queue img, #queue script, #brief img, #brief script, #transcript img, #transcript script")]).await;
    assert_eq!(in_preview, json!(0), "no <img>/<script> in the queue, the brief or the transcript\n{}", console_state(&browser).await);

    browser.find("#claim").await.click().await;
    wait_state(&browser, "with_agent").await;
    browser
        .wait_until("the hostile text verbatim in a .msg-text", WAIT, async || {
            transcript(&browser).await.iter().any(|m| m.is("customer") && m.text == hostile).then_some(())
        })
        .await;

    // Give a broken image time to fire onerror, had one been created.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(browser.execute("return typeof window.__pwned;", vec![]).await, json!("undefined"), "no customer markup ran");
    assert_eq!(
        browser.execute(markup_in, vec![json!("#transcript img, #transcript script, #brief img, #brief script")]).await,
        json!(0),
        "no <img>/<script> was created in #transcript or #brief\n{}",
        console_state(&browser).await
    );
    assert_eq!(browser.execute("return document.querySelectorAll('img[src=\"x\"]').length;", vec![]).await, json!(0));

    browser.quit().await;
    service.stop().await;
}

/// 3. An internal note stays internal; closing asks for confirmation and sends the customer the survey.
async fn internal_note_and_close_with_survey() {
    let (service, browser) = setup("console-close").await;
    agent(&service, "olga", &[Lang::Ru], "agent").await;
    log_in(&browser, &service, "olga").await;

    let customer = Customer::start(&service.base, Some("ru")).await;
    let t = customer.say("Позовите оператора").await;
    assert_eq!(t.state, "waiting_agent", "the customer is handed over: {:?}", t.messages);
    open_and_claim(&browser, &customer.conversation_id).await;

    let note_text = "Проверила склад: посылка у курьера";
    let note = browser.find("#note").await;
    note.click().await;
    note.send_keys(note_text).await;
    browser.find("#add-note").await.click().await;
    browser
        .wait_until("the note in the transcript as .msg[data-role=\"note\"]", WAIT, async || {
            transcript(&browser).await.iter().any(|m| m.is("note") && m.text == note_text).then_some(())
        })
        .await;
    let (history, _) = customer.history(None).await;
    assert!(
        history.iter().all(|m| !m["text"].as_str().unwrap_or_default().contains(note_text)),
        "the customer never sees the note: {history:?}"
    );

    // Close, confirming in the console's own dialog (never the browser's confirm()).
    browser.execute(SPY_NATIVE_DIALOGS, vec![]).await;
    browser.find("#close").await.click().await;
    browser.wait_for("dialog.dialog .dialog-confirm", WAIT).await.click().await;
    wait_state(&browser, "closed").await;
    let native = browser.execute("return window.__nativeDialogs;", vec![]).await;
    assert_eq!(native, json!([]), "no confirm()/alert()/prompt() of the browser: {native}");

    let survey = wait_history(&browser, &customer, "the survey (a bot message with 7 buttons) at the end", |messages, _| {
        let last = messages.last()?;
        (last["role"] == "bot" && last["buttons"].as_array().is_some_and(|b| b.len() == 7)).then(|| last.clone())
    })
    .await;
    assert!(!survey["text"].as_str().unwrap_or_default().trim().is_empty(), "the survey asks something: {survey}");
    let (history, _) = customer.history(None).await;
    assert!(
        history.iter().all(|m| !m["text"].as_str().unwrap_or_default().contains(note_text)),
        "the customer never sees the note: {history:?}"
    );

    browser.quit().await;
    service.stop().await;
}

/// Waits for the login form (and no console) after a reload with `token` in sessionStorage; checks
/// that the console forgot the token.
async fn reload_with_token_shows_login(browser: &Browser, token: &str, what: &str) {
    browser.execute("sessionStorage.setItem(arguments[0], arguments[1]);", vec![json!(TOKEN_KEY), json!(token)]).await;
    browser.refresh().await;
    browser
        .wait_js(
            &format!("the login form instead of the console after a reload with {what}"),
            WAIT,
            &format!("{IS_DISPLAYED_FN} return shown('#login-form') && !shown('#console');"),
            vec![],
        )
        .await;
    // The check of the token may still be under way when the form shows: wait for the verdict.
    browser
        .wait_js(
            &format!("the console to forget {what}"),
            WAIT,
            "return sessionStorage.getItem(arguments[0]) === null;",
            vec![json!(TOKEN_KEY)],
        )
        .await;
    assert_eq!(
        browser.execute("return document.querySelector('#console').getAttribute('data-agent');", vec![]).await,
        json!(""),
        "no agent is shown with {what}"
    );
    assert!(is_displayed(browser, "#login-form").await, "still the login form with {what}\n{}", console_state(browser).await);
    assert!(!is_displayed(browser, "#console").await, "still no console with {what}\n{}", console_state(browser).await);
}

/// 4. No token, a token the service never issued, or an expired one: the login form.
async fn expired_or_missing_token_shows_login() {
    let browser = Browser::launch().await;
    let service = TestService::start_with("console-token", |c| c.agent_token_ttl_seconds = 1).await;

    // No token at all.
    open_console(&browser, &service).await;
    assert!(!is_displayed(&browser, "#console").await, "no console without a token\n{}", console_state(&browser).await);

    // A token the service never issued.
    reload_with_token_shows_login(&browser, "bogus-token", "a bogus token").await;

    // A real token that has expired (tokens live one second on this service).
    let olga = agent(&service, "olga", &[Lang::Ru], "agent").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    reload_with_token_shows_login(&browser, &olga.token, "an expired token").await;

    browser.quit().await;
    service.stop().await;
}

/// A supervisor opens the reports: the figures come from the log (two conversations, one handed
/// over); an agent has no reports button.
async fn supervisor_reports_show_the_figures() {
    let (service, browser) = setup("console-reports").await;
    agent(&service, "sup", &[Lang::Ru], "supervisor").await;
    let a = Customer::start(&service.base, Some("ru")).await;
    a.say("Где мой заказ 100017?").await;
    let b = Customer::start(&service.base, Some("ru")).await;
    assert_eq!(b.say("Позовите оператора").await.state, "waiting_agent");

    open_console(&browser, &service).await;
    submit_login(&browser, "sup", PASSWORD).await;
    wait_logged_in(&browser, "sup").await;
    browser.wait_for("#reports-toggle", WAIT).await.click().await;
    let value = |kpi: &'static str| format!("return (document.querySelector('#reports .kpi[data-kpi=\"{kpi}\"] .kpi-value') || {{}}).textContent || '';");
    let conversations = browser
        .wait_until("the conversations figure", WAIT, async || {
            let v = browser.execute(&value("conversations"), vec![]).await;
            v.as_str().filter(|s| s.trim() == "2").map(str::to_string)
        })
        .await;
    assert_eq!(conversations.trim(), "2");
    let containment = browser.execute(&value("containment_rate"), vec![]).await;
    assert!(containment.as_str().unwrap_or_default().contains("50"), "half contained: {containment}");
    let handoffs = browser.execute(&value("handoffs"), vec![]).await;
    assert_eq!(handoffs.as_str().unwrap_or_default().trim(), "1");
    assert!(is_displayed(&browser, "#reports-reasons .reason-row[data-reason=\"customer_request\"]").await);
}

async fn agents_have_no_reports() {
    let (service, browser) = setup("console-no-reports").await;
    agent(&service, "olga", &[Lang::Ru], "agent").await;
    open_console(&browser, &service).await;
    submit_login(&browser, "olga", PASSWORD).await;
    wait_logged_in(&browser, "olga").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!is_displayed(&browser, "#reports-toggle").await, "no reports button for an agent");
}

/// The console's strings for `lang`, as the page loads them.
async fn console_strings(service: &TestService, lang: &str) -> Value {
    let v: Value = reqwest::get(service.url("/console/i18n.json")).await.unwrap().json().await.unwrap();
    v["languages"][lang]["ui"].clone()
}

/// Switches the console's UI language with its picker.
async fn pick_console_language(browser: &Browser, lang: &str) {
    browser
        .execute("const s = document.querySelector('#lang'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", vec![json!(lang)])
        .await;
    browser
        .wait_js("the console in the picked language", WAIT, "return document.documentElement.lang === arguments[0];", vec![json!(lang)])
        .await;
}

/// The brief's summary and topics as shown.
async fn brief_words(browser: &Browser) -> (String, Vec<String>) {
    let v = browser
        .execute(
            "const s = document.querySelector('#brief .brief-summary'); \
             return [s ? s.textContent : '', Array.from(document.querySelectorAll('#brief .brief-intents .chip')).map((c) => c.textContent)];",
            vec![],
        )
        .await;
    let topics = v[1].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    (v[0].as_str().unwrap().to_string(), topics)
}

/// 7. Issue 13: the queue's order explained on the card; before the claim the whole conversation and
///    a brief worded in the console's language (ru, kk, en; Arabic mirrored) with the order as the back
///    office has it; suggestions readable in full, one click to claim and edit; fresh suggestions as
///    the customer writes; the customer's typing; survey answers in the transcript; stale survey
///    clicks change nothing.
async fn the_brief_before_the_claim_speaks_the_agents_language() {
    let (service, browser) = setup("console-brief").await;
    agent(&service, "dana", &[Lang::Ru, Lang::Kk], "agent").await;
    log_in(&browser, &service, "dana").await;

    // An upset Russian customer, then a calm Kazakh request: the older, more urgent one stays first.
    let upset = Customer::start(&service.base, Some("ru")).await;
    upset.say("Где мой заказ 100003?").await;
    let t = upset.say("Это безобразие!!! Третий раз пишу, ничего не работает, позовите человека!!!").await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);
    let calm = Customer::start(&service.base, Some("kk")).await;
    assert_eq!(calm.say("Операторға қосыңызшы").await.state, "waiting_agent");
    let upset_item = wait_queue_item(&browser, &upset.conversation_id).await;
    wait_queue_item(&browser, &calm.conversation_id).await;
    let order = browser
        .execute("return Array.from(document.querySelectorAll('#queue .queue-item')).map((li) => li.getAttribute('data-conversation-id'));", vec![])
        .await;
    assert_eq!(order, json!([upset.conversation_id, calm.conversation_id]), "the older, more urgent customer first");
    let why = browser
        .execute("return Array.from(document.querySelectorAll('#queue .qi-why')).map((w) => w.textContent);", vec![])
        .await;
    let why: Vec<String> = why.as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect();
    assert!(why.len() == 2 && why[1].contains("50"), "each card says why it is there (priority 50 for the calm one): {why:?}");

    // The preview, in Russian: the whole conversation and the brief in the agent's words.
    pick_console_language(&browser, "ru").await;
    browser.find(&upset_item).await.click().await;
    browser
        .wait_until("the customer's messages before the claim", WAIT, async || {
            let all = transcript(&browser).await;
            (all.iter().filter(|m| m.is("customer")).count() >= 2 && all.iter().any(|m| m.is("bot"))).then_some(())
        })
        .await;
    let ru = console_strings(&service, "ru").await;
    let status = browser.wait_for("#brief .fact[data-name=\"order_id\"] .order-status", WAIT).await;
    let code = status.attribute("data-status").await.unwrap_or_default();
    assert_eq!(status.text().await, ru[format!("status_{code}")].as_str().unwrap(), "the order's status from the back office, in Russian");
    let (summary, topics) = brief_words(&browser).await;
    assert!(topics.contains(&ru["intent_order_status"].as_str().unwrap().to_string()), "topics in words: {topics:?}");
    assert!(summary.contains(ru["intent_order_status"].as_str().unwrap()) && summary.contains(ru[format!("status_{code}")].as_str().unwrap()), "{summary}");
    assert!(summary.contains(ru["emotion_angry"].as_str().unwrap()) || summary.contains(ru["emotion_upset"].as_str().unwrap()), "the mood: {summary}");
    assert!(!summary.contains('_') && !summary.contains("angry") && !summary.contains("order status"), "no internal names: {summary}");

    // The same brief in Kazakh and English, and mirrored in Arabic.
    for lang in ["kk", "en", "ar"] {
        pick_console_language(&browser, lang).await;
        let words = console_strings(&service, lang).await;
        let (summary, topics) = brief_words(&browser).await;
        let topic = words["intent_order_status"].as_str().unwrap();
        assert!(summary.contains(topic) && topics.iter().any(|t| t == topic), "{lang}: {summary} / {topics:?}");
        let dir = browser.execute("return getComputedStyle(document.querySelector('#brief')).direction;", vec![]).await;
        assert_eq!(dir, json!(if lang == "ar" { "rtl" } else { "ltr" }), "{lang}");
    }
    pick_console_language(&browser, "ru").await;

    // Suggested replies before the claim, each whole; one click claims and leaves it to edit.
    let full = browser
        .execute(
            "const s = Array.from(document.querySelectorAll('#suggestions .suggestion')); \
             return s.length > 0 && s.every((b) => b.offsetParent !== null && b.scrollWidth <= b.clientWidth + 1 && getComputedStyle(b).whiteSpace === 'normal');",
            vec![],
        )
        .await;
    assert_eq!(full, json!(true), "suggestions shown in full before the claim\n{}", console_state(&browser).await);
    let first = browser.find("#suggestions .suggestion").await;
    let text = first.text().await;
    first.click().await;
    wait_state(&browser, "with_agent").await;
    browser
        .wait_js("#reply to hold the suggestion", WAIT, "return document.querySelector('#reply').value === arguments[0];", vec![json!(text)])
        .await;
    browser.find("#reply").await.send_keys(" Сейчас всё проверю.").await;
    let edited = browser.execute("return document.querySelector('#reply').value;", vec![]).await;
    assert_eq!(edited, json!(format!("{text} Сейчас всё проверю.")), "the suggestion can be edited before sending");

    // A new question from the customer: the bot's own answer to it is offered to the agent.
    let other = Customer::start(&service.base, Some("ru")).await;
    let bot_answer = other.say("Какие способы оплаты у вас есть?").await.bot_text();
    let start: String = bot_answer.chars().take(40).collect();
    upset.say("Какие способы оплаты у вас есть?").await;
    browser
        .wait_js(
            "a fresh suggestion with the bot's answer",
            WAIT,
            "return Array.from(document.querySelectorAll('#suggestions .suggestion')).some((b) => b.textContent.startsWith(arguments[0]));",
            vec![json!(start)],
        )
        .await;

    // The customer is typing: the agent sees it.
    let mut live = upset.websocket().await;
    live.send_raw(r#"{"type":"typing"}"#).await;
    browser.wait_js("the customer's typing", WAIT, "const t = document.querySelector('#typing'); return !!t && !t.hidden;", vec![]).await;

    // Closed; the survey's answers appear in the agent's transcript; old score buttons do nothing.
    let dana = komek_tests::agent::login(&service, "dana").await;
    let (s, v) = dana.post(&format!("/api/v1/agent/conversations/{}/close", upset.conversation_id), json!({})).await;
    assert_eq!(s, reqwest::StatusCode::OK, "{v}");
    upset.click("ces_6", "6").await;
    browser
        .wait_js(
            "the effort score in the transcript",
            WAIT,
            "const m = document.querySelector('#transcript .msg[data-survey=\"ces\"]'); return !!m && m.textContent.includes('6 / 7');",
            vec![],
        )
        .await;
    let (before, _) = upset.history(None).await;
    let t = upset.click("ces_6", "6").await;
    assert!(t.messages.is_empty() && t.state == "closed", "a stale score changes nothing: {:?}", t.messages);
    upset.click("csat_4", "4").await;
    let t = upset.click("csat_4", "4").await;
    assert!(t.messages.is_empty() && t.state == "closed", "{:?}", t.messages);
    let (after, state) = upset.history(None).await;
    assert_eq!((after.len(), state.as_str()), (before.len() + 2, "closed"), "only the CSAT answer and the thanks were added, no new conversation");
    browser.quit().await;
    service.stop().await;
}

// ---------- reports: trends by day, survey scales, first-contact resolution; presence; dialogs ----------

/// Records any call of the browser's own confirm(), alert() or prompt() in `window.__nativeDialogs`.
const SPY_NATIVE_DIALOGS: &str = "window.__nativeDialogs = []; \
    ['confirm', 'alert', 'prompt'].forEach((f) => { window[f] = (m) => { window.__nativeDialogs.push(f + ': ' + m); return null; }; });";

/// Keys as WebDriver sends them.
const ESCAPE: &str = "\u{e00c}";
const TAB: &str = "\u{e004}";
const SHIFT_TAB: &str = "\u{e008}\u{e004}";
const ENTER: &str = "\u{e007}";

/// Four conversations. Today: a Russian customer whose order the bot looked up and who said goodbye
/// (resolved at the first contact); a Russian customer an agent answered and closed, who rated CES 6
/// and CSAT 4 (resolved); a Kazakh customer the bot answered too, then handed over and still waiting
/// (not resolved). Two days ago (moved in the store): an English customer the bot answered, still
/// open (not resolved). So FCR is 2 of 4.
async fn seed_reports(service: &TestService) {
    let ru = Customer::start(&service.base, Some("ru")).await;
    ru.say("Где мой заказ 100014?").await;
    let bye = ru.say("Спасибо, до свидания").await;
    assert_eq!(bye.state, "closed", "the goodbye closes: {:?}", bye.messages);

    let rated = Customer::start(&service.base, Some("ru")).await;
    assert_eq!(rated.say("Позовите оператора").await.state, "waiting_agent");
    let sup = komek_tests::agent::login(service, "sup").await;
    let handoff = sup.queue().await[0]["id"].as_str().expect("a handoff").to_string();
    let (_, claimed) = sup.post(&format!("/api/v1/agent/handoffs/{handoff}/claim"), json!({})).await;
    let conversation = claimed["conversation_id"].as_str().expect("claimed").to_string();
    sup.post(&format!("/api/v1/agent/conversations/{conversation}/messages"), json!({"text": "Здравствуйте! Уже проверила."})).await;
    sup.post(&format!("/api/v1/agent/conversations/{conversation}/close"), json!({})).await;
    rated.click("ces_6", "6").await;
    rated.click("csat_4", "4").await;

    let kk = Customer::start(&service.base, Some("kk")).await;
    let t = kk.say("Менің тапсырысым 100003 қайда?").await;
    assert!(t.bot_text().contains("100003"), "the bot answered the Kazakh customer: {}", t.bot_text());
    assert_eq!(kk.say("Операторға қосыңызшы").await.state, "waiting_agent");

    let en = Customer::start(&service.base, Some("en")).await;
    en.say("what payment methods do you accept?").await;
    sqlx::query("UPDATE conversations SET created_at = created_at - $1 WHERE id = $2")
        .bind(2 * komek::clock::DAY_MS)
        .bind(&en.conversation_id)
        .execute(&service.store().pool)
        .await
        .expect("moving a conversation two days back");
}

/// Logs the supervisor in, picks `lang` and opens the reports (last 7 days) with all four
/// conversations counted.
async fn open_reports(browser: &Browser, service: &TestService, lang: &str) {
    log_in(browser, service, "sup").await;
    set_ui_language(browser, lang).await;
    browser.wait_for("#reports-toggle", WAIT).await.click().await;
    browser
        .wait_js(
            "the reports with 4 conversations and 7 trend charts",
            WAIT,
            "const v = document.querySelector('#reports .kpi[data-kpi=\"conversations\"] .kpi-value'); \
             return !!v && v.textContent.trim() === '4' && document.querySelectorAll('#reports-trends .trend').length === 7;",
            vec![],
        )
        .await;
}

/// One chart as the page draws it.
#[derive(Debug, serde::Deserialize)]
struct Chart {
    id: String,
    shown: bool,
    role: String,
    /// The texts its aria-labelledby names (its <title> and <desc>).
    named: Vec<String>,
    axis_x: String,
    axis_y: String,
    ticks_y: Vec<String>,
    ticks_x: usize,
    points: Vec<Point>,
    /// The visually hidden table: [date, value shown] per day.
    rows: Vec<(String, String)>,
    table_hidden: bool,
}

#[derive(Debug, serde::Deserialize)]
struct Point {
    date: String,
    value: f64,
    cx: f64,
}

const READ_CHARTS: &str = r#"
    return Array.from(document.querySelectorAll('#reports-trends .trend')).map((f) => {
        const svg = f.querySelector('svg');
        const text = (sel) => { const e = svg.querySelector(sel); return e ? e.textContent : ''; };
        const r = svg.getBoundingClientRect(), table = f.querySelector('table'), wrap = f.querySelector('.trend-values');
        return {
            id: f.getAttribute('data-trend'),
            shown: r.width > 100 && r.height > 50,
            role: svg.getAttribute('role') || '',
            named: (svg.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
                .map((id) => { const e = document.getElementById(id); return e ? e.textContent : ''; }),
            axis_x: text('.trend-axis-x'),
            axis_y: text('.trend-axis-y'),
            ticks_y: Array.from(svg.querySelectorAll('.trend-tick-y')).map((e) => e.textContent),
            ticks_x: svg.querySelectorAll('.trend-tick-x').length,
            points: Array.from(svg.querySelectorAll('.trend-point')).map((p) => ({
                date: p.getAttribute('data-date'), value: Number(p.getAttribute('data-value')), cx: Number(p.getAttribute('cx')) })),
            rows: Array.from(table.querySelectorAll('tbody tr')).map((tr) => [tr.getAttribute('data-date'), tr.querySelector('td').textContent]),
            table_hidden: !!wrap && wrap.contains(table) && wrap.getBoundingClientRect().width <= 1 && wrap.getBoundingClientRect().height <= 1,
        };
    });
"#;

async fn charts(browser: &Browser) -> Vec<Chart> {
    serde_json::from_value(browser.execute(READ_CHARTS, vec![]).await).expect("charts")
}

/// This browser's calendar date `days_ago` days back, `YYYY-MM-DD`.
async fn local_date(browser: &Browser, days_ago: i64) -> String {
    let script = "const d = new Date(Date.now() - arguments[0] * 864e5); \
                  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');";
    browser.execute(script, vec![json!(days_ago)]).await.as_str().unwrap_or_default().to_string()
}

/// The text of a summary card's value and of its line below.
async fn kpi(browser: &Browser, name: &str) -> (String, String) {
    let v = browser
        .execute(
            "const k = document.querySelector('#reports .kpi[data-kpi=\"' + arguments[0] + '\"]'); \
             return [k.querySelector('.kpi-value').textContent.trim(), k.querySelector('.kpi-sub').textContent.trim()];",
            vec![json!(name)],
        )
        .await;
    (v[0].as_str().unwrap_or_default().to_string(), v[1].as_str().unwrap_or_default().to_string())
}

/// The reports draw seven per-day charts by themselves (inline SVG, nothing fetched from elsewhere):
/// one point per day of the period, labelled axes, a title, a description and a hidden table of
/// the values, in the UI language (en, ru, kk), mirrored for Arabic.
async fn reports_draw_daily_trends_in_the_ui_language() {
    let (service, browser) = setup("console-trends").await;
    agent(&service, "sup", &[Lang::Ru, Lang::Kk], "supervisor").await;
    seed_reports(&service).await;
    open_reports(&browser, &service, "en").await;

    // The last 7 days touch 8 calendar days, the oldest and today partly.
    let (first, today, two_days_ago) = (local_date(&browser, 7).await, local_date(&browser, 0).await, local_date(&browser, 2).await);
    let all = charts(&browser).await;
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["conversations", "containment_rate", "handoff_rate", "first_contact_resolution", "service_level", "ces", "csat"],
        "a chart per figure"
    );
    for c in &all {
        assert!(c.shown && c.role == "img", "{} is drawn as an image: {c:?}", c.id);
        assert_eq!(c.rows.len(), 8, "{}: a table row per day: {:?}", c.id, c.rows);
        assert_eq!((c.rows[0].0.as_str(), c.rows[7].0.as_str()), (first.as_str(), today.as_str()), "{}: oldest day first", c.id);
        assert!(c.table_hidden, "{}: the table of values is for screen readers only", c.id);
        assert!(c.named.len() == 2 && c.named.iter().all(|t| !t.trim().is_empty()), "{}: a <title> and a <desc>: {:?}", c.id, c.named);
        assert!(!c.axis_x.trim().is_empty() && !c.axis_y.trim().is_empty(), "{}: both axes titled: {c:?}", c.id);
        assert!(c.ticks_y.len() >= 2 && c.ticks_x >= 2, "{}: scale labels on both axes: {c:?}", c.id);
    }
    let count = &all[0];
    assert_eq!(count.points.len(), 8, "one point per day, days without conversations at zero: {:?}", count.points);
    let on = |day: &str| count.points.iter().find(|p| p.date == day).map(|p| p.value);
    assert_eq!((on(&today), on(&two_days_ago)), (Some(3.0), Some(1.0)), "{:?}", count.points);
    assert_eq!(count.points.iter().map(|p| p.value).sum::<f64>(), 4.0);
    assert!(count.points.windows(2).all(|w| w[0].cx < w[1].cx), "time runs left to right: {:?}", count.points);
    let fcr = &all[3];
    assert_eq!(fcr.points.len(), 2, "a rate only on days with conversations: {:?}", fcr.points);
    assert_eq!(fcr.rows.iter().filter(|(_, v)| v == "—").count(), 6, "days without data say so: {:?}", fcr.rows);
    let ces = &all[5];
    assert!(ces.ticks_y.last().is_some_and(|t| t == "7") && all[6].ticks_y.last().is_some_and(|t| t == "5"), "score scales: {ces:?}");
    assert!(ces.rows.iter().any(|(d, v)| *d == today && v == "6.0 / 7"), "{:?}", ces.rows);
    let foreign = browser
        .execute("return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin));", vec![])
        .await;
    assert_eq!(foreign, json!([]), "nothing is loaded from another site");

    // Russian and Kazakh: the same charts in their words.
    for lang in ["ru", "kk"] {
        set_ui_language(&browser, lang).await;
        let s = ui_strings(lang);
        let all = charts(&browser).await;
        assert_eq!(all.len(), 7);
        for c in &all {
            assert_eq!(c.axis_x, s["reports_axis_day"], "{lang} {}", c.id);
            assert_eq!(c.rows.len(), 8, "{lang} {}", c.id);
        }
        assert_eq!(all[0].axis_y, s["reports_axis_count"], "{lang}");
        assert_eq!(all[1].axis_y, s["reports_axis_share"], "{lang}");
        assert_eq!(all[5].axis_y, s["reports_axis_score"].replace("{max}", "7"), "{lang}");
        assert_eq!(all[0].named[0], s["reports_conversations"], "{lang}: the chart's title");
        let heading = browser.execute("return document.querySelector('#reports-trends-title').textContent;", vec![]).await;
        assert_eq!(heading, json!(s["reports_trends"]), "{lang}");
    }

    // Arabic: the page is right to left and so is time in the charts.
    set_ui_language(&browser, "ar").await;
    assert_eq!(browser.execute("return document.documentElement.dir;", vec![]).await, json!("rtl"));
    let all = charts(&browser).await;
    let count = &all[0];
    assert_eq!(count.points.len(), 8);
    assert!(count.points.windows(2).all(|w| w[0].cx > w[1].cx), "time runs right to left: {:?}", count.points);
    assert_eq!(count.axis_x, ui_strings("ar")["reports_axis_day"]);

    browser.quit().await;
    service.stop().await;
}

/// CES and CSAT are shown with their scales ("6.0 / 7", "4.0 / 5") in the cards and the table by
/// language; first-contact resolution counts only the conversations that ended resolved, not the
/// Kazakh one still waiting for an agent nor the open one (2 of 4), and the help says how.
async fn reports_show_survey_scales_and_count_only_resolved_contacts() {
    let (service, browser) = setup("console-scales").await;
    agent(&service, "sup", &[Lang::Ru, Lang::Kk], "supervisor").await;
    seed_reports(&service).await;
    open_reports(&browser, &service, "en").await;

    assert_eq!(kpi(&browser, "ces").await.0, "6.0 / 7");
    assert_eq!(kpi(&browser, "csat").await.0, "4.0 / 5");
    let cell = |lang: &str, col: &str| {
        format!("return document.querySelector('#reports-by-language tr[data-key=\"{lang}\"] td[data-col=\"{col}\"]').textContent;")
    };
    assert_eq!(browser.execute(&cell("ru", "ces"), vec![]).await, json!("6.0 / 7"));
    assert_eq!(browser.execute(&cell("ru", "csat"), vec![]).await, json!("4.0 / 5"));
    assert_eq!(browser.execute(&cell("kk", "first_contact_resolution"), vec![]).await, json!("0%"), "the waiting Kazakh conversation");
    assert_eq!(browser.execute(&cell("ru", "first_contact_resolution"), vec![]).await, json!("100%"));

    for lang in ["en", "ru", "kk"] {
        set_ui_language(&browser, lang).await;
        let s = ui_strings(lang);
        let (ces, csat) = (kpi(&browser, "ces").await.0, kpi(&browser, "csat").await.0);
        assert!(ces.starts_with('6') && ces.ends_with(" / 7"), "{lang}: CES {ces:?}");
        assert!(csat.starts_with('4') && csat.ends_with(" / 5"), "{lang}: CSAT {csat:?}");
        let (fcr, of) = kpi(&browser, "first_contact_resolution").await;
        assert!(fcr.starts_with("50"), "{lang}: two conversations of four ended resolved: {fcr:?}");
        assert_eq!(of, s["reports_of"].replace("{n}", "2").replace("{total}", "4"), "{lang}");
        let help = browser
            .execute(
                "const k = document.querySelector('#reports .kpi[data-kpi=\"first_contact_resolution\"]'); \
                 return document.getElementById(k.getAttribute('aria-describedby')).textContent;",
                vec![],
            )
            .await;
        assert_eq!(help, json!(s["reports_fcr_help"]), "{lang}: the card is described by the definition");
    }

    browser.quit().await;
    service.stop().await;
}

/// Waits (at most `within`) until the supervisor's team list shows `username` online or not.
async fn wait_presence(browser: &Browser, username: &str, online: bool, within: Duration) -> Duration {
    let started = std::time::Instant::now();
    browser
        .wait_js(
            &format!("{username} shown {} in the team list", if online { "online" } else { "offline" }),
            within,
            "const li = document.querySelector('#team .team-item[data-username=\"' + arguments[0] + '\"]'); \
             return !!li && li.getAttribute('data-online') === arguments[1];",
            vec![json!(username), json!(online.to_string())],
        )
        .await;
    started.elapsed()
}

/// The team list shows an agent online as soon as their console connects and offline as soon as
/// they sign out — not at the next poll 30 s later; the supervisor's own presence too. In Kazakh.
async fn team_presence_follows_login_and_logout_at_once() {
    let (service, browser) = setup("console-presence").await;
    agent(&service, "sup", &[Lang::Kk], "supervisor").await;
    agent(&service, "aigerim", &[Lang::Kk], "agent").await;
    log_in(&browser, &service, "sup").await;
    set_ui_language(&browser, "kk").await;
    let quick = Duration::from_secs(3);
    wait_presence(&browser, "sup", true, quick).await;
    wait_presence(&browser, "aigerim", false, quick).await;

    let other = Browser::launch().await;
    log_in(&other, &service, "aigerim").await;
    let took = wait_presence(&browser, "aigerim", true, quick).await;
    let label = browser
        .execute("return document.querySelector('#team .team-item[data-username=\"aigerim\"] .team-dot').getAttribute('aria-label');", vec![])
        .await;
    assert_eq!(label, json!(ui_strings("kk")["online"]), "presence is said in the UI language (after {took:?})");

    other.find("#logout").await.click().await;
    other.wait_for("#login-form", WAIT).await;
    wait_presence(&browser, "aigerim", false, quick).await;
    let label = browser
        .execute("return document.querySelector('#team .team-item[data-username=\"aigerim\"] .team-dot').getAttribute('aria-label');", vec![])
        .await;
    assert_eq!(label, json!(ui_strings("kk")["offline"]));

    other.quit().await;
    browser.quit().await;
    service.stop().await;
}

/// What the close dialog shows: open, role, modal, its title, text and buttons, what has focus.
const READ_DIALOG: &str = r#"
    const d = document.querySelector('dialog.dialog');
    if (!d || !d.open) return null;
    const by = (attr) => { const e = document.getElementById(d.getAttribute(attr)); return e ? e.textContent : null; };
    const cancel = d.querySelector('.dialog-cancel'), confirm = d.querySelector('.dialog-confirm');
    const a = document.activeElement;
    return {
        role: d.getAttribute('role'), modal: d.getAttribute('aria-modal'), title: by('aria-labelledby'), body: by('aria-describedby'),
        cancel: cancel.textContent, confirm: confirm.textContent,
        focus: a === cancel ? 'cancel' : a === confirm ? 'confirm' : (a && a.id) || '',
        dir: getComputedStyle(d).direction,
        confirm_left_of_cancel: confirm.getBoundingClientRect().left < cancel.getBoundingClientRect().left,
    };
"#;

/// Opens the close dialog from the keyboard (Enter on the focused Close button) and checks it is
/// an accessible alert dialog in `lang`, with focus on Cancel.
async fn open_close_dialog(browser: &Browser, lang: &str) -> Value {
    browser.find("#close").await.send_keys(ENTER).await;
    let shown = browser.wait_js(&format!("the close dialog in {lang}"), WAIT, READ_DIALOG, vec![]).await;
    let s = ui_strings(lang);
    assert_eq!(shown["role"], "alertdialog", "{shown}");
    assert_eq!(shown["modal"], "true", "{shown}");
    assert_eq!(shown["title"], json!(s["dialog_close_title"]), "{lang}: labelled by its title");
    assert_eq!(shown["body"], json!(s["confirm_close"]), "{lang}: described by its text");
    assert_eq!((shown["cancel"].clone(), shown["confirm"].clone()), (json!(s["dialog_cancel"]), json!(s["close"])), "{lang}");
    assert_eq!(shown["focus"], "cancel", "{lang}: focus moves into the dialog, on the harmless choice");
    shown
}

/// Escape closes the dialog without closing the conversation and gives focus back to Close.
async fn cancel_with_escape(browser: &Browser) {
    browser.find("dialog.dialog .dialog-cancel").await.send_keys(ESCAPE).await;
    browser.wait_js("the dialog gone", WAIT, "const d = document.querySelector('dialog.dialog'); return !d || !d.open;", vec![]).await;
    assert_eq!(browser.execute("return document.activeElement.id;", vec![]).await, json!("close"), "focus returns to Close");
    assert_eq!(browser.execute("return document.querySelector('#state').getAttribute('data-state');", vec![]).await, json!("with_agent"));
}

/// Closing asks in the console's own dialog — never the browser's confirm() — in the UI language
/// (en, ru, Arabic mirrored, kk), used with the keyboard alone: Escape cancels, Tab stays inside,
/// Enter confirms and the customer gets the survey.
async fn closing_asks_in_an_accessible_dialog() {
    let (service, browser) = setup("console-dialog").await;
    agent(&service, "olga", &[Lang::Ru, Lang::Kk], "agent").await;
    log_in(&browser, &service, "olga").await;
    let customer = Customer::start(&service.base, Some("ru")).await;
    assert_eq!(customer.say("Позовите оператора").await.state, "waiting_agent");
    open_and_claim(&browser, &customer.conversation_id).await;
    browser.execute(SPY_NATIVE_DIALOGS, vec![]).await;

    set_ui_language(&browser, "en").await;
    let en = open_close_dialog(&browser, "en").await;
    assert_eq!((en["dir"].clone(), en["confirm_left_of_cancel"].clone()), (json!("ltr"), json!(false)), "{en}");
    cancel_with_escape(&browser).await;

    set_ui_language(&browser, "ru").await;
    open_close_dialog(&browser, "ru").await;
    cancel_with_escape(&browser).await;

    set_ui_language(&browser, "ar").await;
    let ar = open_close_dialog(&browser, "ar").await;
    assert_eq!((ar["dir"].clone(), ar["confirm_left_of_cancel"].clone()), (json!("rtl"), json!(true)), "mirrored: {ar}");
    cancel_with_escape(&browser).await;

    // Kazakh: Tab and Shift+Tab stay within the two buttons; Enter on Close closes.
    set_ui_language(&browser, "kk").await;
    open_close_dialog(&browser, "kk").await;
    let focus = async || browser.execute(READ_DIALOG, vec![]).await["focus"].clone();
    browser.find("dialog.dialog .dialog-cancel").await.send_keys(TAB).await;
    assert_eq!(focus().await, "confirm");
    browser.find("dialog.dialog .dialog-confirm").await.send_keys(TAB).await;
    assert_eq!(focus().await, "cancel", "Tab wraps inside the dialog");
    browser.find("dialog.dialog .dialog-cancel").await.send_keys(SHIFT_TAB).await;
    assert_eq!(focus().await, "confirm");
    browser.find("dialog.dialog .dialog-confirm").await.send_keys(ENTER).await;
    wait_state(&browser, "closed").await;
    wait_history(&browser, &customer, "the survey after the close", |messages, _| {
        messages.last().filter(|m| m["buttons"].as_array().is_some_and(|b| b.len() == 7)).cloned()
    })
    .await;
    let native = browser.execute("return window.__nativeDialogs;", vec![]).await;
    assert_eq!(native, json!([]), "no confirm()/alert()/prompt() of the browser: {native}");

    browser.quit().await;
    service.stop().await;
}
