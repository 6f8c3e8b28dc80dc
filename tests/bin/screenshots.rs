//! The README's pictures, made with the browser harness the tests use: the real service on a
//! temporary SQLite file, customers and agents through the real APIs, and headless Chromium.
//!
//! `cargo run --release -p komek-tests --bin screenshots [-- OUT_DIR]` (default `docs/screenshots`)
//! writes widget-desktop.png, widget-phone.png (390×844), console-queue.png, console-brief.png,
//! console-conversation.png and console-reports.png. Run it again after any change to the UI.

use std::path::PathBuf;
use std::time::Duration;

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{AgentClient, PASSWORD, agent};
use komek_tests::browser::{Browser, BrowserOptions, WAIT};
use komek_tests::chat::Customer;
use serde_json::json;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "docs/screenshots".into()));
    std::fs::create_dir_all(&out).expect("the output folder");
    let service = TestService::start("screenshots").await;
    let dana = agent(&service, "dana", &[Lang::Ru, Lang::Kk, Lang::En], "supervisor").await;
    history(&service, &dana).await;
    waiting_customers(&service).await;

    widget(&service, &out, "widget-desktop.png", BrowserOptions { lang: Some("ru".into()), width: 1280, height: 860, phone: false }).await;
    widget(&service, &out, "widget-phone.png", BrowserOptions { lang: Some("ru".into()), width: 390, height: 844, phone: true }).await;
    console(&service, &out).await;
    service.stop().await;
    println!("pictures written to {}", out.display());
}

/// Past conversations for the reports: some resolved by the bot with a survey, some by an agent.
async fn history(service: &TestService, dana: &AgentClient) {
    for (locale, question, thanks) in [
        ("ru", "Где мой заказ 100005?", "Спасибо, до свидания"),
        ("kk", "Менің тапсырысым 100007 қайда?", "Рахмет, сау болыңыз"),
        ("en", "What are your opening hours?", "thanks, bye"),
        ("en", "Where is my order 100010?", "great, bye"),
    ] {
        let c = Customer::start(&service.base, Some(locale)).await;
        c.say(question).await;
        c.say(thanks).await;
        c.click("ces_6", "6").await;
        c.click("csat_5", "5").await;
    }
    let c = Customer::start(&service.base, Some("ru")).await;
    c.say("Хочу вернуть товар из заказа 100012").await;
    c.say("Позовите оператора, пожалуйста").await;
    let queue = dana.queue().await;
    let id = queue[0]["id"].as_str().unwrap().to_string();
    dana.post(&format!("/api/v1/agent/handoffs/{id}/claim"), json!({})).await;
    dana.post(&format!("/api/v1/agent/conversations/{}/messages", c.conversation_id), json!({"text": "Здравствуйте! Оформила возврат, курьер заберёт товар завтра."})).await;
    dana.post(&format!("/api/v1/agent/conversations/{}/close", c.conversation_id), json!({})).await;
    c.click("ces_7", "7").await;
    c.click("csat_5", "5").await;
}

/// Three customers waiting: an upset one, a Kazakh one and an English one.
async fn waiting_customers(service: &TestService) {
    let upset = Customer::start(&service.base, Some("ru")).await;
    upset.say("Где мой заказ 100003?").await;
    upset.say("Это уже третий раз! Курьер не приехал, позовите человека!!!").await;
    let kk = Customer::start(&service.base, Some("kk")).await;
    kk.say("Операторға қосыңызшы").await;
    let en = Customer::start(&service.base, Some("en")).await;
    en.say("I was charged twice for order 100008, I need a person").await;
}

/// The demo page with the widget open in the middle of a conversation.
async fn widget(service: &TestService, out: &std::path::Path, name: &str, options: BrowserOptions) {
    let browser = Browser::launch_with(options).await;
    browser.goto(&service.url("/")).await;
    browser.wait_for(".komek-launcher", WAIT).await.click().await;
    browser.wait_for(".komek-input", WAIT).await;
    for text in ["Здравствуйте! Где мой заказ 100003?", "А как оплатить при получении?"] {
        let input = browser.find(".komek-input").await;
        input.send_keys(text).await;
        browser.find(".komek-send").await.click().await;
        settle().await;
    }
    save(&browser, out, name).await;
    browser.quit().await;
}

/// The console: the queue, a brief before the claim, the conversation after it, the reports.
async fn console(service: &TestService, out: &std::path::Path) {
    let browser = Browser::launch_with(BrowserOptions { lang: Some("en".into()), width: 1440, height: 900, phone: false }).await;
    browser.goto(&service.url("/console")).await;
    browser.wait_for("#login-form", WAIT).await;
    browser.find("#username").await.send_keys("dana").await;
    browser.find("#password").await.send_keys(PASSWORD).await;
    browser.find("#login-form button[type=\"submit\"]").await.click().await;
    browser.wait_for("#queue .queue-item", WAIT).await;
    settle().await;
    save(&browser, out, "console-queue.png").await;

    browser.find("#queue .queue-item").await.click().await;
    browser.wait_for("#brief .fact-value", WAIT).await;
    settle().await;
    save(&browser, out, "console-brief.png").await;

    browser.find("#suggestions .suggestion").await.click().await;
    browser.wait_for("#state[data-state=\"with_agent\"]", WAIT).await;
    settle().await;
    save(&browser, out, "console-conversation.png").await;

    browser.find("#reports-toggle").await.click().await;
    settle().await;
    save(&browser, out, "console-reports.png").await;
    browser.quit().await;
}

/// Lets answers arrive and the page draw.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1200)).await;
}

async fn save(browser: &Browser, out: &std::path::Path, name: &str) {
    let png = browser.png().await;
    let path = out.join(name);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("{}", path.display());
}
