//! NLU speed: parse latency (language + intent + emotion + entities), model load time, artifact
//! size, and intent training time on banking77 beside the reference baseline's.
//!
//!     cargo bench -p komek-nlu --bench parse [-- --data ../shared/data]
//!
//! Parse latency: every message of tests/data/*.jsonl, 20 rounds, one at a time on one thread.

use std::path::{Path, PathBuf};
use std::time::Instant;

use komek_nlu::eval::{percentiles, read_jsonl};
use komek_nlu::intent::{IntentModel, Labelled, NgramConfig};
use komek_nlu::lang::Lang;
use komek_nlu::Nlu;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().collect();
    let data = args.iter().position(|a| a == "--data").and_then(|i| args.get(i + 1)).map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));

    let started = Instant::now();
    let nlu = Nlu::load(&root.join("models"), &Lang::ALL).expect("load models (run `komek train`)");
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let size: u64 = std::fs::read_dir(root.join("models/intent")).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("load: {load_ms:.1} ms (content, cues, intent artifacts {:.1} MB, language tables)", size as f64 / 1e6);

    let mut texts = Vec::new();
    for f in ["heldout_intents.jsonl", "human_requests.jsonl", "emotion_messages.jsonl"] {
        texts.extend(read_jsonl(&root.join("tests/data").join(f)).unwrap().into_iter().map(|e| e.text));
    }
    for t in &texts {
        std::hint::black_box(nlu.parse(t, None));
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        for t in &texts {
            let s = Instant::now();
            std::hint::black_box(nlu.parse(t, None));
            times.push(s.elapsed().as_secs_f64() * 1e6);
        }
    }
    let (p50, p99) = percentiles(&mut times);
    println!("parse: {} messages x 20: p50 {p50:.1} µs, p99 {p99:.1} µs", texts.len());
    for (name, f) in [
        ("  language", &(|t: &str| _ = std::hint::black_box(nlu.detector.detect(t))) as &dyn Fn(&str)),
        ("  intent", &|t: &str| _ = std::hint::black_box(nlu.intents.predict(t))),
        ("  emotion model", &|t: &str| _ = std::hint::black_box(nlu.emotion.as_ref().map(|m| m.predict(t)))),
        ("  form", &|t: &str| _ = std::hint::black_box(komek_nlu::form::form_of(t))),
        ("  entities", &|t: &str| _ = std::hint::black_box(nlu.entities.extract(t))),
        ("  cues", &|t: &str| _ = std::hint::black_box(nlu.cues.hits(t))),
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            for t in &texts {
                let s = Instant::now();
                f(t);
                times.push(s.elapsed().as_secs_f64() * 1e6);
            }
        }
        let (p50, p99) = percentiles(&mut times);
        println!("{name}: p50 {p50:.1} µs, p99 {p99:.1} µs");
    }

    let banking = data.join("banking77/train.jsonl");
    if banking.exists() {
        let train: Vec<Labelled> = read_jsonl(&banking).unwrap().into_iter()
            .filter_map(|e| e.intent.map(|label| Labelled { text: e.text, label })).collect();
        let s = Instant::now();
        let _ = IntentModel::train(&train, NgramConfig::default(), &komek_nlu::intent::shipped::public_benchmark_config(train.len()), &mut |_, _| {}).unwrap();
        println!("training on banking77 ({} examples, benchmark settings): {:.1} s", train.len(), s.elapsed().as_secs_f64());
    } else {
        println!("({} not found: training time skipped)", banking.display());
    }
}
