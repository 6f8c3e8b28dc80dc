//! Rebuilds `models/langid/ngrams.bin` from lingua-rs's language models (Apache-2.0; see
//! `models/langid/NOTICE.md`). Only the n-gram probability models are read, never lingua's test data.
//!
//!     cargo run --release -p komek-nlu --features build-langid --example build_langid [OUT]

use std::collections::HashMap;

use fst::{IntoStreamer, Streamer};
use komek_nlu::lang::ngram_table::{MISSING, TableWriter, hash_str};
use komek_nlu::lang::script::Script;

/// Quantisation step of the log-probabilities: 254 levels cover 0 down to about -18.6.
const STEP: f32 = 0.0733;

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "models/langid/ngrams.bin".into());
    let models: [(&str, &include_dir::Dir); 10] = [
        ("ru", &lingua_russian_language_model::RUSSIAN_MODELS_DIRECTORY),
        ("kk", &lingua_kazakh_language_model::KAZAKH_MODELS_DIRECTORY),
        ("uk", &lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY),
        ("en", &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY),
        ("tr", &lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY),
        ("de", &lingua_german_language_model::GERMAN_MODELS_DIRECTORY),
        ("es", &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY),
        ("fr", &lingua_french_language_model::FRENCH_MODELS_DIRECTORY),
        ("zh", &lingua_chinese_language_model::CHINESE_MODELS_DIRECTORY),
        ("ar", &lingua_arabic_language_model::ARABIC_MODELS_DIRECTORY),
    ];
    let mut writer = TableWriter::new(STEP);
    for script in [Script::Cyrillic, Script::Latin, Script::Arabic, Script::Han] {
        let langs: Vec<&str> = models
            .iter()
            .map(|(code, _)| *code)
            .filter(|code| script.languages().iter().any(|l| l.code() == *code))
            .collect();
        let mut entries: HashMap<u64, (String, Vec<u8>)> = HashMap::new();
        for (col, code) in langs.iter().enumerate() {
            let dir = models.iter().find(|(c, _)| c == code).unwrap().1;
            let file = dir.get_file("ngrams.fst").expect("lingua model has ngrams.fst");
            let map = fst::Map::new(file.contents()).expect("valid fst");
            let mut stream = map.into_stream();
            while let Some((key, bits)) = stream.next() {
                let ngram = std::str::from_utf8(key).expect("utf-8 n-gram");
                if ngram.chars().next().and_then(Script::of) != Some(script) {
                    continue;
                }
                let logp = f64::from_bits(bits);
                let q = ((-logp) / STEP as f64).round().clamp(0.0, (MISSING - 1) as f64) as u8;
                let hash = hash_str(ngram);
                let entry = entries.entry(hash).or_insert_with(|| (ngram.to_string(), vec![MISSING; langs.len()]));
                assert_eq!(entry.0, ngram, "64-bit hash collision");
                entry.1[col] = q;
            }
        }
        let entries: Vec<(u64, Vec<u8>)> = entries.into_iter().map(|(h, (_, v))| (h, v)).collect();
        println!("{script:?}: {} languages {:?}, {} n-grams", langs.len(), langs, entries.len());
        writer.add_table(script, &langs, entries);
    }
    std::fs::write(&out, &writer.out).expect("write table");
    println!("wrote {out}: {:.1} MB", writer.out.len() as f64 / 1e6);
}
