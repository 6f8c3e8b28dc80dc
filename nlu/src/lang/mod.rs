//! Language identification: per message ([`LanguageDetector`]) and per conversation
//! ([`ConversationLanguage`]).

mod conversation;
mod detector;
pub mod ngram_table;
pub mod script;
mod switch;
pub mod translit;
mod unsupported;
mod romanized;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use conversation::{ConversationLanguage, LanguageDecision, LanguageHint, Switch};
pub use detector::{Detection, LanguageDetector};
pub use switch::{named_language, names_a_language, requested_language};

/// A language the product can speak. Codes are ISO 639-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ru,
    Kk,
    En,
    Uk,
    Uz,
    Tr,
    De,
    Es,
    Fr,
    Zh,
    Ar,
}

impl Lang {
    /// Every language the product ships, in the default order of preference.
    pub const ALL: [Lang; 11] = [
        Lang::Ru,
        Lang::Kk,
        Lang::En,
        Lang::Uk,
        Lang::Uz,
        Lang::Tr,
        Lang::De,
        Lang::Es,
        Lang::Fr,
        Lang::Zh,
        Lang::Ar,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::En => "en",
            Lang::Uk => "uk",
            Lang::Uz => "uz",
            Lang::Tr => "tr",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Zh => "zh",
            Lang::Ar => "ar",
        }
    }

    /// Parses "kk", "KK", "kk-KZ", "ru_RU", "zh-Hans" and the like; `None` for unsupported codes.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = crate::NluError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_code(s).ok_or_else(|| crate::NluError::UnknownLanguage(s.to_string()))
    }
}

/// Parses a comma-separated list such as "ru,kk,en".
pub fn parse_language_list(list: &str) -> Result<Vec<Lang>, crate::NluError> {
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let lang: Lang = part.parse()?;
        if !out.contains(&lang) {
            out.push(lang);
        }
    }
    if out.is_empty() {
        return Err(crate::NluError::UnknownLanguage(list.to_string()));
    }
    Ok(out)
}
