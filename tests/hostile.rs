//! A hostile client against the real service (loopback only, bounded loops): link-code guessing,
//! login lock-out and limiter bypass, sockets that outlive their token, control characters,
//! authorisation of every agent endpoint, and what the service keeps. Addresses are simulated
//! through the trusted proxy header (`KOMEK_TRUSTED_PROXY_HEADER`), as behind a real proxy.

use komek_nlu::Lang;
use komek_tests::TestService;
use komek_tests::agent::{PASSWORD, agent};
use komek_tests::chat::{Customer, link_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PROXY_HEADER: &str = "x-forwarded-for";

async fn start(name: &str) -> TestService {
    TestService::start_with(name, |c| c.trusted_proxy_header = Some(PROXY_HEADER.into())).await
}

/// POSTs JSON from `address` (through the trusted header) with an optional bearer token.
async fn post_from(http: &reqwest::Client, url: &str, address: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut req = http.post(url).header(PROXY_HEADER, address).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    let (status, headers) = (r.status(), r.headers().clone());
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

/// A new widget session from `address`: `(session_id, token)`, or `None` when refused (429).
async fn session_from(service: &TestService, http: &reqwest::Client, address: &str) -> Option<(String, String)> {
    let (status, v, headers) = post_from(http, &service.url("/api/v1/chat/sessions"), address, None, &json!({"locale": "en"})).await;
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert!(headers.contains_key("retry-after"), "429 says when to come back");
        assert_eq!(v["error"]["code"], "rate_limited", "{v}");
        return None;
    }
    assert_eq!(status, StatusCode::CREATED, "{v}");
    Some((v["session_id"].as_str()?.to_string(), v["token"].as_str()?.to_string()))
}

/// Says `text` in a session; the bot's replies joined, or `None` when refused with 429.
async fn say(service: &TestService, http: &reqwest::Client, address: &str, (session, token): &(String, String), text: &str) -> Option<String> {
    let url = service.url(&format!("/api/v1/chat/sessions/{session}/messages"));
    let (status, v, _) = post_from(http, &url, address, Some(token), &json!({"text": text})).await;
    if status == StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    assert_eq!(status, StatusCode::OK, "{v}");
    let bot = v["messages"].as_array().unwrap().iter().filter(|m| m["role"] == "bot").map(|m| m["text"].as_str().unwrap_or_default().to_string());
    Some(bot.collect::<Vec<_>>().join("\n"))
}

fn random_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).unwrap();
    let code: String = bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % 32])).collect();
    format!("{}-{}", &code[..5], &code[5..])
}

/// The code space is 32^10 = 2^50; the old one was 10^6. An attacker from one address gets at most
/// a few hundred guesses judged before everything they try is refused — far below 1% of either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_code_guessing_stops_early() {
    let service = start("hostile-link-guess").await;
    let http = reqwest::Client::new();
    let victim = Customer::start(&service.base, Some("en")).await;
    let t = victim.say("/link").await;
    let code = link_code(&t.bot_text()).unwrap_or_else(|| panic!("a code: {}", t.bot_text()));
    assert_eq!(code.len(), 11, "ten characters and a dash: {code}");

    let attacker = "203.0.113.66";
    let (mut judged, mut sessions, mut refused_sessions) = (0usize, 0usize, 0usize);
    for _ in 0..200 {
        let Some(session) = session_from(&service, &http, attacker).await else {
            refused_sessions += 1;
            continue;
        };
        sessions += 1;
        for _ in 0..10 {
            let Some(reply) = say(&service, &http, attacker, &session, &format!("/link {}", random_code())).await else { break };
            if reply.contains("Too many attempts") {
                break;
            }
            assert!(reply.contains("didn't work"), "a wrong code is refused: {reply}");
            judged += 1;
        }
    }
    eprintln!("sessions {sessions}, refused sessions {refused_sessions}, guesses judged {judged}");
    assert!(refused_sessions > 0, "new sessions from one address are limited");
    assert!(judged <= sessions * 5, "at most five guesses per session");
    assert!((judged as f64) < 0.01 * 1e6, "below 1% of even the old six-digit space");
    assert!((judged as f64) < 0.01 * 2f64.powi(50));
    // The victim's code is untouched by wrong selectors and still asks the victim first.
    let other = Customer::start(&service.base, Some("en")).await;
    let t = other.say(&format!("/link {code}")).await;
    assert!(t.bot_text().contains("confirm in your other channel"), "{}", t.bot_text());
}

/// The right selector with wrong verifiers burns the code after three tries; the right code is
/// refused then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_is_burnt_after_three_wrong_tries() {
    let service = start("hostile-link-burn").await;
    let victim = Customer::start(&service.base, Some("en")).await;
    let code = link_code(&victim.say("/link").await.bot_text()).expect("a code");
    let attacker = Customer::start(&service.base, Some("en")).await;
    let selector = &code[..5];
    for wrong in ["22222", "33333", "44444"] {
        let wrong = if code.ends_with(wrong) { "55555" } else { wrong };
        let t = attacker.say(&format!("/link {selector}-{wrong}")).await;
        assert!(t.bot_text().contains("didn't work"), "{}", t.bot_text());
    }
    let me = Customer::start(&service.base, Some("en")).await;
    let t = me.say(&format!("/link {code}")).await;
    assert!(t.bot_text().contains("didn't work"), "burnt: {}", t.bot_text());
}

/// The right code joins nothing until the channel that made it says yes; a no joins nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_needs_a_yes_in_the_channel_that_made_the_code() {
    let service = start("hostile-link-confirm").await;
    let victim = Customer::start(&service.base, Some("en")).await;
    let code = link_code(&victim.say("/link").await.bot_text()).expect("a code");
    let attacker = Customer::start(&service.base, Some("en")).await;
    let t = attacker.say(&format!("/link {code}")).await;
    assert!(t.bot_text().contains("confirm in your other channel"), "{}", t.bot_text());
    let customer_of = |id: String| {
        let store = service.store().clone();
        async move { store.session(&id).await.unwrap().unwrap().customer_id }
    };
    assert_ne!(customer_of(victim.session_id.clone()).await, customer_of(attacker.session_id.clone()).await, "nothing joined yet");

    let (messages, _) = victim.history(None).await;
    let ask = messages.iter().rev().find(|m| m["buttons"].as_array().is_some_and(|b| b.iter().any(|b| b["id"] == "link_no"))).expect("the victim is asked");
    assert!(ask["text"].as_str().unwrap().contains("wants to join"), "{ask}");
    let t = victim.click("link_no", "No").await;
    assert!(t.bot_text().contains("not linked"), "{}", t.bot_text());
    assert_ne!(customer_of(victim.session_id.clone()).await, customer_of(attacker.session_id.clone()).await, "a no joins nothing");
    // The code is spent: presenting it again does nothing, and a late yes finds nothing to confirm.
    let t = attacker.say(&format!("/link {code}")).await;
    assert!(t.bot_text().contains("didn't work"), "{}", t.bot_text());
    let t = victim.click("link_yes", "Yes").await;
    assert!(t.bot_text().contains("didn't work"), "{}", t.bot_text());
    assert_ne!(customer_of(victim.session_id.clone()).await, customer_of(attacker.session_id.clone()).await);
}

async fn login_from(service: &TestService, http: &reqwest::Client, address: &str, username: &str, password: &str) -> StatusCode {
    let (status, v, headers) = post_from(http, &service.url("/api/v1/agent/login"), address, None, &json!({"username": username, "password": password})).await;
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert!(headers.contains_key("retry-after"), "{v}");
    }
    status
}

/// Padded and look-alike forms of a username share one limit (and one account); strangers who
/// exhaust it from their address do not lock the agent out of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn padded_and_lookalike_usernames_share_one_limit() {
    let service = start("hostile-login").await;
    agent(&service, "a3", &[Lang::En], "agent").await;
    let http = reqwest::Client::new();
    let stranger = "203.0.113.9";
    let variants = ["a3", " a3", "a3 ", "\ta3", "\u{a0}a3", "A3", "ａ３", " Ａ3\n"];
    let mut refused_at = None;
    for i in 0..30 {
        let status = login_from(&service, &http, stranger, variants[i % variants.len()], "wrong password").await;
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                refused_at = Some(i);
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused_at, Some(10), "every form counts against one limit");
    for v in variants {
        assert_eq!(login_from(&service, &http, stranger, v, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "{v:?} is the same name");
    }
    assert_eq!(login_from(&service, &http, "198.51.100.7", "a3", PASSWORD).await, StatusCode::OK, "the agent is not locked out");
    assert_eq!(login_from(&service, &http, "198.51.100.8", " Ａ3 ", PASSWORD).await, StatusCode::OK, "one form for lookup too");
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Reads until the server closes the socket; the close code.
async fn close_code(socket: &mut Socket) -> Option<u16> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    // Bounded: the server re-checks every 2 s; a minute means it never closes.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await.expect("the server closes the socket") {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

/// An agent's socket closes when they log out, and when their token expires; a customer's when
/// the session is erased.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_close_when_the_token_ends() {
    let service = TestService::start_with("hostile-socket-end", |c| c.agent_token_ttl_seconds = 4).await;
    let ws = |token: &str| format!("{}/api/v1/agent/ws?token={token}", service.base.replace("http://", "ws://"));
    let a1 = agent(&service, "a1", &[Lang::En], "agent").await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws(&a1.token)).await.unwrap();
    let r = a1.http.post(service.url("/api/v1/agent/logout")).bearer_auth(&a1.token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(close_code(&mut socket).await, Some(4001), "closed after logout");

    let a2 = agent(&service, "a2", &[Lang::En], "agent").await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws(&a2.token)).await.unwrap();
    assert_eq!(close_code(&mut socket).await, Some(4001), "closed when the token expired");
}

/// Every agent endpoint on a conversation × role (owner, another agent, supervisor, no token) ×
/// ownership (claimed, queued, never handed over).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_of_the_agent_api() {
    let service = TestService::start("hostile-authz").await;
    let a1 = agent(&service, "a1", &[Lang::En], "agent").await;
    let a2 = agent(&service, "a2", &[Lang::En], "agent").await;
    let sup = agent(&service, "sup", &[Lang::En], "supervisor").await;
    let handed = |text: &'static str| {
        let base = service.base.clone();
        async move {
            let c = Customer::start(&base, Some("en")).await;
            let t = c.say(text).await;
            assert_eq!(t.state, "waiting_agent", "handed over: {}", t.bot_text());
            c
        }
    };
    let handoff_of = |conversation: String| {
        let a = &a1;
        async move {
            let q = a.queue().await;
            q.iter().find(|h| h["conversation_id"] == conversation.as_str()).expect("queued")["id"].as_str().unwrap().to_string()
        }
    };
    let claimed = handed("I want to talk to a human").await;
    let h = handoff_of(claimed.conversation_id.clone()).await;
    let (s, v) = a1.post(&format!("/api/v1/agent/handoffs/{h}/claim"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = a2.post(&format!("/api/v1/agent/handoffs/{h}/claim"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "claimed already");
    let queued = handed("Let me speak to a person please").await;
    let never = Customer::start(&service.base, Some("en")).await;
    never.say("hello").await;

    let http = reqwest::Client::new();
    let none = |path: String, post: bool| {
        let (http, url) = (http.clone(), service.url(&path));
        async move {
            let r = if post { http.post(url).json(&json!({"text": "x"})).send().await } else { http.get(url).send().await };
            r.unwrap().status()
        }
    };
    use StatusCode as S;
    const OK: S = S::OK;
    const NO: S = S::FORBIDDEN;
    // (conversation, endpoint, [owner a1, other a2, supervisor])
    let cases: Vec<(&str, &Customer, &str, bool, [S; 3])> = vec![
        ("claimed", &claimed, "", false, [OK, NO, OK]),
        ("claimed", &claimed, "/messages", true, [OK, NO, NO]),
        ("claimed", &claimed, "/notes", true, [OK, NO, OK]),
        ("queued", &queued, "", false, [OK, OK, OK]),
        ("queued", &queued, "/messages", true, [NO, NO, NO]),
        ("queued", &queued, "/notes", true, [NO, NO, OK]),
        ("never", &never, "", false, [NO, NO, OK]),
        ("never", &never, "/messages", true, [NO, NO, NO]),
        ("never", &never, "/notes", true, [NO, NO, NO]),
        ("never", &never, "/release", true, [NO, NO, NO]),
        ("never", &never, "/close", true, [NO, NO, NO]),
    ];
    for (what, c, suffix, post, want) in cases {
        let path = format!("/api/v1/agent/conversations/{}{suffix}", c.conversation_id);
        for (who, expected) in [&a1, &a2, &sup].into_iter().zip(want) {
            let (s, v) = if post { who.post(&path, json!({"text": "a note or a reply"})).await } else { who.get(&path).await };
            assert_eq!(s, expected, "{} on {what} {path}: {v}", who.username);
            if s != OK {
                assert!(v["error"]["code"].is_string(), "errors are JSON: {v}");
            }
        }
        assert_eq!(none(path.clone(), post).await, S::UNAUTHORIZED, "no token on {path}");
    }
    // Finishing: another agent may not; the supervisor and the owner may.
    for action in ["release", "close"] {
        let path = format!("/api/v1/agent/conversations/{}/{action}", claimed.conversation_id);
        let (s, _) = a2.post(&path, json!({})).await;
        assert_eq!(s, NO, "a2 {action}");
        assert_eq!(none(path, true).await, S::UNAUTHORIZED);
    }
    let (s, v) = sup.post(&format!("/api/v1/agent/conversations/{}/release", claimed.conversation_id), json!({})).await;
    assert_eq!(s, OK, "{v}");
    // Supervisor-only endpoints.
    for path in ["/api/v1/agent/agents", "/api/v1/agent/analytics"] {
        assert_eq!(a1.get(path).await.0, NO, "{path}");
        assert_eq!(sup.get(path).await.0, OK, "{path}");
        assert_eq!(none(path.to_string(), false).await, S::UNAUTHORIZED, "{path}");
    }
}

/// Control characters give a JSON 400 on SQLite (tests/postgres.rs runs the same on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_give_400_on_sqlite() {
    let service = TestService::start("hostile-nul").await;
    komek_tests::hostile::control_characters_are_refused(&service).await;
}

/// Every error is JSON — axum's own too — and every answer says nosniff; pages carry a CSP that
/// no one may frame; metrics need the admin token; the database is the owner's only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_headers_and_files() {
    let service = TestService::start("hostile-headers").await;
    let http = reqwest::Client::new();
    let json_error = |what: &str, body: &str| {
        let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{what}: not JSON: {body:?}"));
        assert!(v["error"]["code"].is_string(), "{what}: {v}");
    };
    let r = http.post(service.url("/api/v1/nlu/parse")).header("content-type", "application/json").body(vec![b'x'; 70 * 1024]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    json_error("413", &r.text().await.unwrap());
    let r = http.delete(service.url("/api/v1/chat/sessions")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    json_error("405", &r.text().await.unwrap());
    let r = http.get(service.url("/api/v1/chat/sessions/%ff%fe/messages")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    json_error("bad UTF-8 path", &r.text().await.unwrap());
    for page in ["/", "/console"] {
        let r = http.get(service.url(page)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{page}: {csp}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{page}");
    }
    assert_eq!(http.get(service.url("/metrics")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let r = http.get(service.url("/metrics")).bearer_auth(komek_tests::ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = service.dir.as_ref().unwrap().path();
        for name in ["komek.db", "komek.db-wal", "komek.db-shm"] {
            let mode = std::fs::metadata(dir.join(name)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}: {mode:o}");
        }
    }
}

/// Order numbers work like tracking numbers; a walk through them from one address — over any
/// number of sessions — is stopped after a few, while another customer still gets their order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_through_order_numbers_is_stopped() {
    let service = start("hostile-order-walk").await;
    let http = reqwest::Client::new();
    let walker = "203.0.113.77";
    let (mut shown, mut limited) = (0usize, 0usize);
    for n in 1..=40u32 {
        let Some(session) = session_from(&service, &http, walker).await else { break };
        let reply = say(&service, &http, walker, &session, &format!("status of order {}", 100_000 + n)).await.expect("not rate limited");
        if reply.contains(&format!("{}", 100_000 + n)) {
            shown += 1;
        } else if reply.contains("can't look up more orders") {
            limited += 1;
        }
    }
    eprintln!("orders shown {shown}, refused {limited}");
    assert!(shown <= 10, "at most the burst of orders is shown to one address: {shown}");
    assert!(limited >= 25, "the rest is refused with a reason: {limited}");
    // Nor do orders found by a phone or e-mail, or whether a contact has any, leak past the limit.
    let session = session_from(&service, &http, walker).await.unwrap();
    let reply = say(&service, &http, walker, &session, "where is my order? my email is customer23@example.kz").await.unwrap();
    assert!(reply.contains("can't look up more orders"), "{reply}");
    // Someone else, and the walker's own earlier order, are not affected.
    let other = session_from(&service, &http, "198.51.100.20").await.unwrap();
    let reply = say(&service, &http, "198.51.100.20", &other, "where is my order 100017").await.unwrap();
    assert!(reply.contains("100017") && !reply.contains("can't look up"), "{reply}");
}

/// `KOMEK_METRICS_ADDR`: a second address serves `/metrics` (and nothing else) without a token,
/// while the public address still asks for the admin token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address() {
    let service = TestService::start_with("hostile-metrics", |c| c.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    let at = service.running.as_ref().unwrap().metrics_addr.expect("a metrics address");
    let http = reqwest::Client::new();
    Customer::start(&service.base, Some("en")).await.say("where is my order 100017").await;
    let r = http.get(format!("http://{at}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let text = r.text().await.unwrap();
    let line = text.lines().find(|l| l.starts_with("komek_customer_messages_total")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with(" 1"), "{line}");
    for other in ["/api/v1/chat/sessions", "/console", "/healthz"] {
        let r = http.get(format!("http://{at}{other}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{other}");
    }
    assert_eq!(http.get(service.url("/metrics")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// A fresh data folder is the owner's only, and the made admin token never had another mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_data_folder_and_token_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let db = root.path().join("data/komek.db");
    let config = komek::config::Config::local(format!("sqlite:{}", db.display()), komek_tests::models_dir());
    let running = komek::server::start(&config).await.expect("starts");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root.path().join("data")), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&root.path().join("data/admin-token")), 0o600);
    running.shutdown().await.unwrap();
}
