//! Per-message language identification: script and letter cues first, then character n-gram
//! statistics (derived from lingua-rs's models, see `models/langid/NOTICE.md`), with whatlang and
//! Uzbek letter cues for Uzbek, which the n-gram data lacks.

use std::sync::OnceLock;

use serde::Serialize;

use super::Lang;
use super::ngram_table::{MISSING, NgramHasher, NgramTables, ScriptTable};
use super::script::{Script, letter_languages};
use super::{romanized, unsupported};

/// The n-gram statistics, embedded so that language identification needs no files at run time.
static NGRAM_DATA: &[u8] = include_bytes!("../../../models/langid/ngrams.bin");
/// Frequent Uzbek words that the other Latin-script languages do not use.
static UZBEK_CUES: &str = include_str!("../../../models/langid/uz-cues.txt");

fn uzbek_cue_words() -> &'static std::collections::HashSet<Vec<char>> {
    static WORDS: OnceLock<std::collections::HashSet<Vec<char>>> = OnceLock::new();
    WORDS.get_or_init(|| {
        UZBEK_CUES
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .flat_map(split_words)
            .collect()
    })
}

fn tables() -> &'static NgramTables {
    static TABLES: OnceLock<NgramTables> = OnceLock::new();
    TABLES.get_or_init(|| {
        NgramTables::parse(NGRAM_DATA).expect("embedded language n-gram table is valid (checked by tests)")
    })
}

/// Texts longer than this (in letters) are judged on their beginning: it is plenty for a language
/// decision and keeps a megabyte of pasted text as fast as a sentence.
const MAX_LETTERS: usize = 1000;
/// From this many letters on, trigrams alone decide (as lingua does); below, 1- to 5-grams.
const LONG_TEXT_LETTERS: usize = 120;

/// The outcome for one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    pub lang: Lang,
    /// Probability-like confidence in 0..=1.
    pub confidence: f32,
    /// The best other language, if any had a chance.
    pub runner_up: Option<(Lang, f32)>,
    /// Number of letters the decision rests on (short texts deserve less trust).
    pub letters: usize,
    /// Russian or Kazakh written in Latin letters ("zdravstvuyte", "salem"): `lang` is the Cyrillic
    /// language, which replies should be written in.
    pub romanized: bool,
    /// A language the detector was not set up for (ISO 639-1, e.g. "ja", "it", "ky"); `lang` is
    /// then only the nearest supported guess (or the first language, with confidence 0).
    pub unsupported: Option<&'static str>,
}

/// Everything the detector found out about one text.
struct Analysis {
    ranking: Vec<(Lang, f32)>,
    letters: usize,
    romanized: bool,
    unsupported: Option<&'static str>,
}

impl Analysis {
    fn new(ranking: Vec<(Lang, f32)>, letters: usize) -> Self {
        Self { ranking, letters, romanized: false, unsupported: None }
    }
}

/// Detects the language of a text among a configurable set of supported languages.
#[derive(Clone, Debug)]
pub struct LanguageDetector {
    languages: Vec<Lang>,
    latin_whatlang: Option<whatlang::Detector>,
    /// whatlang's names of the Latin-script languages the detector is set up for.
    spoken_latin: Vec<whatlang::Lang>,
    /// whatlang over those and the other Latin-script languages worth naming.
    latin_others: whatlang::Detector,
}

/// A Latin-script text needs this many words and letters before whatlang may call its language
/// one the bot does not speak, and is asked only when Komek's own ranking is below this and a
/// foreign letter or word hints at it.
const UNSUPPORTED_MIN_WORDS: usize = 3;
const UNSUPPORTED_MIN_LETTERS: usize = 15;
const UNSUPPORTED_MAX_CONFIDENCE: f32 = 0.9;

impl Default for LanguageDetector {
    fn default() -> Self {
        Self::new(&Lang::ALL)
    }
}

impl LanguageDetector {
    pub fn new(languages: &[Lang]) -> Self {
        let mut langs: Vec<Lang> = Vec::new();
        for l in languages {
            if !langs.contains(l) {
                langs.push(*l);
            }
        }
        // whatlang knows Uzbek (Latin); it is consulted only when Uzbek is a candidate.
        let latin_whatlang = langs.contains(&Lang::Uz).then(|| {
            let allow = langs
                .iter()
                .filter(|l| Script::Latin.languages().contains(l))
                .filter_map(|l| to_whatlang(*l))
                .collect();
            whatlang::Detector::with_allowlist(allow)
        });
        let spoken_latin: Vec<whatlang::Lang> = langs.iter().filter_map(|l| to_whatlang(*l)).collect();
        let latin_others = whatlang::Detector::with_allowlist(spoken_latin.iter().copied().chain(unsupported::LATIN_OTHERS).collect());
        Self { languages: langs, latin_whatlang, spoken_latin, latin_others }
    }

    pub fn languages(&self) -> &[Lang] {
        &self.languages
    }

    /// Forces the embedded statistics to load now rather than on the first message.
    pub fn warm_up(&self) {
        tables();
    }

    /// The language of `text`, or `None` when it has no letters ("12345", "👍", "") or none of a
    /// script the detector knows nothing about. A language the bot does not speak is named in
    /// `unsupported` ("日本語の注文" → Some("ja")).
    pub fn detect(&self, text: &str) -> Option<Detection> {
        let a = self.analyse(text);
        let mut it = a.ranking.into_iter();
        let Some((lang, confidence)) = it.next() else {
            let first = *self.languages.first()?;
            return a.unsupported.map(|code| Detection {
                lang: first,
                confidence: 0.0,
                runner_up: None,
                letters: a.letters,
                romanized: false,
                unsupported: Some(code),
            });
        };
        let runner_up = it.next().filter(|(_, c)| *c > 0.0);
        Some(Detection { lang, confidence, runner_up, letters: a.letters, romanized: a.romanized, unsupported: a.unsupported })
    }

    /// The n-gram statistics alone (no letter rules, no word lists) among the detector's languages
    /// of the text's script, best first (used to build word lists).
    pub fn statistics(&self, text: &str) -> Vec<(Lang, f32)> {
        let words = split_words(text);
        let letters: usize = words.iter().map(Vec::len).sum();
        let Some(script) = dominant_script(&words) else { return Vec::new() };
        let candidates: Vec<Lang> = self.languages.iter().copied().filter(|l| script.languages().contains(l)).collect();
        let mut ranking = tables().table(script).map(|t| score_ngrams(&words, letters, t, &candidates)).unwrap_or_default();
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranking
    }

    /// All candidate languages with their confidence, best first, and the letter count.
    pub fn rank(&self, text: &str) -> (Vec<(Lang, f32)>, usize) {
        let a = self.analyse(text);
        (a.ranking, a.letters)
    }

    fn analyse(&self, text: &str) -> Analysis {
        let words = split_words(text);
        let letters: usize = words.iter().map(Vec::len).sum();
        if letters == 0 {
            return Analysis::new(Vec::new(), 0);
        }
        let foreign_script = unsupported::by_script(text);
        let Some(script) = dominant_script(&words) else {
            return Analysis { unsupported: foreign_script, ..Analysis::new(Vec::new(), letters) };
        };
        let mut a = self.rank_in(text, &words, letters, script);
        a.unsupported = foreign_script.or(a.unsupported);
        a
    }

    fn rank_in(&self, text: &str, words: &[Vec<char>], letters: usize, script: Script) -> Analysis {
        let mut candidates: Vec<Lang> =
            self.languages.iter().copied().filter(|l| script.languages().contains(l)).collect();
        // Russian and Kazakh typed in Latin letters: their words decide before any statistics.
        let cyrillic: Vec<Lang> = self.languages.iter().copied().filter(|l| matches!(l, Lang::Ru | Lang::Kk)).collect();
        if script == Script::Latin && !cyrillic.is_empty() {
            let evidence = romanized::evidence(words);
            if evidence.hits() > 0
                && !self.uzbek_words_dominate(text, words, evidence.hits())
                && let Some((lang, confidence)) = romanized::decide(&evidence, words.len(), &cyrillic)
            {
                return Analysis { romanized: true, ..Analysis::new(vec![(lang, confidence)], letters) };
            }
        }
        // Uzbek in its Cyrillic alphabet: its own letters or its frequent words decide.
        if script == Script::Cyrillic && self.languages.contains(&Lang::Uz) && uzbek_cyrillic(words) {
            return Analysis::new(vec![(Lang::Uz, UZBEK_CYRILLIC_CONFIDENCE)], letters);
        }
        let unsupported = match script {
            Script::Cyrillic => unsupported::cyrillic(words),
            Script::Arabic => unsupported::arabic(words),
            _ => None,
        };
        if candidates.is_empty() {
            return Analysis { unsupported, ..Analysis::new(Vec::new(), letters) };
        }
        if candidates.len() > 1 {
            if let Some(lang) = rule_decision(words, &candidates) {
                return Analysis { unsupported, ..Analysis::new(vec![(lang, 1.0)], letters) };
            }
            candidates = filter_by_letters(words, &candidates);
        }
        if candidates.len() == 1 {
            let unsupported = unsupported.or_else(|| self.latin_unsupported(text, words, script, 1.0));
            return Analysis { unsupported, ..Analysis::new(vec![(candidates[0], 1.0)], letters) };
        }

        let mut ranking = match tables().table(script) {
            Some(table) => score_ngrams(words, letters, table, &candidates),
            None => Vec::new(),
        };
        if candidates.contains(&Lang::Kk) {
            carry_mixed_kazakh(words, &mut ranking);
        }
        if candidates.contains(&Lang::Uz) {
            self.place_uzbek(text, words, &mut ranking);
        }
        if ranking.is_empty() {
            // No statistics for any candidate: the candidates are equally likely.
            let p = 1.0 / candidates.len() as f32;
            ranking = candidates.iter().map(|l| (*l, p)).collect();
        }
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top = ranking.first().map_or(0.0, |r| r.1);
        let unsupported = unsupported.or_else(|| self.latin_unsupported(text, words, script, top));
        Analysis { unsupported, ..Analysis::new(ranking, letters) }
    }

    /// A Latin-script language the bot does not speak (Italian, Polish, …): asked of whatlang
    /// only for texts of a few words with a hesitant ranking and a foreign letter or word, or with
    /// two frequent words of one such language.
    fn latin_unsupported(&self, text: &str, words: &[Vec<char>], script: Script, top: f32) -> Option<&'static str> {
        if script != Script::Latin || words.len() < UNSUPPORTED_MIN_WORDS {
            return None;
        }
        let letters: usize = words.iter().map(Vec::len).sum();
        if letters < UNSUPPORTED_MIN_LETTERS {
            return None;
        }
        let hints = unsupported::foreign_hints(words);
        let hesitant = top < UNSUPPORTED_MAX_CONFIDENCE && (hints.letter || hints.words > 0);
        if !hesitant && hints.best.is_none_or(|(_, n)| n < 2) {
            return None;
        }
        unsupported::latin(text, &hints, &self.latin_others, &self.spoken_latin)
    }

    /// Uzbek words outnumber Russian and Kazakh ones (Uzbek and Kazakh share many Latin spellings).
    fn uzbek_words_dominate(&self, text: &str, words: &[Vec<char>], romanized_hits: usize) -> bool {
        if !self.languages.contains(&Lang::Uz) {
            return false;
        }
        let cues = uzbek_cue_words();
        let uz = words.iter().filter(|w| is_uzbek_marked(w) && !w.contains(&'q') || cues.contains(*w)).count()
            + count_uzbek_apostrophes(text);
        uz > 0 && uz >= romanized_hits
    }

    /// Uzbek (Latin) has no n-gram statistics. Its letters decide: oʻ/gʻ, q not followed by u, and
    /// none of Turkish ı ğ ş ç ö ü; whatlang's Uzbek profile confirms, and alone it may only overrule
    /// a Turkish guess for text without Turkish letters (Uzbek looks Turkish to the other models).
    fn place_uzbek(&self, text: &str, words: &[Vec<char>], ranking: &mut Vec<(Lang, f32)>) {
        let turkish = words.iter().flatten().any(|c| matches!(c, 'ı' | 'ğ' | 'ş' | 'ç' | 'ö' | 'ü'));
        if turkish {
            return;
        }
        let cues = uzbek_cue_words();
        let marked = words.iter().filter(|w| is_uzbek_marked(w) || cues.contains(*w)).count()
            + count_uzbek_apostrophes(text);
        let top_is_turkish = ranking.iter().max_by(|a, b| a.1.total_cmp(&b.1)).is_some_and(|(l, _)| *l == Lang::Tr);
        if marked == 0 && !top_is_turkish {
            return;
        }
        let whatlang_says_uz = self
            .latin_whatlang
            .as_ref()
            .and_then(|d| d.detect(text))
            .is_some_and(|info| info.lang() == whatlang::Lang::Uzb);
        let share = marked as f32 / words.len().max(1) as f32;
        let strength = match (marked > 0, whatlang_says_uz) {
            (true, true) => 0.9,
            (true, false) if share >= 0.3 => 0.75,
            (false, true) if words.len() >= 3 => 0.6,
            _ => return,
        };
        for (_, p) in ranking.iter_mut() {
            *p *= 1.0 - strength;
        }
        ranking.push((Lang::Uz, strength));
    }
}

/// Customers in Kazakhstan mix Russian and Kazakh; when a quarter of the words carry Kazakh-only
/// letters, or are Kazakh words typed with Russian letters ("кашан", "тапсырысым"), the message is
/// Kazakh even if its Russian words outweigh them statistically.
fn carry_mixed_kazakh(words: &[Vec<char>], ranking: &mut [(Lang, f32)]) {
    let kazakh = words.iter().filter(|w| w.iter().any(|c| letter_languages(*c) == [Lang::Kk])).count()
        + romanized::plain_kazakh_words(words);
    if kazakh == 0 || kazakh * 4 < words.len() {
        return;
    }
    let share = kazakh as f32 / words.len() as f32;
    let Some(kk) = ranking.iter().position(|(l, _)| *l == Lang::Kk) else { return };
    let best = ranking.iter().map(|(_, p)| *p).fold(0.0, f32::max);
    if ranking[kk].1 >= best {
        return;
    }
    let target = (0.5 + 0.5 * share).max(ranking[kk].1);
    let rest: f32 = ranking.iter().enumerate().filter(|(i, _)| *i != kk).map(|(_, (_, p))| *p).sum();
    for (i, (_, p)) in ranking.iter_mut().enumerate() {
        if i == kk {
            *p = target;
        } else if rest > 0.0 {
            *p *= (1.0 - target) / rest;
        }
    }
}

fn to_whatlang(l: Lang) -> Option<whatlang::Lang> {
    Some(match l {
        Lang::En => whatlang::Lang::Eng,
        Lang::Tr => whatlang::Lang::Tur,
        Lang::De => whatlang::Lang::Deu,
        Lang::Es => whatlang::Lang::Spa,
        Lang::Fr => whatlang::Lang::Fra,
        Lang::Uz => whatlang::Lang::Uzb,
        _ => return None,
    })
}

/// Lower-cased runs of letters; every Han character is a word of its own.
fn split_words(text: &str) -> Vec<Vec<char>> {
    let mut words: Vec<Vec<char>> = Vec::new();
    let mut current: Vec<char> = Vec::new();
    let mut letters = 0usize;
    for c in text.chars() {
        if letters >= MAX_LETTERS {
            break;
        }
        if c.is_alphabetic() {
            let han = Script::of(c) == Some(Script::Han);
            if han && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            for lc in c.to_lowercase() {
                current.push(lc);
                letters += 1;
            }
            if han {
                words.push(std::mem::take(&mut current));
            }
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The script most words are written in. Latin words inside Cyrillic, Arabic or Chinese text are
/// usually brand or product names ("Kaspi Red бар ма"), so another script wins from 40% of the words.
fn dominant_script(words: &[Vec<char>]) -> Option<Script> {
    let mut counts = [0usize; 5];
    for w in words {
        let mut letters = [0usize; 5];
        w.iter().filter_map(|c| Script::of(*c)).for_each(|s| letters[s.id() as usize] += 1);
        let (id, n) = letters.iter().enumerate().max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
        if *n > 0 {
            counts[id] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let latin = Script::Latin.id() as usize;
    let (other, n) = counts.iter().enumerate().filter(|(i, _)| *i != latin).max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
    if *n > 0 && (*n >= counts[latin] || *n * 5 >= total * 2) {
        Script::from_id(other as u8)
    } else {
        Some(Script::Latin)
    }
}

/// The confidence of a decision for Uzbek written in Cyrillic.
const UZBEK_CYRILLIC_CONFIDENCE: f32 = 0.9;

/// Stems of frequent Uzbek words in Cyrillic that Kazakh and Russian spell otherwise (Kazakh
/// "тапсырыс", "қайда", "қашан", "нөмір", "керек", "үшін"; Russian has no "қ").
const UZBEK_CYRILLIC_STEMS: &[&str] =
    &["буюртм", "қаерда", "қачон", "рақам", "илтимос", "салом", "керак", "учун", "билан", "менинг", "қилинг", "эмас", "пулим", "қайтармоқчи", "қилмоқчи"];

/// Uzbek in Cyrillic: a word with "ў" or "ҳ" (Tajik shares "ҳ" but also writes "ӣ", "ӯ", "ҷ"), or
/// two frequent Uzbek words.
fn uzbek_cyrillic(words: &[Vec<char>]) -> bool {
    let tajik = words.iter().flatten().any(|c| matches!(c, 'ӣ' | 'ӯ' | 'ҷ'));
    if tajik {
        return false;
    }
    let letters = words.iter().flatten().any(|c| matches!(c, 'ў' | 'ҳ'));
    let stems = words
        .iter()
        .filter(|w| {
            let word: String = w.iter().collect();
            UZBEK_CYRILLIC_STEMS.iter().any(|s| word.starts_with(s))
        })
        .count();
    letters || stems >= 2
}

/// Letters that belong to one candidate only, counted per word: a clear majority of such words
/// decides without statistics.
fn rule_decision(words: &[Vec<char>], candidates: &[Lang]) -> Option<Lang> {
    let mut votes: Vec<(Option<Lang>, usize)> = Vec::new();
    let mut bump = |key: Option<Lang>| match votes.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => votes.push((key, 1)),
    };
    for w in words {
        let mut per_lang: Vec<(Lang, usize)> = Vec::new();
        for c in w {
            let langs = letter_languages(*c);
            if let [only] = langs {
                match per_lang.iter_mut().find(|(l, _)| l == only) {
                    Some((_, n)) => *n += 1,
                    None => per_lang.push((*only, 1)),
                }
            }
        }
        per_lang.sort_by_key(|p| std::cmp::Reverse(p.1));
        let word_lang = match per_lang.as_slice() {
            [] => None,
            [(l, _)] => Some(*l),
            [(l, a), (_, b), ..] if a > b => Some(*l),
            _ => None,
        };
        bump(word_lang.filter(|l| candidates.contains(l)));
    }
    let unknown = votes.iter().find(|(k, _)| k.is_none()).map_or(0, |(_, n)| *n);
    if (unknown as f64) < words.len() as f64 * 0.5 {
        votes.retain(|(k, _)| k.is_some());
    }
    votes.sort_by_key(|v| std::cmp::Reverse(v.1));
    match votes.as_slice() {
        [(Some(l), _)] => Some(*l),
        [(first, a), (_, b), ..] if a > b => *first,
        _ => None,
    }
}

/// Drops the candidates that most words cannot be written in: a word with "ы" is not Ukrainian, one
/// with "ї" not Russian. A stray name or loan word does not eliminate a language; a majority does.
fn filter_by_letters(words: &[Vec<char>], candidates: &[Lang]) -> Vec<Lang> {
    let kept: Vec<Lang> = candidates
        .iter()
        .copied()
        .filter(|l| {
            let foreign = words.iter().filter(|w| w.iter().any(|c| !writes(*l, *c))).count();
            foreign * 2 <= words.len()
        })
        .collect();
    if kept.is_empty() {
        return candidates.to_vec();
    }
    if words.len() > SHORT_TEXT_WORDS {
        return kept;
    }
    // In a short text a telltale letter outweighs the statistics: keep the languages it points to
    // when it appears in at least half of the words.
    let indicated: Vec<Lang> = kept
        .iter()
        .copied()
        .filter(|l| {
            let n = words.iter().filter(|w| w.iter().any(|c| letter_languages(*c).contains(l))).count();
            n > 0 && n * 2 >= words.len()
        })
        .collect();
    if indicated.is_empty() { kept } else { indicated }
}

/// Up to this many words a text counts as short (see [`filter_by_letters`]).
const SHORT_TEXT_WORDS: usize = 3;

/// Whether `lang` can write the lower-case letter `c` of its own script: every letter is possible
/// unless it is a telltale letter of other languages only (or a Latin letter Turkish lacks).
fn writes(lang: Lang, c: char) -> bool {
    let owners = letter_languages(c);
    if !owners.is_empty() {
        return owners.contains(&lang) || (lang == Lang::En && c.is_ascii());
    }
    !(lang == Lang::Tr && matches!(c, 'q' | 'w' | 'x'))
}

fn is_uzbek_marked(w: &[char]) -> bool {
    let turkish = w.iter().any(|c| matches!(c, 'ı' | 'ğ' | 'ş' | 'ç' | 'ö' | 'ü'));
    if turkish {
        return false;
    }
    w.iter().enumerate().any(|(i, c)| match c {
        'q' => w.get(i + 1) != Some(&'u'),
        'ʻ' | 'ʼ' => true,
        _ => false,
    })
}

/// Counts oʻ / gʻ written with an ASCII or typographic apostrophe, which split words.
fn count_uzbek_apostrophes(text: &str) -> usize {
    let chars: Vec<char> = text.chars().take(MAX_LETTERS * 2).collect();
    chars
        .windows(3)
        .filter(|w| {
            matches!(w[0], 'o' | 'g' | 'O' | 'G') && matches!(w[1], '\'' | '’' | '`' | '‘') && w[2].is_alphabetic()
        })
        .count()
}

/// Lingua-style scoring: for every distinct n-gram, the log-probability of the longest prefix the
/// language knows; sums over n = 1..=5 (trigrams only for long texts), normalised by the number of
/// known unigrams, then a softmax.
fn score_ngrams(words: &[Vec<char>], letters: usize, table: &ScriptTable, candidates: &[Lang]) -> Vec<(Lang, f32)> {
    let cols: Vec<(Lang, usize)> = candidates
        .iter()
        .filter_map(|l| table.languages.iter().position(|c| c == l.code()).map(|i| (*l, i)))
        .collect();
    if cols.is_empty() {
        return Vec::new();
    }
    let (min_n, max_n) = if letters >= LONG_TEXT_LETTERS { (3, 3) } else { (1, 5) };

    // For every position: the table row of the n-grams of length 1..=max_n starting there.
    struct Pos<'a> {
        hashes: [u64; 5],
        rows: [Option<&'a [u8]>; 5],
        len: usize,
    }
    let mut positions: Vec<Pos> = Vec::with_capacity(letters);
    for w in words {
        for i in 0..w.len() {
            let mut h = NgramHasher::new();
            let mut p = Pos { hashes: [0; 5], rows: [None; 5], len: 0 };
            for (k, c) in w[i..].iter().take(max_n).enumerate() {
                h.push(*c);
                let hash = h.finish();
                p.hashes[k] = hash;
                p.rows[k] = table.get(hash);
                p.len = k + 1;
            }
            positions.push(p);
        }
    }

    let step = tables().step as f64;
    let mut totals = vec![0f64; cols.len()];
    let mut unigram_known = vec![0usize; cols.len()];
    let mut seen: Vec<(u64, usize)> = Vec::with_capacity(positions.len());
    for n in min_n..=max_n {
        seen.clear();
        seen.extend(positions.iter().enumerate().filter(|(_, p)| p.len >= n).map(|(i, p)| (p.hashes[n - 1], i)));
        seen.sort_unstable();
        seen.dedup_by_key(|(h, _)| *h);
        for &(_, i) in &seen {
            let p = &positions[i];
            for (j, (_, col)) in cols.iter().enumerate() {
                let value = (0..n).rev().find_map(|k| p.rows[k].map(|r| r[*col]).filter(|v| *v != MISSING));
                if let Some(v) = value {
                    totals[j] -= v as f64 * step;
                    if n == 1 {
                        unigram_known[j] += 1;
                    }
                }
            }
        }
    }
    if min_n == 1 {
        for (t, k) in totals.iter_mut().zip(&unigram_known) {
            if *k > 0 {
                *t /= *k as f64;
            }
        }
    }
    let scored: Vec<(Lang, f64)> =
        cols.iter().zip(&totals).filter(|(_, t)| **t != 0.0).map(|((l, _), t)| (*l, *t)).collect();
    let Some(max) = scored.iter().map(|(_, t)| *t).reduce(f64::max) else {
        return Vec::new();
    };
    let denom: f64 = scored.iter().map(|(_, t)| (t - max).exp()).sum();
    scored.iter().map(|(l, t)| (*l, ((t - max).exp() / denom) as f32)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_han_characters() {
        let w = split_words("Где МОЙ заказ? 我的订单 ok-ok");
        let s: Vec<String> = w.iter().map(|w| w.iter().collect()).collect();
        assert_eq!(s, ["где", "мой", "заказ", "我", "的", "订", "单", "ok", "ok"]);
    }

    #[test]
    fn embedded_table_parses() {
        let t = tables();
        assert!(t.table(Script::Cyrillic).is_some_and(|t| t.len() > 100_000));
        assert!(t.table(Script::Latin).is_some());
    }
}
