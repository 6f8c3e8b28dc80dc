//! Reply templates per language (`models/content/responses/<lang>.toml`): replies with `{name}`
//! placeholders, button labels and order status names. Loading checks that every language has every
//! key the dialogue uses, with the same placeholders, so a missing translation fails at start, not in
//! front of a customer.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use komek_nlu::Lang;
use serde::Deserialize;

use crate::error::BotError;

/// Reply keys the dialogue uses.
pub const REPLY_KEYS: &[&str] = &[
    "greeting",
    "goodbye",
    "goodbye_survey",
    "thanks",
    "ask_order_id",
    "order_not_found",
    "order_status.created",
    "order_status.paid",
    "order_status.shipped",
    "order_status.delivered",
    "order_status.cancelled",
    "order_status.refund_pending",
    "order_status.refund_done",
    "delivery_info",
    "return_request.info",
    "return_request.started",
    "return_request.not_delivered",
    "refund_status.pending",
    "refund_status.done",
    "refund_status.none",
    "payment_methods",
    "store_hours",
    "change_address.ask_address",
    "change_address.done",
    "change_address.too_late",
    "account_help",
    "notify_me.subscribed",
    "notify_me.update",
    "language_changed",
    "oos",
    "oos_again",
    "handoff.customer_request",
    "handoff.negative_emotion",
    "handoff.sensitive_intent",
    "handoff.repeated_misunderstanding",
    "handoff.repeat_contact",
    "handoff.waiting",
    "handoff.no_agent_for_language",
    "handoff.agent_joined",
    "handoff.back_to_bot",
    "handoff.closed",
    "survey.ces",
    "survey.csat",
    "survey.thanks",
    "error.too_long",
    "error.unsupported_media",
    "error.order_system",
    "link.code",
    "link.done",
    "link.invalid",
];

pub const BUTTON_KEYS: &[&str] = &[
    "order_status",
    "delivery_info",
    "return_request",
    "refund_status",
    "payment_methods",
    "store_hours",
    "account_help",
    "human_agent",
    "notify_me",
    "yes",
    "no",
];

pub const STATUS_KEYS: &[&str] = &["created", "paid", "shipped", "delivered", "cancelled", "refund_pending", "refund_done"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    lang: String,
    replies: BTreeMap<String, Vec<String>>,
    buttons: BTreeMap<String, String>,
    status: BTreeMap<String, String>,
    format: Format,
}

/// How dates and amounts are written in a language.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Format {
    /// With `{day}`, `{month}` (a name from `months`) and `{year}`.
    date: String,
    months: Vec<String>,
    /// With `{amount}`, e.g. `{amount} ₸`.
    currency: String,
}

#[derive(Clone, Debug)]
struct LangTexts {
    replies: HashMap<String, Vec<String>>,
    buttons: HashMap<String, String>,
    status: HashMap<String, String>,
    format: Format,
}

#[derive(Clone, Debug)]
pub struct Responses {
    by_lang: HashMap<Lang, LangTexts>,
}

impl Responses {
    /// Loads every `<lang>.toml` in `dir`; every language must be complete.
    pub fn load(dir: &Path) -> Result<Self, BotError> {
        let paths = komek_nlu::content::toml_files(dir)?;
        let mut by_lang = HashMap::new();
        for path in paths {
            let err = |message: String| BotError::Content { file: path.display().to_string(), message };
            let text = std::fs::read_to_string(&path).map_err(|source| BotError::Io { path: path.display().to_string(), source })?;
            let file: File = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
            let lang = Lang::from_code(&file.lang).ok_or_else(|| err(format!("unsupported language {:?}", file.lang)))?;
            check_keys(&file, &err)?;
            by_lang.insert(
                lang,
                LangTexts {
                    replies: file.replies.into_iter().collect(),
                    buttons: file.buttons.into_iter().collect(),
                    status: file.status.into_iter().collect(),
                    format: file.format,
                },
            );
        }
        if by_lang.is_empty() {
            return Err(BotError::Content { file: dir.display().to_string(), message: "no response files".into() });
        }
        Ok(Self { by_lang })
    }

    pub fn languages(&self) -> impl Iterator<Item = Lang> + '_ {
        self.by_lang.keys().copied()
    }

    fn texts(&self, lang: Lang) -> &LangTexts {
        self.by_lang
            .get(&lang)
            .or_else(|| self.by_lang.get(&Lang::En))
            .or_else(|| self.by_lang.values().next())
            .expect("at least one language is loaded")
    }

    /// The reply `key` in `lang`, variant `pick` (modulo the number of variants), with `{name}`
    /// placeholders filled from `vars`.
    pub fn reply(&self, lang: Lang, key: &str, vars: &[(&str, &str)], pick: usize) -> String {
        let variants = self.texts(lang).replies.get(key).map(Vec::as_slice).unwrap_or_default();
        let Some(template) = variants.get(pick % variants.len().max(1)) else {
            return key.to_string();
        };
        fill(template, vars)
    }

    pub fn button(&self, lang: Lang, key: &str) -> String {
        self.texts(lang).buttons.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    pub fn status(&self, lang: Lang, key: &str) -> String {
        self.texts(lang).status.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// Whether every language has the reply `key`.
    pub fn has_reply(&self, key: &str) -> bool {
        self.by_lang.values().all(|t| t.replies.get(key).is_some_and(|v| !v.is_empty()))
    }

    /// Whether every language has the button `id`.
    pub fn has_button(&self, id: &str) -> bool {
        self.by_lang.values().all(|t| t.buttons.contains_key(id))
    }

    /// A date (unix ms, UTC) as the language writes it.
    pub fn date(&self, lang: Lang, ms: i64) -> String {
        let f = &self.texts(lang).format;
        let d = crate::clock::civil_date(ms);
        let month = f.months.get(d.month as usize - 1).cloned().unwrap_or_else(|| d.month.to_string());
        fill(&f.date, &[("day", &d.day.to_string()), ("month", &month), ("year", &d.year.to_string())])
    }

    /// An amount of money with thousands grouped (by a no-break space) and the currency sign.
    pub fn money(&self, lang: Lang, amount: i64) -> String {
        let digits = amount.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{a0}');
            }
            grouped.push(c);
        }
        if amount < 0 {
            grouped.insert(0, '-');
        }
        fill(&self.texts(lang).format.currency, &[("amount", &grouped)])
    }
}

/// Replaces `{name}` with its value; unknown names stay as they are.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template.
pub fn placeholders(template: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

fn check_keys(file: &File, err: &dyn Fn(String) -> BotError) -> Result<(), BotError> {
    for key in REPLY_KEYS {
        let variants = file.replies.get(*key).ok_or_else(|| err(format!("missing reply {key:?}")))?;
        if variants.is_empty() || variants.iter().any(|v| v.trim().is_empty()) {
            return Err(err(format!("reply {key:?} has an empty variant")));
        }
        let first = placeholders(&variants[0]);
        if let Some(v) = variants.iter().find(|v| placeholders(v) != first) {
            return Err(err(format!("reply {key:?}: variants use different placeholders ({v:?})")));
        }
    }
    for key in BUTTON_KEYS {
        if file.buttons.get(*key).is_none_or(|b| b.trim().is_empty()) {
            return Err(err(format!("missing button {key:?}")));
        }
    }
    let f = &file.format;
    if f.months.len() != 12 || f.months.iter().any(|m| m.trim().is_empty()) {
        return Err(err("[format] months must name the 12 months".into()));
    }
    if placeholders(&f.date) != ["day", "month", "year"].iter().map(|s| s.to_string()).collect() {
        return Err(err("[format] date must use {day}, {month} and {year}".into()));
    }
    if placeholders(&f.currency) != ["amount".to_string()].into_iter().collect() {
        return Err(err("[format] currency must use {amount}".into()));
    }
    for key in STATUS_KEYS {
        if file.status.get(*key).is_none_or(|s| s.trim().is_empty()) {
            return Err(err(format!("missing status name {key:?}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("Заказ {order_id}: {status}.", &[("order_id", "100017"), ("status", "в пути")]), "Заказ 100017: в пути.");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
        assert_eq!(placeholders("a {x} b {y}"), ["x", "y"].iter().map(|s| s.to_string()).collect());
    }

    #[test]
    fn dates_and_money_per_language() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/responses");
        let r = Responses::load(&dir).unwrap();
        let ms = 1_795_782_600_000; // 2026-11-27
        assert_eq!(r.date(Lang::Ru, ms), "27 ноября 2026");
        assert_eq!(r.date(Lang::En, ms), "November 27, 2026");
        assert_eq!(r.money(Lang::Ru, 1_234_567), "1\u{a0}234\u{a0}567 ₸");
        assert_eq!(r.money(Lang::En, 990), "990 ₸");
    }

    #[test]
    fn shipped_responses_are_complete_and_consistent() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/responses");
        let r = Responses::load(&dir).unwrap();
        let langs: BTreeSet<Lang> = r.languages().collect();
        assert_eq!(langs, Lang::ALL.into_iter().collect(), "every shipped language has replies");
        // The same placeholders in every language as in English.
        for key in REPLY_KEYS {
            let en = placeholders(&r.texts(Lang::En).replies[*key][0]);
            for lang in &langs {
                for v in &r.texts(*lang).replies[*key] {
                    assert_eq!(placeholders(v), en, "{lang} {key}: {v}");
                }
            }
        }
    }
}
