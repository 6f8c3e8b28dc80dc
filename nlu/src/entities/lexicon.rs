//! The entity words of `models/content/entities.toml` and how the words of a message match them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::NluError;
use crate::fast_map::FastMap;
use crate::lang::Lang;
use crate::text::{is_arabic_letter, is_unspaced_letter};

/// The file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Lexicon {
    #[serde(default)]
    pub relative_dates: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub months: BTreeMap<String, Vec<String>>,
    /// Per language (or `any`): words and signs that introduce an order number.
    #[serde(default)]
    pub order_markers: BTreeMap<String, Vec<String>>,
    /// Per language (or `any`): words that introduce a phone number.
    #[serde(default)]
    pub phone_markers: BTreeMap<String, Vec<String>>,
    /// Per language (or `any`): currency words and signs; a number next to one is an amount.
    #[serde(default)]
    pub currency: BTreeMap<String, Vec<String>>,
    /// Per language (or `any`): the words of a delivery address.
    #[serde(default)]
    pub address: BTreeMap<String, AddressWords>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AddressWords {
    #[serde(default)]
    pub street: Vec<String>,
    #[serde(default)]
    pub house: Vec<String>,
    #[serde(default)]
    pub apartment: Vec<String>,
    #[serde(default)]
    pub city: Vec<String>,
    /// Words that come right before an address ("to", "на", "改成"): an address starts after them.
    #[serde(default)]
    pub intro: Vec<String>,
    /// Capitalised words that are never part of an address (greetings, thanks, please).
    #[serde(default)]
    pub not_part: Vec<String>,
}

impl Lexicon {
    pub fn parse(text: &str) -> Result<Self, NluError> {
        let lex: Lexicon = toml::from_str(text).map_err(|e| content_err(e.to_string()))?;
        let keys = lex.order_markers.keys().chain(lex.phone_markers.keys()).chain(lex.currency.keys()).chain(lex.address.keys());
        for key in keys {
            if key != "any" && Lang::from_code(key).is_none_or(|l| l.code() != key) {
                return Err(content_err(format!("{key:?} is neither a language code nor \"any\"")));
            }
        }
        Ok(lex)
    }
}

pub(super) fn content_err(message: String) -> NluError {
    NluError::Content { file: "entities.toml".into(), message }
}

/// Lower case with one character per character (offsets stay those of the text).
pub(super) fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// How a character of a word is compared: folded, lower case, apostrophes as `'` (Uzbek oʻ).
pub(super) fn norm_char(c: char) -> char {
    match lower(crate::text::fold_char(c)) {
        'ʻ' | 'ʼ' | '’' | '‘' | '`' => '\'',
        c => c,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    /// The whole word (short words, and abbreviations written with a dot: "ул.", "apt.").
    Word,
    /// Any word that starts with it (a stem: "заказ" → "заказа", "заказу").
    Stem,
    /// Any word that ends with it (written "-straße": "Hauptstraße").
    Suffix,
    /// Anywhere (signs such as "#" and "№", and words of scripts without spaces: "订单号", "رقم").
    Anywhere,
}

#[derive(Clone, Debug)]
struct Entry {
    text: String,
    how: How,
    /// An abbreviation written with a dot ("ул.", "д.").
    abbreviation: bool,
}

/// A list of words matched the way customers write them: lower case; a word of four letters or
/// more is a stem; "-x" is a suffix; "x." an abbreviation (also matched without its dot); signs
/// and words of scripts without spaces match anywhere.
#[derive(Clone, Debug, Default)]
pub(super) struct WordList {
    entries: Vec<Entry>,
    /// Whole words (abbreviations without their dot) and stems, for one lookup per prefix.
    words: FastMap<String, Vec<usize>>,
    longest_stem: usize,
}

/// Words of this many letters or more are stems.
const STEM_LETTERS: usize = 4;

impl WordList {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a String>) -> Result<Self, NluError> {
        let mut entries = Vec::new();
        for w in words {
            let text: String = w.trim().chars().map(norm_char).collect();
            if text.is_empty() {
                return Err(content_err("an empty word".into()));
            }
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            let entry = if let Some(rest) = text.strip_prefix('-').filter(|r| !r.is_empty()) {
                Entry { text: rest.to_string(), how: How::Suffix, abbreviation: false }
            } else if letters == 0 || text.chars().any(|c| is_unspaced_letter(c) || is_arabic_letter(c)) {
                Entry { text, how: How::Anywhere, abbreviation: false }
            } else if let Some(rest) = text.strip_suffix('.').filter(|r| !r.contains('.') && !r.contains(' ')) {
                Entry { text: rest.to_string(), how: How::Word, abbreviation: true }
            } else if letters >= STEM_LETTERS && !text.contains(' ') {
                Entry { text, how: How::Stem, abbreviation: false }
            } else {
                Entry { text, how: How::Word, abbreviation: false }
            };
            entries.push(entry);
        }
        let mut words: FastMap<String, Vec<usize>> = FastMap::default();
        let mut longest_stem = 0;
        for (i, e) in entries.iter().enumerate() {
            if matches!(e.how, How::Word | How::Stem) {
                words.entry(e.text.clone()).or_default().push(i);
                if e.how == How::Stem {
                    longest_stem = longest_stem.max(e.text.chars().count());
                }
            }
        }
        Ok(Self { entries, words, longest_stem })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the lower-case `word` (letters only, no punctuation) is one of the entries; for a
    /// one-letter abbreviation ("д.", "г.") the caller must say whether a dot follows.
    pub fn matches_word(&self, word: &str, dot_follows: bool) -> bool {
        let entry_ok = |i: &usize, whole: bool| {
            let e = &self.entries[*i];
            match e.how {
                How::Word => whole && (!e.abbreviation || dot_follows || e.text.chars().count() > 1),
                _ => true,
            }
        };
        if self.words.get(word).is_some_and(|ids| ids.iter().any(|i| entry_ok(i, true))) {
            return true;
        }
        // Stems: every prefix of the word up to the longest stem.
        for (chars, (end, _)) in word.char_indices().skip(1).enumerate() {
            if chars + 1 > self.longest_stem {
                break;
            }
            if let Some(ids) = self.words.get(&word[..end])
                && ids.iter().any(|i| self.entries[*i].how == How::Stem)
            {
                return true;
            }
        }
        self.entries.iter().any(|e| match e.how {
            How::Suffix => word.len() > e.text.len() && word.ends_with(e.text.as_str()),
            How::Anywhere => word.contains(e.text.as_str()),
            How::Word | How::Stem => false,
        })
    }

    /// The length (in chars) of an entry that matches anywhere and starts at `at` of `chars`.
    pub fn anywhere_at(&self, chars: &[char], at: usize) -> Option<usize> {
        self.entries.iter().filter(|e| e.how == How::Anywhere).find_map(|e| {
            let n = e.text.chars().count();
            (at + n <= chars.len() && e.text.chars().zip(&chars[at..at + n]).all(|(a, b)| a == *b)).then_some(n)
        })
    }

    /// Whether the text right before a number (lower case, folded) ends with one of the entries:
    /// signs and short words must stand right before it ("#", "no."), stems within the last few
    /// words ("номер моего заказа 100 017"), words of unspaced scripts right before it ("订单号").
    pub fn introduces(&self, before: &[char]) -> bool {
        // The last few whitespace-separated chunks, nearest first.
        let text: String = before.iter().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
        let chunks: Vec<&str> = text.split_whitespace().rev().take(LOOKBACK_CHUNKS).collect();
        let trim = |c: &str| -> String { c.trim_matches(|x: char| !x.is_alphanumeric()).to_string() };
        for (j, chunk) in chunks.iter().enumerate() {
            let word = trim(chunk);
            let loose = chunk.trim_matches(|x: char| matches!(x, ':' | ',' | '.' | '(' | ')' | '"' | '\'' | '«' | '»' | '-'));
            for e in &self.entries {
                let hit = match e.how {
                    How::Anywhere => {
                        (j == 0 || e.text.chars().any(char::is_alphabetic) && j <= 1) && chunk.contains(e.text.as_str())
                    }
                    How::Word if e.text.contains(' ') => {
                        j == 0 && {
                            let tail: Vec<&str> = chunks.iter().take(e.text.split(' ').count()).rev().copied().collect();
                            trim(&tail.join(" ")) == e.text
                        }
                    }
                    How::Word => j == 0 && (word == e.text || loose == e.text),
                    How::Stem => word.starts_with(e.text.as_str()),
                    How::Suffix => j == 0 && word.len() > e.text.len() && word.ends_with(e.text.as_str()),
                };
                if hit {
                    return true;
                }
            }
        }
        false
    }
}

/// How many words back a marker may stand ("номер моего заказа 100 017", "заказы 100 017 и 100 018").
const LOOKBACK_CHUNKS: usize = 5;

/// Every list of a per-language table, merged (customers mix languages).
pub(super) fn merged<'a, T: 'a>(table: &'a BTreeMap<String, T>, field: impl Fn(&'a T) -> &'a Vec<String>) -> Vec<&'a String> {
    table.values().flat_map(field).collect()
}
