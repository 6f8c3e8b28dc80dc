//! Language identification benchmark: Komek's detector, whatlang alone and lingua-rs (high and low
//! accuracy), all restricted to the same languages, on the same data, in one run.
//!
//!     cargo bench -p komek-nlu --features bench-lingua --bench langid -- [TEST.jsonl]
//!
//! Default data: `../shared/data/lingua-langid/test.jsonl` (lines in other languages are skipped).
//! Prints a Markdown table per kind of text with accuracy and per-message p50/p99 latency.

use std::path::PathBuf;

use komek_nlu::eval::{LangEvalReport, evaluate_languages, read_jsonl};
use komek_nlu::lang::{Lang, LanguageDetector};

const LINGUA_SET: [Lang; 10] =
    [Lang::Kk, Lang::Ru, Lang::Uk, Lang::En, Lang::Tr, Lang::De, Lang::Es, Lang::Fr, Lang::Zh, Lang::Ar];

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/lingua-langid/test.jsonl")));
    let all = read_jsonl(&path).unwrap_or_else(|e| panic!("{e}"));
    let (examples, foreign): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|e| e.lang.as_deref().and_then(Lang::from_code).is_some_and(|l| LINGUA_SET.contains(&l)));
    println!("data: {} ({} lines in {} languages)\n", path.display(), examples.len(), LINGUA_SET.len());

    let mut rows: Vec<(&str, LangEvalReport)> = Vec::new();

    let komek = LanguageDetector::new(&LINGUA_SET);
    komek.warm_up();
    rows.push(("komek (10 languages)", evaluate_languages(&examples, &LINGUA_SET, |t| komek.detect(t).map(|d| d.lang))));

    let komek11 = LanguageDetector::default();
    komek11.warm_up();
    rows.push((
        "komek (11 languages, +uz; product default)",
        evaluate_languages(&examples, &LINGUA_SET, |t| komek11.detect(t).map(|d| d.lang)),
    ));

    let wl = whatlang::Detector::with_allowlist(LINGUA_SET.iter().filter_map(|l| to_whatlang(*l)).collect());
    rows.push(("whatlang 0.18 (allowlist, no Kazakh)", evaluate_languages(&examples, &LINGUA_SET, |t| wl.detect_lang(t).and_then(from_whatlang))));

    let lingua_langs: Vec<lingua::Language> = LINGUA_SET.iter().map(|l| to_lingua(*l)).collect();
    let high = lingua::LanguageDetectorBuilder::from_languages(&lingua_langs).with_preloaded_language_models().build();
    rows.push(("lingua 1.8 high accuracy", evaluate_languages(&examples, &LINGUA_SET, |t| high.detect_language_of(t).and_then(from_lingua))));
    drop(high);
    let low = lingua::LanguageDetectorBuilder::from_languages(&lingua_langs)
        .with_preloaded_language_models()
        .with_low_accuracy_mode()
        .build();
    rows.push(("lingua 1.8 low accuracy", evaluate_languages(&examples, &LINGUA_SET, |t| low.detect_language_of(t).and_then(from_lingua))));

    println!("| detector | sentence | word pair | single word | all | kk sentence | kk word pair | p50 µs | p99 µs |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, r) in &rows {
        let kind = |k: &str| r.per_kind.get(k).map_or(0.0, |a| a.accuracy * 100.0);
        let lk = |k: &str| r.per_language_kind.get(k).map_or(0.0, |a| a.accuracy * 100.0);
        println!(
            "| {name} | {:.2}% | {:.2}% | {:.2}% | {:.2}% | {:.2}% | {:.2}% | {:.1} | {:.1} |",
            kind("sentence"),
            kind("word-pair"),
            kind("single-word"),
            r.accuracy * 100.0,
            lk("kk/sentence"),
            lk("kk/word-pair"),
            r.p50_us,
            r.p99_us
        );
    }
    println!("\nper language (accuracy over all kinds):\n");
    print!("| detector |");
    LINGUA_SET.iter().for_each(|l| print!(" {l} |"));
    println!();
    println!("|---|{}", "---|".repeat(LINGUA_SET.len()));
    for (name, r) in &rows {
        print!("| {name} |");
        for l in LINGUA_SET {
            print!(" {:.2}% |", r.per_language.get(l.code()).map_or(0.0, |a| a.accuracy * 100.0));
        }
        println!();
    }
    unsupported_table(&examples, &foreign);
}

/// The product detector on the languages it does not speak (the file's other lines): how often it
/// names the language (`unsupported`), names another unsupported one, or maps the line onto a
/// spoken language; and how often lines of spoken languages are wrongly called foreign or romanized.
fn unsupported_table(examples: &[komek_nlu::eval::Example], foreign: &[komek_nlu::eval::Example]) {
    let d = LanguageDetector::default();
    let mut per: std::collections::BTreeMap<(String, String), [usize; 3]> = std::collections::BTreeMap::new();
    for e in foreign {
        let (Some(lang), Some(kind)) = (e.lang.clone(), e.kind.clone()) else { continue };
        let got = d.detect(&e.text).and_then(|x| x.unsupported);
        let row = per.entry((lang.clone(), kind)).or_default();
        row[0] += 1;
        row[1] += usize::from(got == Some(lang.as_str()));
        row[2] += usize::from(got.is_some());
    }
    println!("\nlanguages Komek does not speak (product detector): named / called unsupported, per kind of text:\n");
    println!("| language | sentence | word pair | single word |");
    println!("|---|---|---|---|");
    let langs: std::collections::BTreeSet<String> = per.keys().map(|k| k.0.clone()).collect();
    for l in langs {
        let cell = |kind: &str| {
            per.get(&(l.clone(), kind.to_string()))
                .map_or("-".to_string(), |r| format!("{:.0}% / {:.0}%", 100.0 * r[1] as f64 / r[0] as f64, 100.0 * r[2] as f64 / r[0] as f64))
        };
        println!("| {l} | {} | {} | {} |", cell("sentence"), cell("word-pair"), cell("single-word"));
    }
    let (mut n, mut unsupported, mut romanized) = (0, 0, 0);
    for e in examples {
        let x = d.detect(&e.text);
        n += 1;
        unsupported += usize::from(x.as_ref().is_some_and(|x| x.unsupported.is_some()));
        romanized += usize::from(x.as_ref().is_some_and(|x| x.romanized));
    }
    println!(
        "\nspoken languages: {n} lines, wrongly called unsupported {unsupported} ({:.2}%), romanized {romanized} ({:.2}%)",
        100.0 * unsupported as f64 / n as f64,
        100.0 * romanized as f64 / n as f64
    );
}

fn to_whatlang(l: Lang) -> Option<whatlang::Lang> {
    use whatlang::Lang as W;
    Some(match l {
        Lang::Ru => W::Rus,
        Lang::Uk => W::Ukr,
        Lang::En => W::Eng,
        Lang::Tr => W::Tur,
        Lang::De => W::Deu,
        Lang::Es => W::Spa,
        Lang::Fr => W::Fra,
        Lang::Zh => W::Cmn,
        Lang::Ar => W::Ara,
        Lang::Uz => W::Uzb,
        Lang::Kk => return None,
    })
}

fn from_whatlang(l: whatlang::Lang) -> Option<Lang> {
    Lang::ALL.into_iter().find(|x| to_whatlang(*x) == Some(l))
}

fn to_lingua(l: Lang) -> lingua::Language {
    use lingua::Language as L;
    match l {
        Lang::Kk => L::Kazakh,
        Lang::Ru => L::Russian,
        Lang::Uk => L::Ukrainian,
        Lang::En => L::English,
        Lang::Tr => L::Turkish,
        Lang::De => L::German,
        Lang::Es => L::Spanish,
        Lang::Fr => L::French,
        Lang::Zh => L::Chinese,
        Lang::Ar => L::Arabic,
        Lang::Uz => unreachable!("lingua has no Uzbek"),
    }
}

fn from_lingua(l: lingua::Language) -> Option<Lang> {
    Lang::from_code(&l.iso_code_639_1().to_string())
}
