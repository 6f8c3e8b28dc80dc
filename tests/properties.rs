//! Property tests on arbitrary Unicode up to the size limits: the NLU (parse, entities, language)
//! and the HTTP handlers (and through them the dialogue) never panic, never answer 5xx, and answer
//! within a generous bound. The texts mix every code point with what customers and attackers
//! actually type: Cyrillic, Arabic, CJK, digits of other scripts, emoji, zero-width and direction
//! marks, markup characters, order numbers and phones.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use komek_nlu::Nlu;
use komek_nlu::lang::{ConversationLanguage, Lang};
use komek_tests::TestService;
use komek_tests::chat::{FORWARDED_FOR, client_address};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The service's limit on a customer's message, in characters.
const MAX_TEXT_CHARS: usize = 4000;
/// Far above any real parse (tens of microseconds): only a pathological slowdown trips it.
const PARSE_BOUND: Duration = Duration::from_secs(2);
/// The same for one HTTP exchange on loopback.
const REQUEST_BOUND: Duration = Duration::from_secs(10);

fn nlu() -> &'static Nlu {
    static NLU: OnceLock<Nlu> = OnceLock::new();
    NLU.get_or_init(|| Nlu::load(&komek_tests::models_dir(), &Lang::ALL[..]).expect("the shipped models load"))
}

/// One character as customers and attackers type them, or any code point at all.
fn customer_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        3 => prop::char::range('а', 'я'),
        3 => prop::char::range('a', 'z'),
        2 => prop::char::range('0', '9'),
        2 => prop::sample::select(vec![
            ' ', ' ', '\n', '\t', '.', ',', '!', '?', '#', '№', '-', '+', '(', ')', '@', '<', '>', '&', '"', '\'', ';', '/',
            '\\', '*', '_', '`', '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202e}', '\u{2066}', '\u{feff}',
            '\u{0301}', '\u{fe0f}', '😡', '👍', '🙏', '🤬', '\u{1f3fb}', '١', '۵', '०', '０', '٫', 'ә', 'қ', 'ғ', 'ө', 'ұ', 'ү',
            'і', 'ї', 'є', 'ў', 'ҳ', 'ş', 'ğ', 'ı', 'İ', 'ß', 'ñ', 'é', 'ç', 'Ё', '\u{0000}', '\u{001b}', '\u{007f}', '\u{fffd}',
        ]),
        1 => prop::char::range('\u{0600}', '\u{06ff}'),
        1 => prop::char::range('\u{4e00}', '\u{4fff}'),
    ]
}

/// Fragments that reach the deeper paths: order numbers, phones, addresses, commands, markup.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(customer_char(), 1..12).prop_map(|c| c.into_iter().collect()),
        1 => prop::sample::select(vec![
            "100017", "№100031", "#100024", "заказ", "тапсырыс", "order", "订单", "رقم", "+7 (701) 555-66-77", "8 701 555 66 77",
            "a@b.kz", "ул. Абая 150, кв 5", "/link", "/start", "/link 123456", "оператор", "human", "<script>", "</b>", "' OR 1=1 --",
            "{{x}}", "${x}", "%s", "\u{202e}", "::", "ok", "нет", "да", "abc+7", "tel+7", "№+", "+", "x100017y",
        ])
        .prop_map(str::to_string),
    ]
}

/// A message: short chat-like lines mostly, sometimes up to the service's limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(fragment(), 0..12).prop_map(|f| f.join(" ")),
        1 => prop::collection::vec(customer_char(), 0..=MAX_TEXT_CHARS).prop_map(|c| c.into_iter().collect()),
    ]
}

fn runner(cases: u32) -> TestRunner {
    // No files of failures written into the source tree; a failure prints its minimal input.
    TestRunner::new(ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() })
}

fn lang() -> impl Strategy<Value = Option<Lang>> {
    prop::option::of(prop::sample::select(Lang::ALL.to_vec()))
}

/// `f` on a thread of its own, failing the case when it has not returned within `bound` (a parse
/// that never ends must fail the test, not hang it).
fn within<T: Send + 'static>(bound: Duration, f: impl FnOnce() -> T + Send + 'static) -> Result<T, TestCaseError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(bound).map_err(|_| TestCaseError::fail(format!("no result within {bound:?}")))
}

#[test]
fn parse_entities_and_language_hold_on_any_text() {
    let nlu = nlu();
    let expecting = prop::option::of(prop::sample::select(vec!["order_id", "phone", "email", "address", "date", "contact"]));
    runner(600)
        .run(&(text(), lang(), expecting), |(text, hint, expecting)| {
            let started = Instant::now();
            let input = text.clone();
            let parse = within(PARSE_BOUND, move || nlu.parse_expecting(&input, hint, expecting))?;
            prop_assert!(started.elapsed() < PARSE_BOUND, "parse took {:?}", started.elapsed());
            prop_assert!(Lang::ALL.contains(&parse.lang.code));
            prop_assert!((0.0..=1.0).contains(&parse.lang.confidence), "language confidence {}", parse.lang.confidence);
            prop_assert!((0.0..=1.0).contains(&parse.intent.confidence), "intent confidence {}", parse.intent.confidence);
            prop_assert!(parse.ranking.iter().all(|s| s.confidence.is_finite()));
            let chars = text.chars().count();
            let input = text.clone();
            let extracted = within(PARSE_BOUND, move || nlu.entities.extract_expecting(&input, expecting))?;
            for entity in extracted.iter().chain(&parse.entities) {
                prop_assert!(entity.start < entity.end && entity.end <= chars, "{entity:?} in {chars} characters");
                prop_assert!(!entity.value.is_empty(), "{entity:?}");
            }
            let input = text.clone();
            let decision = within(PARSE_BOUND, move || {
                let _ = nlu.detector.detect(&input);
                ConversationLanguage::new(Lang::Ru, None).observe(&nlu.detector, &input)
            })?;
            prop_assert!(Lang::ALL.contains(&decision.lang));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// One request with a bound on its time; the status and the body, which must be JSON whenever
/// the answer is an error.
async fn exchange(request: reqwest::RequestBuilder) -> Result<(StatusCode, Value), TestCaseError> {
    let response = tokio::time::timeout(REQUEST_BOUND, request.send())
        .await
        .map_err(|_| TestCaseError::fail("no answer within the bound"))?
        .map_err(|e| TestCaseError::fail(format!("transport: {e}")))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| TestCaseError::fail(format!("body: {e}")))?;
    if status.is_server_error() {
        return Err(TestCaseError::fail(format!("{status}: {}", String::from_utf8_lossy(&body))));
    }
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if status.is_client_error() && !value["error"]["code"].is_string() {
        return Err(TestCaseError::fail(format!("{status} without a JSON error: {}", String::from_utf8_lossy(&body))));
    }
    Ok((status, value))
}

/// A client with an address of its own, as a trusted proxy reports it (the per-address limits
/// stay out of the way of the property).
fn client(n: usize) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(FORWARDED_FOR, client_address(100_000 + n).parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

fn button() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        prop::sample::select(vec!["person", "other", "link_yes", "link_no", "order:100017", "clarify:order_status", "lang:kk"]).prop_map(str::to_string),
        prop::collection::vec(customer_char(), 0..40).prop_map(|c| c.into_iter().collect()),
    ])
}

fn short() -> impl Strategy<Value = String> {
    prop::collection::vec(customer_char(), 0..80).prop_map(|c| c.into_iter().collect())
}

#[test]
fn http_handlers_never_fail_on_any_input() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let service = runtime.block_on(TestService::start_with("properties", |c| {
        c.trusted_proxy_header = Some(FORWARDED_FOR.into());
        c.rate_burst = 1000;
        c.rate_per_second = 1000.0;
    }));
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let next = || counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);

    // The NLU endpoint with any text and hint.
    runner(200)
        .run(&(text(), prop::option::of(short())), |(text, hint)| {
            runtime.block_on(async {
                let mut body = json!({"text": text});
                if let Some(hint) = hint {
                    body["lang_hint"] = json!(hint);
                }
                exchange(client(next()).post(service.url("/api/v1/nlu/parse")).json(&body)).await.map(drop)
            })
        })
        .unwrap_or_else(|e| panic!("nlu parse: {e}"));

    // A widget customer with any locale and details, then any messages and buttons: the dialogue
    // runs on each, with whatever it was waiting for.
    let details = (prop::option::of(short()), prop::option::of(short()), prop::option::of(short()), prop::option::of(short()));
    let turns = prop::collection::vec((text(), button()), 1..5);
    runner(120)
        .run(&(details, turns), |((locale, name, email, phone), turns)| {
            runtime.block_on(async {
                let http = client(next());
                let body = json!({"locale": locale, "customer": {"name": name, "email": email, "phone": phone}});
                let (status, session) = exchange(http.post(service.url("/api/v1/chat/sessions")).json(&body)).await?;
                if status != StatusCode::CREATED {
                    prop_assert_eq!(status, StatusCode::BAD_REQUEST, "{}", session);
                    return Ok(());
                }
                let id = session["session_id"].as_str().unwrap_or_default().to_string();
                let token = session["token"].as_str().unwrap_or_default().to_string();
                let messages = service.url(&format!("/api/v1/chat/sessions/{id}/messages"));
                for (text, button) in turns {
                    let mut body = json!({"text": text});
                    if let Some(button) = button {
                        body["button"] = json!(button);
                    }
                    exchange(http.post(&messages).bearer_auth(&token).json(&body)).await?;
                }
                let (status, history) = exchange(http.get(&messages).bearer_auth(&token)).await?;
                prop_assert_eq!(status, StatusCode::OK, "{}", history);
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("chat: {e}"));

    // Any bytes as the body of every public POST, and any path segment where an id goes.
    let endpoints = prop::sample::select(vec!["/api/v1/nlu/parse", "/api/v1/chat/sessions", "/api/v1/agent/login", "/api/v1/chat/sessions/s_x/messages"]);
    runner(200)
        .run(&(endpoints, prop::collection::vec(any::<u8>(), 0..2048), short()), |(endpoint, bytes, segment)| {
            runtime.block_on(async {
                let http = client(next());
                exchange(http.post(service.url(endpoint)).header("content-type", "application/json").body(bytes)).await?;
                let encoded: String = url::form_urlencoded::byte_serialize(segment.as_bytes()).collect();
                exchange(http.get(service.url(&format!("/api/v1/chat/sessions/{encoded}/messages"))).bearer_auth("x")).await?;
                exchange(http.get(service.url(&format!("/api/v1/agent/conversations/{encoded}"))).bearer_auth("x")).await?;
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("raw bodies and paths: {e}"));

    // Agent logins with any name and password (each runs Argon2: fewer cases).
    runner(24)
        .run(&(short(), short()), |(username, password)| {
            runtime.block_on(async {
                let body = json!({"username": username, "password": password});
                let (status, v) = exchange(client(next()).post(service.url("/api/v1/agent/login")).json(&body)).await?;
                prop_assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST, "{status}: {v}");
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("login: {e}"));
    runtime.block_on(service.stop());
}
