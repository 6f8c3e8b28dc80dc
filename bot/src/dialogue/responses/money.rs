//! How amounts of money are written (`models/content/responses/money.toml`): each currency's sign, and
//! per language the digit grouping and the sign's place, after CLDR. This is number formatting, not
//! wording, so it is a table beside the Fluent files; fluent-bundle formats no currencies, and the few
//! lines below do what the table says.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use komek_nlu::Lang;
use serde::Deserialize;

use crate::error::BotError;

const NO_BREAK_SPACE: char = '\u{a0}';

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    signs: BTreeMap<String, String>,
    languages: BTreeMap<String, Style>,
}

/// How one language writes an amount.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Style {
    /// Between groups of three digits.
    group: String,
    /// Amounts with fewer digits are not grouped (Spanish writes 1500 but 15.000).
    #[serde(default = "default_group_from")]
    group_from: usize,
    sign: Place,
    /// Currencies this language writes with another sign than `[signs]` (Uzbek "soʻm").
    #[serde(default)]
    signs: BTreeMap<String, String>,
}

fn default_group_from() -> usize {
    4
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Place {
    Before,
    After,
}

#[derive(Clone, Debug)]
pub struct Money {
    signs: BTreeMap<String, String>,
    languages: HashMap<Lang, Style>,
}

impl Money {
    pub fn load(path: &Path) -> Result<Self, BotError> {
        let err = |message: String| BotError::Content { file: path.display().to_string(), message };
        let text = std::fs::read_to_string(path).map_err(|source| BotError::Io { path: path.display().to_string(), source })?;
        let file: File = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        let is_code = |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase());
        let check_signs = |signs: &BTreeMap<String, String>| -> Result<(), BotError> {
            match signs.iter().find(|(code, sign)| !is_code(code) || sign.trim().is_empty()) {
                Some((code, _)) => Err(err(format!("sign of {code:?}: an ISO 4217 code (three capitals) with a sign that is not empty"))),
                None => Ok(()),
            }
        };
        check_signs(&file.signs)?;
        let mut languages = HashMap::new();
        for (code, style) in file.languages {
            let lang = Lang::from_code(&code).ok_or_else(|| err(format!("unsupported language {code:?}")))?;
            check_signs(&style.signs)?;
            languages.insert(lang, style);
        }
        Ok(Self { signs: file.signs, languages })
    }

    /// Whether the table says how `lang` writes amounts.
    pub fn covers(&self, lang: Lang) -> bool {
        self.languages.contains_key(&lang)
    }

    /// `amount` whole units of `currency` (an ISO 4217 code) as `lang` writes them; a currency
    /// without a sign in the table is written with its code.
    pub fn format(&self, lang: Lang, amount: i64, currency: &str) -> String {
        let Some(style) = self.languages.get(&lang).or_else(|| self.languages.get(&Lang::En)).or_else(|| self.languages.values().next())
        else {
            return format!("{amount} {currency}");
        };
        let code = currency.trim().to_ascii_uppercase();
        let sign = style.signs.get(&code).or_else(|| self.signs.get(&code)).map_or(code.as_str(), String::as_str);
        let digits = amount.unsigned_abs().to_string();
        let mut number = String::with_capacity(digits.len() + 8);
        if amount < 0 {
            number.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && digits.len() >= style.group_from && (digits.len() - i).is_multiple_of(3) {
                number.push_str(&style.group);
            }
            number.push(c);
        }
        if sign.is_empty() {
            return number;
        }
        match style.sign {
            Place::After => format!("{number}{NO_BREAK_SPACE}{sign}"),
            // A sign of letters ("CHF", "soʻm") keeps a space from the digits; "$" and "₸" do not.
            Place::Before => {
                let (minus, digits) = number.split_at(usize::from(amount < 0));
                let space = if sign.ends_with(char::is_alphabetic) { NO_BREAK_SPACE.to_string() } else { String::new() };
                format!("{minus}{sign}{space}{digits}")
            }
        }
    }
}
