//! `komek quality backfill` of 100,000 stored conversations on SQLite: wall time, conversations per
//! second and the process's peak memory, beside a baseline measured in the same run (reading and
//! decoding every event of the same log, the least any backfill must do).
//!
//! The log is written first through the service's own store (its writer, real event payloads with
//! real parses): per conversation a start, 2–4 customer messages with their parses and language
//! decisions, bot answers, an order-number fact; every third goes to an agent (handoff, claim, agent
//! messages, a note, close, survey); every customer has one to three conversations in a fortnight.
//!
//! ```text
//! cargo build --release -p komek
//! cargo bench -p komek-tests --bench quality_backfill -- [--conversations 100000]
//! ```

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use komek::channel::Channel;
use komek::events::{Awaiting, ConvState, EventBody};
use komek::store::{ConversationWrite, Store, Write};
use komek_handoff::Reason;
use komek_nlu::Lang;
use komek_nlu::lang::{ConversationLanguage, Switch};

const DAY_MS: i64 = 86_400_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.iter().position(|a| a == "--conversations").and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let komek = std::env::var("KOMEK_BIN").map(PathBuf::from).unwrap_or_else(|_| target.join("release/komek"));
    assert!(komek.exists(), "build the release binary first: cargo build --release -p komek ({})", komek.display());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("komek.db").display());
    let models = komek_tests::models_dir();

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (events, wrote) = runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let nlu = komek_nlu::Nlu::load(&models, &Lang::ALL).unwrap();
        let started = Instant::now();
        let events = generate(&store, &nlu, n).await;
        (events, started.elapsed())
    });
    println!("wrote {n} conversations ({events} events) in {:.1}s", wrote.as_secs_f64());

    // Baseline: read and decode the whole log once.
    let baseline = runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let started = Instant::now();
        let rows: Vec<(String,)> = sqlx::query_as("SELECT payload FROM events ORDER BY id").fetch_all(&store.pool).await.unwrap();
        let decoded = rows.iter().filter(|(p,)| serde_json::from_str::<EventBody>(p).is_ok()).count();
        assert_eq!(decoded, rows.len());
        started.elapsed()
    });

    let started = Instant::now();
    let mut child = Command::new(&komek)
        .args(["quality", "backfill", "--database-url", &url, "--models"])
        .arg(&models)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak_kib = 0;
    while child.try_wait().unwrap().is_none() {
        peak_kib = peak_kib.max(status_kib(child.id(), "VmHWM:").unwrap_or(0)).max(status_kib(child.id(), "VmRSS:").unwrap_or(0));
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = started.elapsed();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "backfill failed");
    let said = String::from_utf8_lossy(&out.stdout);
    let scored: usize = runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM quality").fetch_one(&store.pool).await.unwrap() as usize
    });
    println!("{}", said.trim());
    println!(
        "quality backfill: {scored} of {n} conversations scored in {:.1}s ({:.0} conversations/s, including loading the models), peak RSS {:.0} MiB; baseline in the same run: reading and decoding all {events} events {:.1}s",
        took.as_secs_f64(),
        scored as f64 / took.as_secs_f64(),
        peak_kib as f64 / 1024.0,
        baseline.as_secs_f64()
    );
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

/// Writes `n` conversations through the store's writer, a thousand at a time; returns the events.
async fn generate(store: &Store, nlu: &komek_nlu::Nlu, n: usize) -> usize {
    let texts = [
        ("Где мой заказ 100003? Уже неделю жду", Lang::Ru),
        ("Тапсырысым 100003 қашан келеді?", Lang::Kk),
        ("Where is my order 100003? It has been a week", Lang::En),
        ("Какие у вас способы оплаты?", Lang::Ru),
        ("Это безобразие, позовите оператора!", Lang::Ru),
        ("Спасибо, до свидания", Lang::Ru),
    ];
    let parses: Vec<_> = texts.iter().map(|(t, l)| (t.to_string(), *l, Box::new(nlu.parse(t, Some(*l))))).collect();
    let now = komek::clock::now_ms();
    let start = now - 30 * DAY_MS;
    let mut events = 0;
    let mut batch: Vec<Write> = Vec::new();
    for i in 0..n {
        let customer = format!("u_{}", i / 2);
        let id = format!("c_{i:08}");
        let at = start + (i as i64 * 25 * DAY_MS) / n as i64;
        let lang = parses[i % 3].1;
        batch.push(ConversationWrite::Conversation { id: id.clone(), customer_id: customer, session_id: None, channel: if i % 4 == 0 { Channel::Telegram } else { Channel::Web }, at }.into());
        let mut t = at;
        let mut ev = |body: EventBody, actor: &str| {
            t += 2_000;
            events += 1;
            ConversationWrite::Event { conversation_id: id.clone(), actor: actor.into(), body, at: t }.into()
        };
        let mut push = |w: Write| batch.push(w);
        push(ev(EventBody::ConversationStarted { channel: "web".into(), locale: Some(lang.code().into()) }, "customer"));
        let turns = 2 + i % 3;
        for k in 0..turns {
            let (text, l, parse) = &parses[(i + k) % 4];
            push(ev(EventBody::CustomerMessage { text: text.clone(), lang: *l, button: None, attachment: None }, "customer"));
            push(ev(EventBody::Parse { parse: parse.clone() }, "nlu"));
            push(ev(EventBody::Language { state: ConversationLanguage::new(*l, None), reason: Switch::Kept }, "system"));
            if k == 0 {
                push(ev(EventBody::Fact { name: "order_id".into(), value: "100003".into() }, "customer"));
            }
            push(ev(
                EventBody::BotMessage {
                    text: "Заказ №100003 уже в пути! Ожидаемая дата доставки — 5 декабря.".into(),
                    lang: *l,
                    key: if k == 1 { "ask_order_id".into() } else { "order_status.shipped".into() },
                    intent: Some("order_status".into()),
                    buttons: Vec::new(),
                    awaiting: (k == 1).then(|| Awaiting { intent: "order_status".into(), slot: "order_id".into() }),
                    proactive: false,
                },
                "bot",
            ));
        }
        if i % 3 == 0 {
            push(ev(EventBody::HandoffRequested { handoff_id: format!("h_{i}"), reason: Reason::CustomerRequest, rule: "explicit_request".into(), priority: 50 }, "bot"));
            push(ev(EventBody::StateChanged { from: ConvState::Bot, to: ConvState::WaitingAgent, reason: "customer_request".into() }, "bot"));
            push(ev(EventBody::AgentJoined { handoff_id: format!("h_{i}"), agent: "aigerim".into(), agent_id: "a_1".into() }, "system"));
            push(ev(EventBody::StateChanged { from: ConvState::WaitingAgent, to: ConvState::WithAgent, reason: "agent_claimed".into() }, "system"));
            push(ev(EventBody::AgentMessage { text: "Здравствуйте! Извините за ожидание, заказ 100003 привезут завтра.".into(), lang, agent: "aigerim".into() }, "agent:aigerim"));
            push(ev(EventBody::Note { text: "Клиент ждёт вторую неделю, курьер предупреждён, промокод не нужен".into(), agent: "aigerim".into() }, "agent:aigerim"));
            push(ev(EventBody::AgentMessage { text: "Могу ещё чем-то помочь?".into(), lang, agent: "aigerim".into() }, "agent:aigerim"));
            push(ev(EventBody::StateChanged { from: ConvState::WithAgent, to: ConvState::Closed, reason: "agent_closed".into() }, "system"));
            push(ev(EventBody::BotMessage { text: "Оцените, пожалуйста".into(), lang, key: "survey.ces".into(), intent: None, buttons: Vec::new(), awaiting: None, proactive: false }, "bot"));
            push(ev(EventBody::SurveyAnswer { question: "ces".into(), score: 6 }, "customer"));
        } else {
            push(ev(EventBody::StateChanged { from: ConvState::Bot, to: ConvState::Closed, reason: "customer_goodbye".into() }, "bot"));
        }
        batch.push(ConversationWrite::State { conversation_id: id.clone(), state: ConvState::Closed, at: t }.into());
        if batch.len() >= 20_000 || i + 1 == n {
            store.writer.write(std::mem::take(&mut batch)).await.unwrap();
        }
    }
    events
}
