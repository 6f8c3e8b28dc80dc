//! The intent model: reproducible training, faithful save/load, content validation, and the shipped
//! model on text written apart from its training content.

use std::path::{Path, PathBuf};

use komek_nlu::content::Content;
use komek_nlu::eval::read_jsonl;
use komek_nlu::intent::{IntentModel, NgramConfig, TrainConfig, artifacts};
use komek_nlu::lang::Lang;
use komek_nlu::{Nlu, NluError};

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn tests_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("komek-intent-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn small_config() -> TrainConfig {
    TrainConfig { epochs: 3, batch_size: 16, learning_rate: 0.01, hidden: 16, members: 2, ..TrainConfig::default() }
}

fn train_small() -> IntentModel {
    let content = Content::load(&models_dir().join("content")).unwrap();
    IntentModel::train(&content.training_data(), NgramConfig::default(), &small_config(), &mut |_, _| {}).unwrap()
}

#[test]
fn training_is_deterministic() {
    let a = train_small();
    let b = train_small();
    assert_eq!(a.labels, b.labels);
    assert_eq!(a.heads, b.heads, "same data and seed must give the same weights");
    let other_seed = {
        let content = Content::load(&models_dir().join("content")).unwrap();
        let cfg = TrainConfig { seed: 99, ..small_config() };
        IntentModel::train(&content.training_data(), NgramConfig::default(), &cfg, &mut |_, _| {}).unwrap()
    };
    assert_ne!(a.heads, other_seed.heads, "the seed matters");
}

#[test]
fn save_and_load_give_identical_predictions() {
    let mut model = train_small();
    model.round_to_f16();
    model.temperature = 1.3;
    model.oos_threshold = 0.2;
    let dir = temp_dir("roundtrip");
    artifacts::save(&model, &dir, "test-key").unwrap();
    let (loaded, config) = artifacts::load(&dir).unwrap();
    assert_eq!(config.content_hash, "test-key");
    assert_eq!((loaded.temperature, loaded.oos_threshold), (1.3, 0.2));
    for ex in read_jsonl(&tests_data("heldout_intents.jsonl")).unwrap() {
        assert_eq!(model.predict(&ex.text), loaded.predict(&ex.text), "{}", ex.text);
    }
    // A damaged artifact is a clear error, not a panic.
    std::fs::write(dir.join(artifacts::WEIGHTS_FILE), b"not safetensors").unwrap();
    assert!(matches!(artifacts::load(&dir), Err(NluError::Model(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn content_with(examples_ru: &str) -> Result<Content, NluError> {
    let dir = temp_dir(&format!("content-{}", examples_ru.len()));
    std::fs::write(dir.join("intents.toml"), "[greeting]\n[oos]\n").unwrap();
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("examples/ru.toml"), examples_ru).unwrap();
    Content::load(&dir)
}

#[test]
fn content_validation_names_the_problem() {
    let ok = content_with("lang = \"ru\"\n[intents]\ngreeting = [\"привет\"]\noos = [\"погода\"]\n").unwrap();
    assert_eq!(ok.examples.len(), 2);
    let err = |text: &str| content_with(text).unwrap_err().to_string();
    assert!(err("lang = \"ru\"\n[intents]\nfarewell = [\"пока\"]\n").contains("unknown intent \"farewell\""));
    assert!(err("lang = \"ru\"\n[intents]\ngreeting = [\"привет\", \"  \"]\n").contains("example 2 is empty"));
    assert!(err("lang = \"ru\"\n[intents]\ngreeting = [\"Привет\", \"привет \"]\n").contains("duplicate example"));
    assert!(err("lang = \"xx\"\n[intents]\ngreeting = [\"hi\"]\n").contains("unsupported language"));
    assert!(err("lang = \"en\"\n[intents]\ngreeting = [\"hi\"]\n").contains("must be named en.toml"));
    assert!(err("lang = \"ru\"\n[intents\n").contains("ru.toml"));
}

fn shipped() -> Nlu {
    Nlu::load(&models_dir(), &Lang::ALL).expect("shipped model (run `komek train` after changing content)")
}

#[test]
fn shipped_model_understands_held_out_messages() {
    let nlu = shipped();
    let examples = read_jsonl(&tests_data("heldout_intents.jsonl")).unwrap();
    assert!(examples.len() >= 150);
    let correct = examples.iter().filter(|e| nlu.parse(&e.text, None).intent.name == *e.intent.as_ref().unwrap()).count();
    let accuracy = correct as f64 / examples.len() as f64;
    assert!(accuracy >= 0.9, "held-out accuracy {accuracy:.3}");
}

#[test]
fn a_request_for_a_person_escalates_in_every_language() {
    let nlu = shipped();
    let examples = read_jsonl(&tests_data("human_requests.jsonl")).unwrap();
    for lang in Lang::ALL {
        let n = examples.iter().filter(|e| e.lang.as_deref() == Some(lang.code())).count();
        assert!(n >= 5, "{lang}: only {n} phrasings");
    }
    for e in &examples {
        let p = nlu.parse(&e.text, None);
        assert_eq!(p.intent.name, "human_agent", "{}", e.text);
        assert!(p.escalate.needed, "{}", e.text);
    }
}

#[test]
fn bad_input_is_parsed_without_panicking() {
    let nlu = shipped();
    let huge = "где мой заказ ".repeat(100_000);
    let binaryish: String = (0u32..2000).filter_map(|i| char::from_u32(i * 37 % 0x3000)).collect();
    for text in ["", "   ", "\u{0}\u{1}\u{2}", "👍", &huge, &binaryish, "<script>alert(1)</script>", "'; DROP TABLE x; --"] {
        let p = nlu.parse(text, Some(Lang::Kk));
        assert!(p.intent.confidence.is_finite());
        assert!(!p.ranking.is_empty());
    }
    assert_eq!(nlu.parse("", Some(Lang::Kk)).lang.code, Lang::Kk);
}
