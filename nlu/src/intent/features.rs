//! Turning text into a sparse feature vector. The classifier only sees `(index, value)` pairs, so
//! any featuriser — character and word n-grams here, a pretrained encoder from a local folder — can
//! sit behind [`Featurizer`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::fast_map::FastMap;
use crate::lang::ngram_table::NgramHasher;

/// A sparse vector: sorted, distinct indices below [`Featurizer::dim`].
pub type SparseVec = Vec<(u32, f32)>;

pub trait Featurizer: Send + Sync {
    /// Number of feature dimensions.
    fn dim(&self) -> usize;
    /// The features of one text (dense featurisers return every index).
    fn features(&self, text: &str) -> SparseVec;
    /// A short name for reports and artifacts.
    fn kind(&self) -> &'static str;
    /// The n-gram featuriser itself, when this is one (its vocabulary is saved with the model).
    fn as_ngram(&self) -> Option<&NgramFeaturizer> {
        None
    }
}

/// Settings of the n-gram featuriser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NgramConfig {
    /// Character n-grams inside space-padded words, `min..=max`.
    pub char_min: usize,
    pub char_max: usize,
    /// Word n-grams up to this length.
    pub word_max: usize,
    /// Features seen in fewer training texts are dropped.
    pub min_df: u32,
}

impl Default for NgramConfig {
    fn default() -> Self {
        Self { char_min: 1, char_max: 5, word_max: 2, min_df: 1 }
    }
}

/// TF-IDF over character n-grams within words and word n-grams, each block L2-normalised, with a
/// vocabulary learnt from the training texts. Features are keyed by a 64-bit hash of their text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NgramFeaturizer {
    pub config: NgramConfig,
    /// Feature hash → (index, idf).
    vocab: FastMap<u64, (u32, f32)>,
}

/// Bumped whenever the features a text yields change, so saved models are retrained.
pub const FEATURIZER_VERSION: u32 = 4;

/// Which block a feature belongs to; blocks are normalised separately.
const CHAR_BLOCK: u64 = 1;
const WORD_BLOCK: u64 = 2;

impl NgramFeaturizer {
    /// Learns the vocabulary and inverse document frequencies from training texts.
    pub fn fit<'a>(config: NgramConfig, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut df: HashMap<u64, u32> = HashMap::new();
        let mut n_docs = 0u32;
        let mut seen: Vec<u64> = Vec::new();
        for text in texts {
            n_docs += 1;
            seen.clear();
            raw_features(&config, text, |block, h| seen.push(h ^ block));
            seen.sort_unstable();
            seen.dedup();
            for h in &seen {
                *df.entry(*h).or_default() += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = df.into_iter().filter(|(_, d)| *d >= config.min_df).collect();
        kept.sort_unstable();
        let vocab = kept
            .into_iter()
            .enumerate()
            .map(|(i, (h, d))| {
                let idf = ((1.0 + n_docs as f64) / (1.0 + d as f64)).ln() + 1.0;
                (h, (i as u32, idf as f32))
            })
            .collect();
        Self { config, vocab }
    }

    /// The vocabulary as (feature hashes, idf), both indexed by feature index.
    pub fn to_arrays(&self) -> (Vec<u64>, Vec<f32>) {
        let mut hashes = vec![0u64; self.vocab.len()];
        let mut idf = vec![0f32; self.vocab.len()];
        for (h, (i, w)) in &self.vocab {
            hashes[*i as usize] = *h;
            idf[*i as usize] = *w;
        }
        (hashes, idf)
    }

    pub fn from_arrays(config: NgramConfig, hashes: &[u64], idf: &[f32]) -> Self {
        let vocab = hashes.iter().zip(idf).enumerate().map(|(i, (h, w))| (*h, (i as u32, *w))).collect();
        Self { config, vocab }
    }
}

impl Featurizer for NgramFeaturizer {
    fn dim(&self) -> usize {
        self.vocab.len()
    }

    fn kind(&self) -> &'static str {
        "ngram-tfidf"
    }

    fn as_ngram(&self) -> Option<&NgramFeaturizer> {
        Some(self)
    }

    fn features(&self, text: &str) -> SparseVec {
        self.from_raw(&self.raw(text))
    }
}

/// The n-grams of a text before any vocabulary: sorted (feature hash, block) pairs, one per
/// occurrence. Featurisers with the same n-gram settings can share them.
pub struct RawNgrams(Vec<(u64, u64)>);

impl NgramFeaturizer {
    pub fn raw(&self, text: &str) -> RawNgrams {
        let mut raw: Vec<(u64, u64)> = Vec::with_capacity(256);
        raw_features(&self.config, text, |block, h| raw.push((h ^ block, block)));
        raw.sort_unstable();
        RawNgrams(raw)
    }

    /// Whether `other` extracts the same n-grams (its vocabulary may differ).
    pub fn same_ngrams(&self, other: &NgramFeaturizer) -> bool {
        let (a, b) = (&self.config, &other.config);
        (a.char_min, a.char_max, a.word_max) == (b.char_min, b.char_max, b.word_max)
    }

    pub fn from_raw(&self, raw: &RawNgrams) -> SparseVec {
        let raw = &raw.0;
        let mut out: Vec<(u32, f32, u64)> = Vec::with_capacity(raw.len());
        for run in raw.chunk_by(|a, b| a.0 == b.0) {
            let (h, block) = run[0];
            if let Some((index, idf)) = self.vocab.get(&h) {
                out.push((*index, (1.0 + (run.len() as f32).ln()) * idf, block));
            }
        }
        // Sorted before summing: float sums must not depend on hash-map order (determinism).
        out.sort_unstable_by_key(|f| f.0);
        for block in [CHAR_BLOCK, WORD_BLOCK] {
            let norm = out.iter().filter(|f| f.2 == block).map(|f| f.1 * f.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                out.iter_mut().filter(|f| f.2 == block).for_each(|f| f.1 /= norm);
            }
        }
        out.into_iter().map(|(i, v, _)| (i, v)).collect()
    }
}

/// Folds spelling variants that carry no meaning for intent: Arabic alef forms, alef maqsura and
/// ta marbuta, tatweel and short-vowel marks (writers use them inconsistently), the typographic
/// apostrophes of Uzbek oʻ/gʻ and the digits of every script ("١٠٠٠٢٤" reads as "100024").
fn fold_spelling(c: char) -> Option<char> {
    if !c.is_ascii()
        && let Some(d) = crate::text::digit_value(c)
    {
        return char::from_digit(d, 10);
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        'ـ' | '\u{64b}'..='\u{65f}' | '\u{670}' => return None,
        'ʻ' | 'ʼ' | '‘' | '’' | '`' => '\'',
        c => c,
    })
}

/// Longest text (in chars) that is featurised; the rest of a pasted essay adds nothing to intent.
const MAX_CHARS: usize = 2000;

/// Calls `emit(block, hash)` for every character n-gram (within space-padded words) and word n-gram.
fn raw_features(config: &NgramConfig, text: &str, mut emit: impl FnMut(u64, u64)) {
    let lower: Vec<char> = text.chars().take(MAX_CHARS).flat_map(char::to_lowercase).filter_map(fold_spelling).collect();
    // Character n-grams within whitespace-separated chunks, padded with a space on both sides.
    let mut padded: Vec<char> = Vec::with_capacity(32);
    for chunk in lower.split(|c| c.is_whitespace()).filter(|c| !c.is_empty()) {
        padded.clear();
        padded.push(' ');
        padded.extend_from_slice(chunk);
        padded.push(' ');
        for start in 0..padded.len() {
            let mut h = NgramHasher::new();
            for (k, c) in padded[start..].iter().take(config.char_max).enumerate() {
                h.push(*c);
                if k + 1 >= config.char_min {
                    emit(CHAR_BLOCK, h.finish());
                }
            }
        }
    }
    // Word n-grams over runs of alphanumeric characters.
    let mut words: Vec<u64> = Vec::new();
    for w in lower.split(|c| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut h = NgramHasher::new();
        w.iter().for_each(|c| h.push(*c));
        words.push(h.finish());
    }
    for n in 1..=config.word_max {
        for win in words.windows(n) {
            let mut h = NgramHasher::new();
            win.iter().for_each(|w| h.push_u64(*w));
            emit(WORD_BLOCK, h.finish().rotate_left(17));
        }
    }
}
