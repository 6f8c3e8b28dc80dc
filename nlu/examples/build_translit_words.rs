//! Builds `models/langid/ru-words.txt` and `kk-words.txt`: frequent Russian and Kazakh words whose
//! spelling skeleton (`lang::translit::skeleton`) no word of the Latin-script languages has, so
//! that a Latin-letter message made of them can only be Russian or Kazakh typed without Cyrillic
//! (the Kazakh words are not Russian words either, so they also tell Kazakh typed with Russian
//! letters from Russian).
//!
//!     cargo run --release -p komek-nlu --example build_translit_words -- ../shared/data
//!
//! Sources (never lingua's test file): Komek's own content, the Russian NLU and SentiRuEval train
//! splits and XED's Russian lines, xSID's Kazakh development lines; the exclusions are the words of
//! the Latin-script languages Komek speaks in XED, xSID dev, banking77 and clinc150 train and the
//! Uzbek cue words (not the content of those languages, which borrows Russian words on purpose).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use komek_nlu::content::Content;
use komek_nlu::eval::read_jsonl;
use komek_nlu::lang::{Lang, LanguageDetector};
use komek_nlu::lang::translit::skeleton;

/// Words kept per language.
const KEEP: usize = 1000;
/// Skeletons shorter than this collide too easily.
const MIN_SKELETON: usize = 3;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 2).map(str::to_lowercase)
}

fn main() {
    let data = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let content = Content::load(&root.join("models/content")).expect("content");

    // Document frequencies: content counts five times (it is what customers of this shop write).
    let mut freq: HashMap<Lang, HashMap<String, usize>> = HashMap::new();
    let mut other: HashSet<String> = HashSet::new();
    // Russian words of the public corpora (the content mixes in Kazakh words on purpose).
    let mut public_russian: HashSet<String> = HashSet::new();
    // Uzbek shares many Latin spellings with Kazakh ("kartaga", "qaytarilgan"): those are no
    // evidence for Kazakh.
    // Ukrainian writes many of the same words with Russian letters ("адреси", "Алмати").
    let uzbek: HashSet<String> = content
        .examples
        .iter()
        .filter(|e| matches!(e.lang, Lang::Uz | Lang::Uk))
        .flat_map(|e| words(&e.text).map(|w| skeleton(&w)).collect::<Vec<_>>())
        .collect();
    let mut add = |lang: Lang, text: &str, weight: usize| {
        let seen: HashSet<String> = words(text).collect();
        for w in seen {
            *freq.entry(lang).or_default().entry(w).or_default() += weight;
        }
    };
    for ex in &content.examples {
        match ex.lang {
            // The other languages' content is left out of the exclusions: it borrows Russian on
            // purpose ("zakazim qayerda", "rakhmet").
            Lang::Ru | Lang::Kk => add(ex.lang, &ex.text, 5),
            _ => {}
        }
    }
    let file = |p: &str| read_jsonl(&data.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    for ex in file("nlu-evaluation-data-ru/train.jsonl").iter().chain(&file("sentirueval2016/train.jsonl")) {
        add(Lang::Ru, &ex.text, 1);
        public_russian.extend(words(&ex.text).map(|w| skeleton(&w)));
    }
    for ex in file("xed/all.jsonl") {
        match ex.lang.as_deref() {
            Some("ru") => {
                add(Lang::Ru, &ex.text, 1);
                public_russian.extend(words(&ex.text).map(|w| skeleton(&w)));
            }
            Some("en" | "tr" | "de" | "es" | "fr") => other.extend(words(&ex.text).map(|w| skeleton(&w))),
            _ => {}
        }
    }
    for ex in file("xsid/dev.jsonl") {
        match ex.lang.as_deref() {
            Some("kk") => add(Lang::Kk, &ex.text, 1),
            Some("en" | "tr" | "de") => other.extend(words(&ex.text).map(|w| skeleton(&w))),
            _ => {}
        }
    }
    for ex in file("banking77/train.jsonl").iter().chain(&file("clinc150/train.jsonl")) {
        other.extend(words(&ex.text).map(|w| skeleton(&w)));
    }
    let uz = std::fs::read_to_string(root.join("models/langid/uz-cues.txt")).expect("uz cues");
    other.extend(uz.lines().filter(|l| !l.starts_with('#')).flat_map(|l| words(l).map(|w| skeleton(&w)).collect::<Vec<_>>()));

    // Kazakh words must not be Russian ones either (they also tell Kazakh typed with Russian letters
    // from Russian); Russian words must not be on the Kazakh list (the content mixes the two).
    let mut kazakh: HashSet<String> = HashSet::new();
    let statistics = LanguageDetector::new(&[Lang::Ru, Lang::Kk]);
    for (lang, name) in [(Lang::Kk, "kk"), (Lang::Ru, "ru")] {
        let mut ranked: Vec<(&String, &usize)> = freq[&lang].iter().filter(|(w, _)| w.chars().all(is_cyrillic)).collect();
        ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut kept: Vec<&String> = Vec::new();
        let mut skeletons: HashSet<String> = HashSet::new();
        for (w, _) in ranked {
            let s = skeleton(w);
            // A Kazakh word is one the Kazakh statistics prefer to the Russian ones ("рахмет", not the
            // "работаете" of a mixed Kazakh sentence).
            let russian_looking = lang == Lang::Kk && statistics.statistics(w).first().is_some_and(|(l, _)| *l == Lang::Ru);
            let taken = if lang == Lang::Kk {
                public_russian.contains(&s) || uzbek.contains(&s) || russian_looking
            } else {
                kazakh.contains(&s)
            };
            if s.chars().count() < MIN_SKELETON || other.contains(&s) || taken || !skeletons.insert(s) {
                continue;
            }
            kept.push(w);
            if kept.len() == KEEP {
                break;
            }
        }
        if lang == Lang::Kk {
            kazakh = skeletons.clone();
        }
        let path = root.join(format!("models/langid/{name}-words.txt"));
        let header = format!(
            "# Frequent {} words whose spelling skeleton no Latin-script language here writes (built by\n\
             # nlu/examples/build_translit_words.rs from Komek's content and public training data; see there).\n\
             # One per line, in Cyrillic; Latin spellings are matched through the skeleton.\n",
            if lang == Lang::Ru { "Russian" } else { "Kazakh" }
        );
        let body: String = kept.iter().map(|w| format!("{w}\n")).collect();
        std::fs::write(&path, header + &body).expect("write");
        println!("{}: {} words", path.display(), kept.len());
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x400..=0x4ff)
}
