//! `models/content/quality.toml`: targets, weights, the effort formula and the words per language.

use std::collections::BTreeMap;

use komek_nlu::Lang;
use serde::Deserialize;

use crate::HandoffError;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub first_reply_seconds: f64,
    pub gap_seconds: f64,
    pub bot_reply_seconds: f64,
    pub idle_minutes: u32,
    pub repeat_contact_days: u32,
    pub note_leak_overlap: f64,
    pub upset_emotion: f32,
    pub strong_emotion: f32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routine {
    pub intents: Vec<String>,
    pub closing_keys: Vec<String>,
    pub survey_keys: Vec<String>,
    pub promise_agent_keys: Vec<String>,
    pub promise_notify_keys: Vec<String>,
}

/// What one occurrence of each effort cause costs on the 7-point scale, and the caps.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffortCosts {
    pub extra_turn: f64,
    pub extra_turn_max: f64,
    pub repeat_ask: f64,
    pub misunderstanding: f64,
    pub misunderstanding_max: f64,
    pub rephrase: f64,
    pub waiting_per_target: f64,
    pub waiting_max: f64,
    pub transfer: f64,
    pub channel_switch: f64,
    pub repeat_contact: f64,
    pub unresolved: f64,
    pub language_barrier: f64,
    pub promise_broken: f64,
    pub escalation_missed: f64,
    pub escalation_needless: f64,
    pub not_acknowledged: f64,
    pub rude: f64,
}

/// Phrases of one language, lower-cased (and ё folded) when loaded.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Words {
    #[serde(default)]
    pub empathy: Vec<String>,
    #[serde(default)]
    pub further_help: Vec<String>,
    #[serde(default)]
    pub rude: Vec<String>,
    #[serde(default)]
    pub will_get_back: Vec<String>,
    /// `ask_<fact>` lists, by fact name.
    #[serde(flatten)]
    pub asks: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityConfig {
    pub targets: Targets,
    pub routine: Routine,
    pub weights: BTreeMap<String, u32>,
    pub effort: EffortCosts,
    words: BTreeMap<String, Words>,
    #[serde(skip)]
    by_lang: Vec<(Lang, Words)>,
}

/// The form phrases are compared in: lower case, ё as е, curly apostrophes straight.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        // Lower-casing Turkish İ leaves a combining dot above.
        .filter(|c| *c != '\u{0307}')
        .map(|c| match c {
            'ё' => 'е',
            // Apostrophes and the Uzbek oʻ/gʻ marks, however they were typed.
            '\u{2018}' | '\u{2019}' | '\u{02bb}' | '\u{02bc}' | '`' => '\'',
            c => c,
        })
        .collect()
}

impl QualityConfig {
    pub fn parse(text: &str) -> Result<Self, HandoffError> {
        let mut config: QualityConfig = toml::from_str(text).map_err(|e| HandoffError::Config(format!("quality.toml: {e}")))?;
        for name in config.weights.keys() {
            if super::Criterion::parse(name).is_none() {
                return Err(HandoffError::Config(format!("quality.toml: unknown criterion {name:?} in [weights]")));
            }
        }
        for (code, words) in &config.words {
            let lang = Lang::from_code(code).ok_or_else(|| HandoffError::Config(format!("quality.toml: unknown language {code:?}")))?;
            let fold_all = |v: &[String]| v.iter().map(|w| fold(w)).filter(|w| !w.trim().is_empty()).collect::<Vec<_>>();
            let mut asks = BTreeMap::new();
            for (key, list) in &words.asks {
                let fact = key
                    .strip_prefix("ask_")
                    .ok_or_else(|| HandoffError::Config(format!("quality.toml: unknown key {key:?} in [words.{code}]")))?;
                asks.insert(fact.to_string(), fold_all(list));
            }
            let folded = Words {
                empathy: fold_all(&words.empathy),
                further_help: fold_all(&words.further_help),
                rude: fold_all(&words.rude),
                will_get_back: fold_all(&words.will_get_back),
                asks,
            };
            config.by_lang.push((lang, folded));
        }
        Ok(config)
    }

    /// The words of a language (none when the file has no section for it).
    pub fn words(&self, lang: Lang) -> &Words {
        static NONE: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
        self.by_lang.iter().find(|(l, _)| *l == lang).map_or_else(|| NONE.get_or_init(Words::default), |(_, w)| w)
    }

    pub fn weight(&self, criterion: super::Criterion) -> u32 {
        self.weights.get(criterion.as_str()).copied().unwrap_or(0)
    }
}

/// Whether a folded text contains any of the phrases; the first that matched.
pub fn find<'a>(folded: &str, phrases: &'a [String]) -> Option<&'a str> {
    phrases.iter().find(|p| folded.contains(p.as_str())).map(String::as_str)
}

/// Whether a reply key is one of the keys or starts with one that ends in `.`.
pub fn key_in<K: AsRef<str>>(key: &str, keys: &[K]) -> bool {
    keys.iter().map(AsRef::as_ref).any(|k| if k.ends_with('.') { key.starts_with(k) } else { key == k })
}
