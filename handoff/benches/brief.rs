//! Policy decision + brief for a 50-message conversation, on the shipped content: p50/p99 in µs.
//! Run: `cargo bench -p komek-handoff --bench brief`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use komek_handoff::conversation::{Conversation, CustomerInfo, PastContact, Role, Signal, Turn};
use komek_handoff::texts::BriefTexts;
use komek_handoff::{Policy, build_brief};
use komek_nlu::emotion::{Emotion, EmotionLabel};

fn main() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content");
    let policy = Policy::from_toml(&std::fs::read_to_string(models.join("handoff-policy.toml")).unwrap()).unwrap();
    let texts = BriefTexts::from_toml(&std::fs::read_to_string(models.join("handoff/ru.toml")).unwrap()).unwrap();

    let intents = ["greeting", "order_status", "refund_status", "delivery_info", "return_request"];
    let mut turns = Vec::new();
    for i in 0..50 {
        let customer = i % 2 == 0;
        turns.push(Turn {
            at: i64::from(i) * 20_000,
            role: if customer { Role::Customer } else { Role::Bot },
            text: if customer { format!("Где мой заказ 1000{:02}? Уже неделю жду, сколько можно", i % 40) } else { "Заказ №100017 уже в пути! Ожидаемая дата доставки — 30 ноября 2026.".into() },
            intent: Some(intents[i as usize % intents.len()].into()),
            emotion: customer.then_some(Emotion { label: if i > 40 { EmotionLabel::Angry } else { EmotionLabel::Neutral }, score: 0.8 }),
            missed: false,
        });
    }
    let facts = BTreeMap::from([("order_id".to_string(), "100017".to_string()), ("phone".into(), "+77011234567".into())]);
    let customer = CustomerInfo { id: "u_1".into(), name: Some("Айгерим".into()), channels: vec!["web".into(), "telegram".into()], ..Default::default() };
    let past: Vec<PastContact> = (0..5)
        .map(|i| PastContact { conversation_id: format!("c_{i}"), started_at: 0, intents: vec!["order_status".into()], order_ids: vec!["100001".into()], handed_off: false })
        .collect();
    let signal = Signal {
        intent: "complaint",
        confidence: 0.9,
        out_of_scope: false,
        requests_person: false,
        sensitive: true,
        concerns_order: false,
        emotion: Emotion { label: EmotionLabel::Angry, score: 0.92 },
        order_id: None,
    };

    let run = || {
        let conv = Conversation { language: "ru", channel: "web", turns: &turns, facts: &facts, customer: &customer, past: &past, now: 1_000_000 };
        let esc = policy.decide(&conv, &signal).expect("escalates");
        let vip = policy.is_vip(&conv);
        build_brief(&conv, &esc, vip, &texts)
    };
    for _ in 0..2_000 {
        black_box(run());
    }
    let mut times = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let t = Instant::now();
        black_box(run());
        times.push(t.elapsed().as_nanos() as f64 / 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    // Baseline in the same run: cloning the 50 turns alone (the least any brief must do).
    let mut base = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let t = Instant::now();
        black_box(turns.clone());
        base.push(t.elapsed().as_nanos() as f64 / 1000.0);
    }
    base.sort_by(f64::total_cmp);
    println!(
        "policy decision + brief, 50 messages: p50 {:.1} µs, p99 {:.1} µs (baseline: cloning the turns p50 {:.1} µs)",
        pick(0.5),
        pick(0.99),
        base[base.len() / 2]
    );
}
