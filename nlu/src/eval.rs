//! Evaluation data (JSONL, one object per line) and metrics shared by the `komek nlu eval-*` commands.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::NluError;
use crate::lang::{Lang, LanguageDetector};

/// One line of an evaluation file: `{"text", "lang", "intent"?, "kind"?}`; other fields are ignored.
#[derive(Clone, Debug, Deserialize)]
pub struct Example {
    pub text: String,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// Emotion datasets: a label list (GoEmotions, XED) or "-1"/"0"/"1" (SentiRuEval).
    #[serde(default)]
    pub label: Option<Value>,
    /// Komek's own emotion test data: angry, upset, neutral or positive.
    #[serde(default)]
    pub emotion: Option<String>,
    /// XED's provenance ("annotated", "projection", ...).
    #[serde(default)]
    pub source: Option<String>,
}

/// The four-way emotion of an example from any of the supported emotion datasets, or `None` when
/// its labels do not map (e.g. only "surprise").
pub fn emotion_gold(ex: &Example) -> Option<crate::emotion::EmotionLabel> {
    use crate::emotion::EmotionLabel::*;
    if let Some(e) = &ex.emotion {
        return serde_json::from_value(Value::String(e.clone())).ok();
    }
    match ex.label.as_ref()? {
        Value::String(s) => match s.as_str() {
            "-1" => Some(Angry),
            "0" => Some(Neutral),
            "1" => Some(Positive),
            _ => None,
        },
        Value::Array(items) => {
            let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            let any = |set: &[&str]| names.iter().any(|n| set.contains(n));
            if any(&["anger", "annoyance", "disgust", "disapproval"]) {
                Some(Angry)
            } else if any(&["sadness", "grief", "disappointment", "fear", "nervousness", "remorse", "embarrassment"]) {
                Some(Upset)
            } else if any(&["joy", "gratitude", "admiration", "love", "optimism", "approval", "relief", "amusement", "excitement", "caring", "pride", "trust"]) {
                Some(Positive)
            } else if any(&["neutral"]) {
                Some(Neutral)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// XED has no official split: a stable 80/20 split by text hash (`true` = test part).
pub fn xed_is_test(text: &str) -> bool {
    crate::lang::ngram_table::hash_str(text).is_multiple_of(5)
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct EmotionEvalReport {
    pub n: usize,
    pub accuracy: f64,
    /// F1 of "negative" (angry or upset) against the rest.
    pub negative_f1: f64,
    pub negative_precision: f64,
    pub negative_recall: f64,
}

/// Scores four-way emotion predictions; negative = angry or upset.
pub fn evaluate_emotions(examples: &[Example], mut predict: impl FnMut(&str) -> crate::emotion::EmotionLabel) -> EmotionEvalReport {
    let (mut n, mut ok, mut tp, mut fp, mut fn_) = (0usize, 0usize, 0f64, 0f64, 0f64);
    for ex in examples {
        let Some(gold) = emotion_gold(ex) else { continue };
        let p = predict(&ex.text);
        n += 1;
        ok += usize::from(p == gold);
        match (gold.is_negative(), p.is_negative()) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fn_ += 1.0,
            _ => {}
        }
    }
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    EmotionEvalReport {
        n,
        accuracy: if n == 0 { 0.0 } else { ok as f64 / n as f64 },
        negative_f1: if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 },
        negative_precision: precision,
        negative_recall: recall,
    }
}

/// Reads a JSONL file; a broken line is an error naming the file and the line number.
pub fn read_jsonl(path: &Path) -> Result<Vec<Example>, NluError> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| NluError::Io { path: display.clone(), source })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|b| **b == b'\n').count();
        NluError::Data { path: display.clone(), line, message: "not valid UTF-8".into() }
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let data_err = |message: String| NluError::Data { path: display.clone(), line: i + 1, message };
        let value: Value = serde_json::from_str(line).map_err(|e| data_err(format!("invalid JSON: {e}")))?;
        let example: Example =
            serde_json::from_value(value).map_err(|e| data_err(format!("not an example object: {e}")))?;
        out.push(example);
    }
    Ok(out)
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Accuracy {
    pub n: usize,
    pub accuracy: f64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct LangEvalReport {
    pub n: usize,
    pub accuracy: f64,
    pub per_language: BTreeMap<String, Accuracy>,
    pub per_kind: BTreeMap<String, Accuracy>,
    pub per_language_kind: BTreeMap<String, Accuracy>,
    pub p50_us: f64,
    pub p99_us: f64,
    /// Examples whose gold language the detector does not support (not counted above).
    pub skipped: usize,
    /// Misclassified examples: (text, gold, predicted or "none").
    #[serde(skip)]
    pub errors: Vec<(String, String, String)>,
}

#[derive(Default)]
struct Tally {
    n: usize,
    ok: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.n += 1;
        self.ok += ok as usize;
    }
    fn report(&self) -> Accuracy {
        Accuracy { n: self.n, accuracy: if self.n == 0 { 0.0 } else { self.ok as f64 / self.n as f64 } }
    }
}

/// Times `predict` on every example and scores it against the gold `lang`; examples of languages
/// outside `supported` are skipped and counted.
pub fn evaluate_languages(
    examples: &[Example],
    supported: &[Lang],
    mut predict: impl FnMut(&str) -> Option<Lang>,
) -> LangEvalReport {
    let mut total = Tally::default();
    let mut per_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_lang_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut times = Vec::with_capacity(examples.len());
    let mut skipped = 0;
    let mut errors = Vec::new();
    for ex in examples {
        let Some(gold) = ex.lang.as_deref().and_then(Lang::from_code).filter(|l| supported.contains(l)) else {
            skipped += 1;
            continue;
        };
        let start = Instant::now();
        let predicted = predict(&ex.text);
        times.push(start.elapsed().as_secs_f64() * 1e6);
        let ok = predicted == Some(gold);
        if !ok {
            let p = predicted.map_or("none", |l| l.code());
            errors.push((ex.text.clone(), gold.code().to_string(), p.to_string()));
        }
        total.add(ok);
        per_lang.entry(gold.code().to_string()).or_default().add(ok);
        if let Some(kind) = &ex.kind {
            per_kind.entry(kind.clone()).or_default().add(ok);
            per_lang_kind.entry(format!("{}/{}", gold.code(), kind)).or_default().add(ok);
        }
    }
    let (p50_us, p99_us) = percentiles(&mut times);
    let t = total.report();
    LangEvalReport {
        n: t.n,
        accuracy: t.accuracy,
        per_language: per_lang.iter().map(|(k, v)| (k.clone(), v.report())).collect(),
        per_kind: per_kind.iter().map(|(k, v)| (k.clone(), v.report())).collect(),
        per_language_kind: per_lang_kind.iter().map(|(k, v)| (k.clone(), v.report())).collect(),
        p50_us,
        p99_us,
        skipped,
        errors,
    }
}

/// Language identification with Komek's detector.
pub fn evaluate_detector(examples: &[Example], detector: &LanguageDetector) -> LangEvalReport {
    detector.warm_up();
    evaluate_languages(examples, detector.languages(), |t| detector.detect(t).map(|d| d.lang))
}

/// (p50, p99) of a list of durations; sorts in place.
pub fn percentiles(times: &mut [f64]) -> (f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    (at(0.5), at(0.99))
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct IntentEvalReport {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oos_recall: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_scope_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_seconds: Option<f64>,
    pub p50_us: f64,
    pub p99_us: f64,
    pub per_language: BTreeMap<String, Accuracy>,
    pub per_intent: BTreeMap<String, Accuracy>,
    #[serde(skip)]
    pub errors: Vec<(String, String, String)>,
}

/// Scores `predict` (which returns an intent name, `oos` for out of scope) against the gold intents.
pub fn evaluate_intents(examples: &[Example], mut predict: impl FnMut(&str) -> String) -> IntentEvalReport {
    let mut times = Vec::with_capacity(examples.len());
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(examples.len());
    let mut per_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_intent: BTreeMap<String, Tally> = BTreeMap::new();
    let mut errors = Vec::new();
    for ex in examples {
        let gold = ex.intent.clone().unwrap_or_default();
        let start = Instant::now();
        let predicted = predict(&ex.text);
        times.push(start.elapsed().as_secs_f64() * 1e6);
        let ok = predicted == gold;
        per_lang.entry(ex.lang.clone().unwrap_or_else(|| "?".into())).or_default().add(ok);
        per_intent.entry(gold.clone()).or_default().add(ok);
        if !ok {
            errors.push((ex.text.clone(), gold.clone(), predicted.clone()));
        }
        pairs.push((gold, predicted));
    }
    let (p50_us, p99_us) = percentiles(&mut times);
    let n = pairs.len();
    let correct = pairs.iter().filter(|(g, p)| g == p).count();
    let oos: Vec<&(String, String)> = pairs.iter().filter(|(g, _)| g == "oos").collect();
    let ins: Vec<&(String, String)> = pairs.iter().filter(|(g, _)| g != "oos").collect();
    let has_oos = !oos.is_empty();
    IntentEvalReport {
        n,
        accuracy: if n == 0 { 0.0 } else { correct as f64 / n as f64 },
        macro_f1: macro_f1(&pairs),
        oos_recall: has_oos.then(|| oos.iter().filter(|(_, p)| p == "oos").count() as f64 / oos.len() as f64),
        in_scope_accuracy: has_oos
            .then(|| ins.iter().filter(|(g, p)| g == p).count() as f64 / ins.len().max(1) as f64),
        train_seconds: None,
        p50_us,
        p99_us,
        per_language: per_lang.iter().map(|(k, v)| (k.clone(), v.report())).collect(),
        per_intent: per_intent.iter().map(|(k, v)| (k.clone(), v.report())).collect(),
        errors,
    }
}

/// Macro-averaged F1 over every label that occurs as gold or prediction (as scikit-learn does).
pub fn macro_f1(pairs: &[(String, String)]) -> f64 {
    let mut labels: Vec<&str> = pairs.iter().flat_map(|(g, p)| [g.as_str(), p.as_str()]).collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    for l in &labels {
        let tp = pairs.iter().filter(|(g, p)| g == l && p == l).count() as f64;
        let fp = pairs.iter().filter(|(g, p)| g != l && p == l).count() as f64;
        let fn_ = pairs.iter().filter(|(g, p)| g == l && p != l).count() as f64;
        let denom = 2.0 * tp + fp + fn_;
        total += if denom == 0.0 { 0.0 } else { 2.0 * tp / denom };
    }
    total / labels.len() as f64
}
