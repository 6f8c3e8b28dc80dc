//! Scoring a 50-message conversation (bot, handoff, an agent, a note, close, survey) on the shipped
//! `quality.toml`: p50/p99 in µs, beside a baseline measured in the same run (cloning the steps,
//! the least any scoring must touch). Run: `cargo bench -p komek-handoff --bench quality`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use komek_handoff::policy::Reason;
use komek_handoff::quality::{Context, QualityConfig, Step, What, score};
use komek_nlu::Lang;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/quality.toml");
    let config = QualityConfig::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut steps = Vec::new();
    let mut push = |what: What| {
        let id = steps.len() as i64 + 1;
        steps.push(Step { id, at: 1_000_000 + id * 15_000, what });
    };
    // 20 messages with the bot, the handoff, then 30 with an agent.
    for i in 0..10 {
        push(What::Customer {
            text: format!("Где мой заказ 1000{i:02}? Уже неделю жду, сколько можно"),
            lang: Some(Lang::Ru),
            intent: Some(if i % 3 == 0 { "order_status" } else { "delivery_info" }.into()),
            upset: i > 6,
            wants_person: i == 9,
            button: None,
        });
        if i == 2 {
            push(What::Fact { name: "order_id".into() });
        }
        push(What::Bot { key: if i % 4 == 0 { "oos" } else { "order_status.shipped" }.into(), text: "Заказ №100017 уже в пути! Ожидаемая дата доставки — 30 ноября.".into(), lang: Lang::Ru, asks: None, proactive: false });
    }
    push(What::Handoff { reason: Reason::CustomerRequest });
    push(What::Joined { agent: "aigerim".into() });
    push(What::Note { text: "Клиент раздражён, курьер опаздывает второй раз, предложить промокод".into() });
    for i in 0..15 {
        push(What::Agent { text: "Понимаю вас, извините за задержку. Сейчас уточню у курьера и вернусь с ответом.".into(), lang: Some(Lang::Ru), agent: "aigerim".into() });
        push(What::Customer { text: format!("Хорошо, жду {i}"), lang: Some(Lang::Ru), intent: None, upset: false, wants_person: false, button: None });
    }
    push(What::Closed { reason: "agent_closed".into(), while_waiting: false });
    push(What::Bot { key: "survey.ces".into(), text: "Оцените".into(), lang: Lang::Ru, asks: None, proactive: false });
    push(What::Survey { question: "ces".into(), score: 5 });
    let messages = steps.iter().filter(|s| matches!(s.what, What::Customer { .. } | What::Bot { .. } | What::Agent { .. })).count();
    let context = Context { channel: "web".into(), lang: Some(Lang::Ru), now: 10_000_000, ..Default::default() };

    for _ in 0..2_000 {
        black_box(score(black_box(&steps), &context, &config));
    }
    let measure = |f: &dyn Fn()| {
        let mut times = Vec::with_capacity(20_000);
        for _ in 0..20_000 {
            let t = Instant::now();
            f();
            times.push(t.elapsed().as_nanos() as f64 / 1000.0);
        }
        times.sort_by(f64::total_cmp);
        (times[times.len() / 2], times[(times.len() - 1) * 99 / 100])
    };
    let (p50, p99) = measure(&|| {
        black_box(score(black_box(&steps), &context, &config));
    });
    let (b50, b99) = measure(&|| {
        black_box(black_box(&steps).clone());
    });
    println!(
        "quality scorecard + effort, {messages} messages ({} steps): p50 {p50:.1} µs, p99 {p99:.1} µs (baseline: cloning the steps p50 {b50:.1} µs, p99 {b99:.1} µs)",
        steps.len()
    );
}
