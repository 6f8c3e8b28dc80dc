//! Conversations the way customers write them, run against the real service: the journey set
//! (tests/data/journeys, ≥ 10 per language), noise (markup, code, mash, emoji, spam, chit-chat,
//! languages the bot does not speak) and emotion in chat messages. Each prints its figures; each
//! fails when its figure falls below the floor measured when it was last raised (FLOORS below), so
//! a change that makes the bot worse for customers does not land.
//!
//! `KOMEK_JOURNEYS=<folder>` runs another journey set (e.g. tests/data/journeys-dev while tuning,
//! or a hidden set) and prints the same report.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::Deserialize;

use komek_nlu::Nlu;
use komek_nlu::emotion::EmotionLabel;
use komek_nlu::eval::{evaluate_emotions, read_jsonl};
use komek_tests::TestService;
use komek_tests::chat::Customer;
use komek_tests::journeys::{Journey, Outcome, play, read_journeys};

/// The figures this tree reaches (raise them when the bot gets better; never lower them to land).
mod floors {
    /// Share of the acceptance journeys that pass.
    pub const JOURNEY_PASS_RATE: f64 = 0.93;
    /// Share of customer turns answered with a clarification (at most).
    pub const CLARIFY_SHARE: f64 = 0.10;
    /// Noise lines handled as expected (of 214).
    pub const NOISE_CORRECT: usize = 175;
    /// Negative-emotion F1 on the chat emotion set.
    pub const NEGATIVE_F1: f64 = 0.85;
}

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(path)
}

const PARALLEL: usize = 8;

/// Hundreds of customers, each from an address of their own as a proxy reports it.
fn behind_proxy(config: &mut komek::config::Config) {
    config.trusted_proxy_header = Some(komek_tests::chat::FORWARDED_FOR.into());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn journeys_in_all_languages() {
    // `KOMEK_JOURNEYS` plays another set (the development one) with the same floors.
    let other = std::env::var_os("KOMEK_JOURNEYS").map(PathBuf::from);
    let dir = other.clone().unwrap_or_else(|| data("journeys"));
    let journeys = read_journeys(&dir);
    assert!(other.is_some() || journeys.len() >= 200, "{} journeys in {}", journeys.len(), dir.display());
    let service = TestService::start_with("journeys", behind_proxy).await;
    let outcomes: Vec<Outcome> = futures_util::stream::iter(&journeys).map(|j| play(&service, j)).buffered(PARALLEL).collect().await;
    service.stop().await;

    let report = Report::of(&journeys, &outcomes);
    println!("{}", report.text);
    assert!(
        report.pass_rate >= floors::JOURNEY_PASS_RATE,
        "journeys: pass rate {:.1}% below the floor {:.1}%",
        report.pass_rate * 100.0,
        floors::JOURNEY_PASS_RATE * 100.0
    );
    assert!(report.clarify_share <= floors::CLARIFY_SHARE, "clarifications on {:.1}% of customer turns", report.clarify_share * 100.0);
}

struct Report {
    pass_rate: f64,
    clarify_share: f64,
    text: String,
}

impl Report {
    fn of(journeys: &[Journey], outcomes: &[Outcome]) -> Report {
        use std::fmt::Write;
        let passed = outcomes.iter().filter(|o| o.failures.is_empty()).count();
        let turns: usize = outcomes.iter().map(|o| o.customer_turns).sum();
        let clarified: usize = outcomes.iter().map(|o| o.clarifications).sum();
        let answered: Vec<usize> = outcomes.iter().flat_map(|o| o.turns_to_answer.iter().copied()).collect();
        let mut text = String::new();
        let pass_rate = passed as f64 / outcomes.len() as f64;
        let clarify_share = clarified as f64 / turns.max(1) as f64;
        let _ = writeln!(
            text,
            "journeys: {passed}/{} passed ({:.1}%); clarifications on {clarified}/{turns} customer turns ({:.1}%); \
             mean customer turns from asking to the answer {:.2} over {} answered requests",
            outcomes.len(),
            pass_rate * 100.0,
            clarify_share * 100.0,
            answered.iter().sum::<usize>() as f64 / answered.len().max(1) as f64,
            answered.len()
        );
        let mut langs: Vec<&str> = journeys.iter().map(|j| j.lang.as_str()).collect();
        langs.sort();
        langs.dedup();
        let by_lang: Vec<String> = langs
            .iter()
            .map(|l| {
                let of: Vec<&Outcome> = journeys.iter().zip(outcomes).filter(|(j, _)| j.lang == *l).map(|(_, o)| o).collect();
                format!("{l} {}/{}", of.iter().filter(|o| o.failures.is_empty()).count(), of.len())
            })
            .collect();
        let _ = writeln!(text, "by language: {}", by_lang.join(", "));
        for (j, o) in journeys.iter().zip(outcomes).filter(|(_, o)| !o.failures.is_empty()) {
            let _ = writeln!(text, "FAILED {} [{}] {}", o.id, j.tags.join(","), j.about);
            for f in &o.failures {
                let _ = writeln!(text, "    {f}");
            }
            for (n, (line, seen)) in o.transcript.iter().enumerate() {
                let replies: Vec<String> = seen
                    .replies
                    .iter()
                    .map(|r| format!("{}[{}{}] {}", r.key, r.lang, r.awaiting_slot.as_deref().map(|s| format!(" awaits {s}")).unwrap_or_default(), one_line(&r.text)))
                    .collect();
                let _ = writeln!(text, "    {}> {line}\n        < {} ({})", n + 1, replies.join("\n        < "), seen.state);
            }
        }
        Report { pass_rate, clarify_share, text }
    }
}

fn one_line(s: &str) -> String {
    let s = s.replace('\n', " ⏎ ");
    if s.chars().count() > 110 { format!("{}…", s.chars().take(110).collect::<String>()) } else { s }
}

#[derive(Deserialize)]
struct Noise {
    text: String,
    kind: String,
    context_lang: String,
    expect: String,
}

/// Markup, code, keyboard mash, emoji, spam, chit-chat and languages the bot does not speak: never
/// a person unless asked for or upset, never a goodbye, always an honest answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn noise_gets_an_honest_answer() {
    let lines: Vec<Noise> = std::fs::read_to_string(data("noise.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let service = TestService::start_with("noise", behind_proxy).await;
    let verdicts: Vec<Option<String>> =
        futures_util::stream::iter(&lines).map(|n| noise_verdict(&service, n)).buffered(PARALLEL).collect().await;
    service.stop().await;
    let correct = verdicts.iter().filter(|v| v.is_none()).count();
    println!("noise: {correct}/{} handled as expected", lines.len());
    let mut by_kind: Vec<(&str, usize, usize)> = Vec::new();
    for (n, v) in lines.iter().zip(&verdicts) {
        match by_kind.iter_mut().find(|(k, _, _)| *k == n.kind) {
            Some(e) => {
                e.1 += v.is_none() as usize;
                e.2 += 1;
            }
            None => by_kind.push((&n.kind, v.is_none() as usize, 1)),
        }
        if let Some(why) = v {
            println!("    {} {:?} ({}): {why}", n.kind, n.text, n.context_lang);
        }
    }
    println!("by kind: {}", by_kind.iter().map(|(k, c, t)| format!("{k} {c}/{t}")).collect::<Vec<_>>().join(", "));
    assert!(correct >= floors::NOISE_CORRECT, "noise: {correct} handled as expected, floor {}", floors::NOISE_CORRECT);
}

async fn noise_verdict(service: &TestService, n: &Noise) -> Option<String> {
    let customer = Customer::start_from(&service.base, Some(&n.context_lang)).await;
    let events = customer.say(&n.text).await;
    let handed = events.state == "waiting_agent" || events.state == "with_agent";
    let replies = service.store().session_events_of(&customer.session_id, 0, &[komek::events::EventKind::BotMessage]).await.unwrap();
    let keys: Vec<String> = replies
        .iter()
        .filter_map(|e| match &e.body {
            komek::events::EventBody::BotMessage { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect();
    let has = |k: &[&str]| keys.iter().any(|key| k.contains(&key.as_str()));
    let ok = match n.expect.as_str() {
        "handoff" => handed,
        _ if handed => false,
        _ if events.state == "closed" => false,
        // "Sorry, I didn't understand, or I can't help with that here — here is what I can do" is
        // an honest clarification too.
        "clarify" => has(&["clarify", "clarify_noise", "oos", "oos_again"]),
        "oos" => has(&["oos", "oos_again", "clarify_noise"]),
        "unsupported_lang" => has(&["unsupported_language"]),
        "ack" => has(&["ack", "thanks", "greeting"]),
        other => panic!("unknown noise expectation {other}"),
    };
    (!ok).then(|| format!("expected {}, got {} ({})", n.expect, keys.join(", "), events.state))
}

#[derive(Deserialize)]
struct EmotionLine {
    text: String,
    emotion: String,
    #[serde(default)]
    person_request: bool,
}

/// Negative emotion in chat messages written the way customers write (all languages), and polite
/// requests for a person never read as anger.
#[test]
fn negative_emotion_in_chat() {
    let nlu = Nlu::load(&komek_tests::models_dir(), &komek_nlu::Lang::ALL).expect("models load");
    let path = data("chat_emotion.jsonl");
    let examples = read_jsonl(&path).unwrap();
    let report = evaluate_emotions(&examples, |t| nlu.parse(t, None).emotion.label);
    println!(
        "chat emotion: n={} negative F1 {:.3} (P {:.3}, R {:.3})",
        report.n, report.negative_f1, report.negative_precision, report.negative_recall
    );
    let lines: Vec<EmotionLine> =
        std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    let polite_but_angry: Vec<&str> = lines
        .iter()
        .filter(|l| l.person_request && l.emotion == "neutral")
        .filter(|l| nlu.parse(&l.text, None).emotion.label == EmotionLabel::Angry)
        .map(|l| l.text.as_str())
        .collect();
    assert!(polite_but_angry.is_empty(), "polite requests for a person read as angry: {polite_but_angry:?}");
    assert!(report.negative_f1 >= floors::NEGATIVE_F1, "negative-emotion F1 {:.3} below the floor {}", report.negative_f1, floors::NEGATIVE_F1);
}

/// The test sets are not the training content: no journey turn, noise, held-out or emotion line is
/// written verbatim (ignoring case, spaces and end punctuation) in models/content. Lines of one or
/// two words are exempt: "ok", "👌", "assalomu alaykum" are a closed vocabulary the content has to
/// list (acknowledgements, greetings), not examples learnt by heart.
#[test]
fn no_test_line_is_in_the_content() {
    let mut content = HashSet::new();
    collect_content(&komek_tests::models_dir().join("content"), &mut content);
    assert!(content.len() > 1000, "read {} strings from models/content", content.len());
    let mut lines: Vec<String> = Vec::new();
    for j in read_journeys(&data("journeys")) {
        lines.extend(j.turns.iter().filter_map(|t| t.say.clone()));
    }
    for file in ["noise.jsonl", "chat_emotion.jsonl", "heldout_intents.jsonl", "human_requests.jsonl", "emotion_messages.jsonl"] {
        for l in std::fs::read_to_string(data(file)).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            lines.push(v["text"].as_str().unwrap().to_string());
        }
    }
    let found: Vec<&String> =
        lines.iter().filter(|l| normalise(l).split_whitespace().count() > 2 && content.contains(&normalise(l))).collect();
    assert!(found.is_empty(), "{} test lines are written verbatim in models/content: {found:?}", found.len());
}

fn normalise(s: &str) -> String {
    let s = s.to_lowercase();
    let s = s.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || "？！。，،؟".contains(c)).trim();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect_content(dir: &Path, out: &mut HashSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_content(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => {
                let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                collect_toml(&value, out);
            }
            // Fluent: the text of each message (after `key =`) and of each variant.
            Some("ftl") => {
                for line in text.lines() {
                    let text = line.split_once(" = ").map_or(line, |(_, t)| t);
                    let text = text.trim_start_matches([' ', '*']).trim();
                    let text = text.split_once("] ").filter(|_| text.starts_with('[')).map_or(text, |(_, t)| t);
                    out.insert(normalise(text));
                }
            }
            _ => {}
        }
    }
}

fn collect_toml(value: &toml::Value, out: &mut HashSet<String>) {
    match value {
        toml::Value::String(s) => {
            out.insert(normalise(s));
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_toml(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| collect_toml(v, out)),
        _ => {}
    }
}
