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
use komek_tests::browser::{ShownMessage as Msg, Browser, WAIT};
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

/// Whether the element `css` is displayed (shared by several waits).
const IS_DISPLAYED: &str = "const e = document.querySelector(arguments[0]); if (!e) return false; \
                            const r = e.getBoundingClientRect(); const s = getComputedStyle(e); \
                            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';";

async fn is_displayed(browser: &Browser, css: &str) -> bool {
    browser.execute(IS_DISPLAYED, vec![json!(css)]).await == json!(true)
}

/// A browser and a fresh service.
async fn setup(name: &str) -> (TestService, Browser) {
    let browser = Browser::launch().await;
    let service = TestService::start(name).await;
    (service, browser)
}

/// Opens the console and waits for the login form.
async fn open_console(browser: &Browser, service: &TestService) {
    browser.goto(&service.url("/console")).await;
    browser.wait_for("#login-form", WAIT).await;
}

/// Fills the login form and submits it with its button.
async fn submit_login(browser: &Browser, username: &str, password: &str) {
    let user = browser.find("#username").await;
    user.clear().await;
    user.send_keys(username).await;
    let pass = browser.find("#password").await;
    pass.clear().await;
    pass.send_keys(password).await;
    browser.find("#login-form button[type=\"submit\"]").await.click().await;
}

/// Waits until the console is shown for `username` with its WebSocket connected.
async fn wait_logged_in(browser: &Browser, username: &str) {
    browser
        .wait_js(
            &format!("#console to be shown with data-agent={username:?} and data-connected=\"true\""),
            WAIT,
            &format!(
                "{IS_DISPLAYED_FN} const c = document.querySelector('#console'); \
                 return shown('#console') && !shown('#login-form') && c.getAttribute('data-agent') === arguments[0] \
                        && c.getAttribute('data-connected') === 'true';"
            ),
            vec![json!(username)],
        )
        .await;
}

/// `shown(css)`: the same test as [`IS_DISPLAYED`], as a function for longer scripts.
const IS_DISPLAYED_FN: &str = "const shown = (css) => { const e = document.querySelector(css); if (!e) return false; \
                               const r = e.getBoundingClientRect(); const s = getComputedStyle(e); \
                               return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };";

/// Opens the console and logs in as `username` with the right password.
async fn log_in(browser: &Browser, service: &TestService, username: &str) {
    open_console(browser, service).await;
    submit_login(browser, username, PASSWORD).await;
    wait_logged_in(browser, username).await;
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
            "const f = document.querySelector('#brief .fact[data-name=\"order_id\"]'); return f ? f.textContent.trim() : null;",
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

/// 2. Markup from a customer is shown as text in the transcript and the brief, and never run.
async fn console_escapes_customer_text() {
    let (service, browser) = setup("console-hostile").await;
    agent(&service, "olga", &[Lang::Ru], "agent").await;

    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"#;
    let customer = Customer::start(&service.base, Some("ru")).await;
    customer.say(hostile).await;
    let t = customer.say("позовите оператора").await;
    assert_eq!(t.state, "waiting_agent", "the customer is handed over: {:?}", t.messages);
    // The summary quotes the customer's latest message: the hostile text again, while they wait.
    let t = customer.say(hostile).await;
    assert_eq!(t.state, "waiting_agent", "{:?}", t.messages);

    log_in(&browser, &service, "olga").await;
    let item = wait_queue_item(&browser, &customer.conversation_id).await;
    browser.find(&item).await.click().await;
    browser.wait_for("#claim", WAIT).await;
    let markup_in = "return document.querySelectorAll(arguments[0]).length;";
    let in_preview = browser.execute(markup_in, vec![json!("#queue img, #queue script, #brief img, #brief script")]).await;
    assert_eq!(in_preview, json!(0), "no <img>/<script> in the queue or the brief\n{}", console_state(&browser).await);

    browser.find("#claim").await.click().await;
    wait_state(&browser, "with_agent").await;
    browser
        .wait_until("the hostile text verbatim in a .msg-text", WAIT, async || {
            transcript(&browser).await.iter().any(|m| m.is("customer") && m.text == hostile).then_some(())
        })
        .await;
    let summary = browser
        .execute("const s = document.querySelector('#brief .brief-summary'); return s ? s.textContent : '';", vec![])
        .await;
    assert!(
        summary.as_str().is_some_and(|s| s.contains(hostile)),
        "the hostile text appears verbatim in .brief-summary; got {summary}\n{}",
        console_state(&browser).await
    );

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

    // Close, confirming the dialog.
    browser
        .execute("window.__confirms = []; window.confirm = (m) => { window.__confirms.push(String(m)); return true; };", vec![])
        .await;
    browser.find("#close").await.click().await;
    wait_state(&browser, "closed").await;
    let confirms = browser.execute("return window.__confirms;", vec![]).await;
    assert_eq!(confirms.as_array().map(Vec::len), Some(1), "closing asked for confirmation once: {confirms}");

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
