//! The bot's words per language, in Fluent (`models/content/responses/<lang>.ftl`; how the files
//! work is written at the top of en.ftl): replies, button labels, order status names and dates;
//! `money.toml` beside them says how amounts are written. Loading checks every language against
//! English — the same messages with the same variables, no syntax errors, every plural form and
//! variant resolving — so a missing or broken translation fails at start and in `komek check`, not
//! in front of a customer.

mod money;
mod syntax;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use intl_pluralrules::{PluralRuleType, PluralRules};
use komek_nlu::Lang;
use unic_langid::LanguageIdentifier;

use crate::error::BotError;
use money::Money;
use syntax::{Shape, VARIANT, line_at, line_of};

/// Reply keys the dialogue uses.
pub const REPLY_KEYS: &[&str] = &[
    "greeting",
    "clarify",
    "clarify_noise",
    "not_helpful",
    "followup_more",
    "ack",
    "withdrawn",
    "unsupported_language",
    "language_name",
    "ask_contact",
    "contact_not_found",
    "which_order",
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
    "queue.waiting",
    "queue.no_agent_for_language",
    "handoff.agent_joined",
    "handoff.back_to_bot",
    "handoff.closed",
    "queue.still_waiting",
    "queue.still_waiting_no_agent",
    "queue.noted",
    "queue.noted_no_agent",
    "queue.still_queued",
    "queue.update",
    "queue.agent_available",
    "queue.no_agent",
    "handoff.withdrawn",
    "queue.wait_any",
    "queue.answer_later",
    "survey.ces",
    "survey.csat",
    "survey.thanks",
    "error.too_long",
    "error.unsupported_media",
    "error.order_system",
    "orders_limited",
    "link.code",
    "link.done",
    "link.invalid",
    "link.confirm",
    "link.pending",
    "link.declined",
    "link.limited",
];

pub const BUTTON_KEYS: &[&str] = &[
    "something_else",
    "another_order",
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
    "queue_wait_any",
    "queue_bot",
    "queue_later",
];

pub const STATUS_KEYS: &[&str] = &["created", "paid", "shipped", "delivered", "cancelled", "refund_pending", "refund_done"];


/// Every other language is checked against this one.
const REFERENCE: Lang = Lang::En;
const DATE: &str = "date";
const DATE_VARIABLES: [&str; 3] = ["day", "month", "year"];
const BUTTON_PREFIX: &str = "button-";
const STATUS_PREFIX: &str = "status-";
const MONEY_FILE: &str = "money.toml";
/// Languages written right to left (their messages must not begin with a value).
const RIGHT_TO_LEFT: &[Lang] = &[Lang::Ar];
/// Counts every message that selects on a number is tried with at load: each CLDR plural category
/// of the shipped languages (Arabic has six) and a fraction.
const SAMPLE_COUNTS: &[&str] = &["0", "1", "2", "3", "5", "11", "21", "102", "1.5"];

/// The Fluent message of a reply key: `order_status.shipped` is `order_status-shipped` (Fluent names
/// have no dots); `None` for names that belong to labels, status names or the date.
fn reply_id(key: &str) -> Option<String> {
    let id = key.replace('.', "-");
    (!id.starts_with(BUTTON_PREFIX) && !id.starts_with(STATUS_PREFIX) && id != DATE).then_some(id)
}

struct LangTexts {
    bundle: FluentBundle<FluentResource>,
    /// How many variants a message has, for those with more than one.
    variants: HashMap<String, usize>,
}

pub struct Responses {
    by_lang: HashMap<Lang, LangTexts>,
    /// By message: the variables some language selects on (plural forms), which go to Fluent as
    /// numbers; the others go as text, so that an order number like "007" stays as written.
    numbers: HashMap<String, BTreeSet<String>>,
    money: Money,
    /// The reference language's file and its messages with their lines, for errors about them.
    reference: (PathBuf, Vec<(String, Option<usize>)>),
}

impl fmt::Debug for Responses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut langs: Vec<&str> = self.by_lang.keys().map(|l| l.code()).collect();
        langs.sort_unstable();
        f.debug_struct("Responses").field("languages", &langs).finish_non_exhaustive()
    }
}

/// A file parsed, before it goes into a bundle.
struct Parsed {
    lang: Lang,
    locale: LanguageIdentifier,
    path: PathBuf,
    resource: FluentResource,
    shapes: BTreeMap<String, Shape>,
}

impl Parsed {
    fn line(&self, id: &str) -> Option<usize> {
        line_of(self.resource.source(), id)
    }
}

/// What is wrong with the files, each as "file:line" and what, reported together.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, path: &Path, line: Option<usize>, what: impl fmt::Display) {
        let place = match line {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        };
        self.0.push((place, what.to_string()));
    }

    fn check(self, dir: &Path) -> Result<(), BotError> {
        match self.0.as_slice() {
            [] => Ok(()),
            [(place, what)] => Err(BotError::Content { file: place.clone(), message: what.clone() }),
            all => {
                let lines: Vec<String> = all.iter().map(|(place, what)| format!("  {place}: {what}")).collect();
                Err(BotError::Content { file: dir.display().to_string(), message: format!("{} problems:\n{}", all.len(), lines.join("\n")) })
            }
        }
    }
}

impl Responses {
    /// Loads every `<lang>.ftl` in `dir` and `money.toml`; fails, naming each file and line, unless
    /// all are complete and consistent with English.
    pub fn load(dir: &Path) -> Result<Self, BotError> {
        let money = Money::load(&dir.join(MONEY_FILE))?;
        let mut problems = Problems::default();
        let mut parsed = Vec::new();
        for path in files(dir, &mut problems)? {
            if let Some(p) = parse(&path, &mut problems)? {
                if !money.covers(p.lang) {
                    problems.add(&dir.join(MONEY_FILE), None, format!("says nothing of {}, which has {}", p.lang.code(), path.display()));
                }
                parsed.push(p);
            }
        }
        let Some(reference) = parsed.iter().find(|p| p.lang == REFERENCE) else {
            problems.add(dir, None, format!("no {}.ftl: every language is checked against it", REFERENCE.code()));
            return Err(problems.check(dir).expect_err("a problem was added"));
        };
        check_reference(reference, &mut problems);
        for p in parsed.iter().filter(|p| p.lang != REFERENCE) {
            compare(p, reference, &mut problems);
        }
        let mut numbers: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (id, shape) in parsed.iter().flat_map(|p| &p.shapes) {
            numbers.entry(id.clone()).or_default().extend(shape.selectors.iter().cloned());
        }
        let reference = (reference.path.clone(), reference.shapes.keys().map(|id| (id.clone(), reference.line(id))).collect());
        let mut shapes = Vec::new();
        let mut by_lang = HashMap::new();
        for p in parsed {
            let mut bundle = FluentBundle::new_concurrent(vec![p.locale.clone()]);
            // Fluent wraps every value it puts into a message in Unicode isolation marks (FSI … PDI)
            // so that the value cannot reorder the text around it. Here they would travel inside the
            // reply: a customer copying an order number or a link code from Telegram or the widget
            // would copy two invisible characters with it, and every comparison of reply texts
            // would have to strip them. The values are digits, codes, dates, amounts and names,
            // which the bidirectional algorithm places correctly inside Arabic text by itself; the
            // one place isolation would matter, a right-to-left message that begins with a Latin
            // value (its first letter sets the direction of a Telegram message), is refused at
            // load (see `parse`).
            bundle.set_use_isolating(false);
            let lines: HashMap<String, Option<usize>> = p.shapes.keys().map(|id| (id.clone(), p.line(id))).collect();
            if let Err(errors) = bundle.add_resource(p.resource) {
                for e in errors {
                    let line = match &e {
                        FluentError::Overriding { id, .. } => lines.get(id).copied().flatten(),
                        _ => None,
                    };
                    problems.add(&p.path, line, e);
                }
            }
            let variants = p.shapes.iter().filter(|(_, s)| s.variants > 1).map(|(id, s)| (id.clone(), s.variants)).collect();
            by_lang.insert(p.lang, LangTexts { bundle, variants });
            shapes.push((p.lang, p.path, p.shapes, lines));
        }
        let responses = Self { by_lang, numbers, money, reference };
        // Resolving needs consistent files; it would only repeat what is already reported.
        if problems.0.is_empty() {
            for (lang, path, shapes, lines) in &shapes {
                responses.check_resolution(*lang, path, shapes, lines, &mut problems);
            }
        }
        problems.check(dir)?;
        Ok(responses)
    }

    pub fn languages(&self) -> impl Iterator<Item = Lang> + '_ {
        self.by_lang.keys().copied()
    }

    fn texts(&self, lang: Lang) -> &LangTexts {
        self.by_lang
            .get(&lang)
            .or_else(|| self.by_lang.get(&REFERENCE))
            .or_else(|| self.by_lang.values().next())
            .expect("at least one language is loaded")
    }

    /// The reply `key` in `lang`, variant `pick` (modulo the number of variants), with the
    /// variables `vars`.
    pub fn reply(&self, lang: Lang, key: &str, vars: &[(&str, &str)], pick: usize) -> String {
        reply_id(key).and_then(|id| self.text(lang, &id, vars, pick)).unwrap_or_else(|| key.to_string())
    }

    pub fn button(&self, lang: Lang, key: &str) -> String {
        self.text(lang, &format!("{BUTTON_PREFIX}{key}"), &[], 0).unwrap_or_else(|| key.to_string())
    }

    pub fn status(&self, lang: Lang, key: &str) -> String {
        self.text(lang, &format!("{STATUS_PREFIX}{key}"), &[], 0).unwrap_or_else(|| key.to_string())
    }

    /// Whether every language has the reply `key`.
    pub fn has_reply(&self, key: &str) -> bool {
        reply_id(key).is_some_and(|id| self.by_lang.values().all(|t| t.bundle.has_message(&id)))
    }

    /// Whether every language has the button `id`.
    pub fn has_button(&self, id: &str) -> bool {
        let id = format!("{BUTTON_PREFIX}{id}");
        self.by_lang.values().all(|t| t.bundle.has_message(&id))
    }

    /// A date (unix ms, UTC) as the language writes it.
    pub fn date(&self, lang: Lang, ms: i64) -> String {
        let d = crate::clock::civil_date(ms);
        self.civil_date(lang, d.year, d.month, d.day)
    }

    fn civil_date(&self, lang: Lang, year: i64, month: u32, day: u32) -> String {
        let mut args = FluentArgs::new();
        args.set("day", day);
        args.set("month", month);
        args.set("year", year);
        match self.format(lang, DATE, &args) {
            Some((text, _)) => text,
            None => format!("{year:04}-{month:02}-{day:02}"),
        }
    }

    /// `amount` whole units of `currency` (ISO 4217, e.g. "KZT", "USD") as the language writes
    /// them: "12 990 ₸", "$12,990"; an unknown currency with its code.
    pub fn money(&self, lang: Lang, amount: i64, currency: &str) -> String {
        self.money.format(lang, amount, currency)
    }

    /// Fails when the reference language has messages nothing uses: replies beside [`REPLY_KEYS`],
    /// the handoff reasons and `replies` (those dialogue.toml names), button labels beside
    /// [`BUTTON_KEYS`] and `buttons`, status names beside [`STATUS_KEYS`].
    pub fn check_used(&self, replies: &[&str], buttons: &[&str]) -> Result<(), BotError> {
        let handoffs: Vec<String> = komek_handoff::Reason::ALL.iter().map(|r| format!("handoff.{}", r.as_str())).collect();
        let (path, ids) = &self.reference;
        let mut problems = Problems::default();
        for (id, line) in ids {
            let used = if let Some(button) = id.strip_prefix(BUTTON_PREFIX) {
                BUTTON_KEYS.contains(&button) || buttons.contains(&button)
            } else if let Some(status) = id.strip_prefix(STATUS_PREFIX) {
                STATUS_KEYS.contains(&status)
            } else if id == DATE {
                true
            } else {
                let key = id.replace('-', ".");
                REPLY_KEYS.contains(&key.as_str()) || replies.contains(&key.as_str()) || handoffs.contains(&key)
            };
            if !used {
                problems.add(path, *line, format!("`{id}` is used by neither the bot nor dialogue.toml"));
            }
        }
        problems.check(path.parent().unwrap_or(path))
    }

    /// A message with `vars`, or `None` when the language lacks it; resolution errors are logged.
    fn text(&self, lang: Lang, id: &str, vars: &[(&str, &str)], pick: usize) -> Option<String> {
        let args = self.args(lang, id, vars, pick);
        let (text, errors) = self.format(lang, id, &args)?;
        if !errors.is_empty() {
            tracing::warn!(lang = lang.code(), id, ?errors, "a message resolved with errors");
        }
        Some(text)
    }

    fn args<'a>(&self, lang: Lang, id: &str, vars: &[(&'a str, &'a str)], pick: usize) -> FluentArgs<'a> {
        let numbers = self.numbers.get(id);
        let mut args = FluentArgs::with_capacity(vars.len() + 1);
        for (name, value) in vars {
            let value = if numbers.is_some_and(|n| n.contains(*name)) { FluentValue::try_number(value) } else { FluentValue::from(*value) };
            args.set(*name, value);
        }
        let variants = self.texts(lang).variants.get(id).copied().unwrap_or(1);
        args.set(VARIANT, pick % variants);
        args
    }

    fn format(&self, lang: Lang, id: &str, args: &FluentArgs<'_>) -> Option<(String, Vec<FluentError>)> {
        let bundle = &self.texts(lang).bundle;
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors).into_owned();
        Some((text, errors))
    }

    /// Resolves every message of `lang` in every variant, with counts that reach every plural
    /// form, so that a reference to a missing message, an unknown function or an empty form is
    /// caught here.
    fn check_resolution(
        &self,
        lang: Lang,
        path: &Path,
        shapes: &BTreeMap<String, Shape>,
        lines: &HashMap<String, Option<usize>>,
        problems: &mut Problems,
    ) {
        for (id, shape) in shapes {
            let line = lines.get(id).copied().flatten();
            let numbers = self.numbers.get(id);
            let counts: &[&str] = if numbers.is_some_and(|n| !n.is_empty()) { SAMPLE_COUNTS } else { &["1"] };
            'variants: for pick in 0..shape.variants {
                for count in counts {
                    let vars: Vec<(&str, &str)> = shape
                        .variables
                        .iter()
                        .map(|v| (v.as_str(), if numbers.is_some_and(|n| n.contains(v)) { *count } else { "x" }))
                        .collect();
                    let Some((text, errors)) = self.format(lang, id, &self.args(lang, id, &vars, pick)) else { continue };
                    let when = if shape.variants > 1 { format!(" (variant {pick}, count {count})") } else { format!(" (count {count})") };
                    if let Some(e) = errors.first() {
                        problems.add(path, line, format!("`{id}`{when}: {e}"));
                        break 'variants;
                    }
                    if text.trim().is_empty() {
                        problems.add(path, line, format!("`{id}`{when} is empty"));
                        break 'variants;
                    }
                }
            }
        }
        // Twelve months, twelve different dates.
        let mut seen: HashMap<String, u32> = HashMap::new();
        for month in 1..=12u32 {
            if let Some(earlier) = seen.insert(self.civil_date(lang, 2026, month, 27), month) {
                problems.add(path, lines.get(DATE).copied().flatten(), format!("`{DATE}` writes month {month} as it writes month {earlier}"));
            }
        }
    }
}

/// The files of `dir` that the bot reads: `<lang>.ftl`; a leftover reply file in another format is
/// a problem, not silently ignored.
fn files(dir: &Path, problems: &mut Problems) -> Result<Vec<PathBuf>, BotError> {
    let io = |source| BotError::Io { path: dir.display().to_string(), source };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("ftl") => out.push(path),
            Some("toml") if path.file_name().is_some_and(|n| n != MONEY_FILE) => {
                problems.add(&path, None, "replies are Fluent files now (<lang>.ftl); remove this file");
            }
            _ => {}
        }
    }
    out.sort();
    Ok(out)
}

/// Reads and parses one file; `None` when it has problems that stop further checks.
fn parse(path: &Path, problems: &mut Problems) -> Result<Option<Parsed>, BotError> {
    let code = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let Some(lang) = Lang::from_code(code) else {
        problems.add(path, None, format!("{code:?} is not a supported language code"));
        return Ok(None);
    };
    let locale: LanguageIdentifier = match code.parse() {
        Ok(locale) => locale,
        Err(e) => {
            problems.add(path, None, format!("{code:?}: {e}"));
            return Ok(None);
        }
    };
    if PluralRules::create(locale.clone(), PluralRuleType::CARDINAL).is_err() {
        problems.add(path, None, format!("CLDR has no plural rules for {code:?}"));
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|source| BotError::Io { path: path.display().to_string(), source })?;
    let resource = match FluentResource::try_new(text) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            for e in errors {
                problems.add(path, Some(line_at(resource.source(), e.pos.start)), e);
            }
            return Ok(None);
        }
    };
    let mut shapes = BTreeMap::new();
    for entry in resource.entries() {
        if let ast::Entry::Message(m) = entry {
            // The date's values are numbers, which set no direction.
            if RIGHT_TO_LEFT.contains(&lang) && m.id.name != DATE && syntax::starts_with_variable(m) {
                let what = format!("`{}` begins with a value, which could turn the message left-to-right: begin with a word", m.id.name);
                problems.add(path, line_of(resource.source(), m.id.name), what);
            }
            match syntax::shape(m) {
                Ok(shape) => {
                    shapes.insert(m.id.name.to_string(), shape);
                }
                Err(e) => problems.add(path, line_of(resource.source(), m.id.name), format!("`{}` {e}", m.id.name)),
            }
        }
    }
    Ok(Some(Parsed { lang, locale, path: path.to_path_buf(), resource, shapes }))
}

/// The reference language has every message the bot uses, with the variables the bot gives.
fn check_reference(en: &Parsed, problems: &mut Problems) {
    let mut expect = |id: String, variables: Option<&[&str]>| match en.shapes.get(&id) {
        None => problems.add(&en.path, None, format!("lacks `{id}`, which the bot uses")),
        Some(shape) => {
            if let Some(variables) = variables
                && !shape.variables.iter().map(String::as_str).eq(variables.iter().copied())
            {
                problems.add(&en.path, en.line(&id), format!("`{id}` must use exactly {}", list(variables.iter().copied())));
            }
        }
    };
    for key in REPLY_KEYS {
        expect(reply_id(key).expect("reply keys are reply ids"), None);
    }
    for key in BUTTON_KEYS {
        expect(format!("{BUTTON_PREFIX}{key}"), Some(&[]));
    }
    for key in STATUS_KEYS {
        expect(format!("{STATUS_PREFIX}{key}"), Some(&[]));
    }
    expect(DATE.to_string(), Some(&DATE_VARIABLES));
}

/// A language has exactly the reference's messages, each with the same variables.
fn compare(p: &Parsed, en: &Parsed, problems: &mut Problems) {
    let en_name = en.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    for (id, en_shape) in &en.shapes {
        match p.shapes.get(id) {
            None => problems.add(&p.path, None, format!("lacks `{id}` ({en_name} has it)")),
            Some(shape) if shape.variables != en_shape.variables => problems.add(
                &p.path,
                p.line(id),
                format!("`{id}` uses {}, {en_name} {}", list(shape.variables.iter()), list(en_shape.variables.iter())),
            ),
            Some(_) => {}
        }
    }
    for id in p.shapes.keys().filter(|id| !en.shapes.contains_key(*id)) {
        problems.add(&p.path, p.line(id), format!("`{id}` is not in {en_name}, so nothing uses it"));
    }
}

fn list<'a>(variables: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    let names: Vec<String> = variables.map(|v| format!("${}", v.as_ref())).collect();
    if names.is_empty() { "no variables".into() } else { names.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/responses")
    }

    fn shipped() -> Responses {
        Responses::load(&shipped_dir()).unwrap()
    }

    fn waiting(r: &Responses, lang: Lang, minutes: u32) -> String {
        r.reply(lang, "queue.update", &[("position", "3"), ("minutes", &minutes.to_string())], 0)
    }

    #[test]
    fn minutes_take_each_languages_plural_forms() {
        let r = shipped();
        let cases: [(Lang, [&str; 5]); 4] = [
            (Lang::Ru, ["примерно 1 минута.", "примерно 2 минуты.", "примерно 5 минут.", "примерно 11 минут.", "примерно 21 минута."]),
            (Lang::Uk, ["приблизно 1 хвилина.", "приблизно 2 хвилини.", "приблизно 5 хвилин.", "приблизно 11 хвилин.", "приблизно 21 хвилина."]),
            // Kazakh nouns stay singular after a numeral.
            (Lang::Kk, ["шамамен 1 минут.", "шамамен 2 минут.", "шамамен 5 минут.", "шамамен 11 минут.", "шамамен 21 минут."]),
            // Arabic: one and two say the noun alone (singular, dual), 3–10 the plural, 11–99 the singular.
            (Lang::Ar, ["نحو دقيقة واحدة.", "نحو دقيقتين.", "نحو 5 دقائق.", "نحو 11 دقيقة.", "نحو 21 دقيقة."]),
        ];
        for (lang, expected) in cases {
            for (minutes, words) in [1, 2, 5, 11, 21].into_iter().zip(expected) {
                let text = waiting(&r, lang, minutes);
                assert!(text.ends_with(words), "{lang} {minutes}: {text}");
            }
        }
        assert!(waiting(&r, Lang::En, 1).ends_with("about 1 minute."));
        assert!(waiting(&r, Lang::En, 5).ends_with("about 5 minutes."));
    }

    #[test]
    fn money_is_written_in_the_orders_currency() {
        let r = shipped();
        assert_eq!(r.money(Lang::En, 12_990, "USD"), "$12,990");
        assert_eq!(r.money(Lang::Ru, 12_990, "USD"), "12\u{a0}990\u{a0}$");
        assert_eq!(r.money(Lang::Ru, 1_234_567, "KZT"), "1\u{a0}234\u{a0}567\u{a0}₸");
        assert_eq!(r.money(Lang::De, 12_990, "EUR"), "12.990\u{a0}€");
        assert_eq!(r.money(Lang::Fr, 12_990, "eur"), "12\u{202f}990\u{a0}€");
        assert_eq!(r.money(Lang::Es, 4_990, "EUR"), "4990\u{a0}€", "Spanish groups from five digits");
        assert_eq!(r.money(Lang::Es, 12_990, "EUR"), "12.990\u{a0}€");
        assert_eq!(r.money(Lang::Tr, 12_990, "TRY"), "₺12.990");
        assert_eq!(r.money(Lang::Uz, 50_000, "UZS"), "50\u{a0}000\u{a0}soʻm");
        assert_eq!(r.money(Lang::En, 990, "CHF"), "CHF\u{a0}990", "an unknown currency by its code");
        assert_eq!(r.money(Lang::Kk, 990, "CHF"), "990\u{a0}CHF");
    }

    #[test]
    fn a_reply_about_an_order_in_dollars_says_dollars() {
        let r = shipped();
        for lang in Lang::ALL {
            let amount = r.money(lang, 12_990, "USD");
            let text = r.reply(lang, "refund_status.pending", &[("order_id", "777002"), ("amount", &amount), ("date", "x")], 0);
            assert!(text.contains('$') && !text.contains('₸') && text.contains("777002"), "{lang}: {text}");
        }
    }

    #[test]
    fn variants_take_turns_and_values_are_not_isolated() {
        let r = shipped();
        let greetings: Vec<String> = (0..4).map(|pick| r.reply(Lang::En, "greeting", &[], pick)).collect();
        assert_ne!(greetings[0], greetings[1]);
        assert_ne!(greetings[1], greetings[2]);
        assert_eq!(greetings[3], greetings[0], "the pick wraps around");
        // One variant only: every pick gives it.
        assert_eq!(r.reply(Lang::En, "ask_order_id", &[], 7), r.reply(Lang::En, "ask_order_id", &[], 0));
        let text = r.reply(Lang::Ar, "order_not_found", &[("order_id", "007")], 0);
        assert!(text.contains("007"), "an order number stays as written: {text}");
        assert!(!text.contains(['\u{2068}', '\u{2069}']), "no isolation marks: {text:?}");
        assert_eq!(r.reply(Lang::En, "no.such.reply", &[], 0), "no.such.reply");
    }

    #[test]
    fn dates_buttons_and_status_names_per_language() {
        let r = shipped();
        let ms = 1_795_782_600_000; // 2026-11-27
        assert_eq!(r.date(Lang::Ru, ms), "27 ноября 2026");
        assert_eq!(r.date(Lang::En, ms), "November 27, 2026");
        assert_eq!(r.date(Lang::Zh, ms), "2026年11月27日");
        assert_eq!(r.date(Lang::Kk, ms), "2026 жылғы 27 қараша");
        assert_eq!(r.button(Lang::En, "yes"), "Yes");
        assert_eq!(r.status(Lang::Ru, "shipped"), "Отправлен");
        assert!(r.has_reply("queue.waiting") && r.has_button("human_agent"));
        assert!(!r.has_reply("button.yes"), "labels are not replies");
    }

    #[test]
    fn every_shipped_language_is_loaded() {
        let langs: BTreeSet<Lang> = shipped().languages().collect();
        assert_eq!(langs, Lang::ALL.into_iter().collect());
    }

    /// Loads a copy of the shipped files, each edited by `edit(file name, text)`.
    fn load_edited(name: &str, edit: impl Fn(&str, String) -> String) -> Result<Responses, BotError> {
        let dir = std::env::temp_dir().join(format!("komek-responses-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(shipped_dir()).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_str().unwrap();
            std::fs::write(dir.join(file), edit(file, std::fs::read_to_string(&path).unwrap())).unwrap();
        }
        let result = Responses::load(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    /// The error of loading the shipped files with one of them edited.
    fn load_error(name: &str, file: &str, edit: impl Fn(String) -> String) -> String {
        load_edited(name, |f, text| if f == file { edit(text) } else { text }).expect_err("the edited files do not load").to_string()
    }

    fn without_line(text: String, start: &str) -> String {
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with(start)).collect();
        assert_eq!(lines.len() + 1, text.lines().count(), "{start} is one line");
        lines.join("\n")
    }

    #[test]
    fn a_missing_message_fails_naming_the_file() {
        let e = load_error("missing", "uk.ftl", |t| without_line(t, "link-done ="));
        assert!(e.contains("uk.ftl") && e.contains("lacks `link-done`"), "{e}");
    }

    #[test]
    fn a_missing_variable_fails_naming_the_file_and_line() {
        let e = load_error("variable", "de.ftl", |t| t.replace("mit der Nummer { $order_id } konnte", "mit dieser Nummer konnte"));
        let line = std::fs::read_to_string(shipped_dir().join("de.ftl")).unwrap().lines().position(|l| l.starts_with("order_not_found =")).unwrap() + 1;
        assert!(e.contains(&format!("de.ftl:{line}")) && e.contains("`order_not_found` uses no variables, en.ftl $order_id"), "{e}");
    }

    #[test]
    fn syntax_errors_extra_messages_and_untranslated_labels_fail() {
        let e = load_error("syntax", "fr.ftl", |t| t.replacen("survey-thanks =", "survey-thanks = { $oops", 1));
        assert!(e.contains("fr.ftl:") && e.contains("Expected"), "{e}");
        let e = load_error("extra", "es.ftl", |t| t + "\nextra-reply = ¿Qué?\n");
        assert!(e.contains("es.ftl:") && e.contains("`extra-reply` is not in en.ftl"), "{e}");
        let e = load_error("button", "en.ftl", |t| without_line(t, "button-no ="));
        assert!(e.contains("en.ftl") && e.contains("lacks `button-no`"), "{e}");
        let e = load_error("plural", "ru.ftl", |t| t.replace("[few] { $minutes } минуты", "[few] { $minutes } { -minutes }"));
        assert!(e.contains("ru.ftl:") && e.contains("queue-waiting") && e.contains("minutes"), "an unknown term fails: {e}");
        let e = load_error("rtl", "ar.ftl", |t| t.replace("handoff-agent_joined = معكم الآن في المحادثة: { $agent }.", "handoff-agent_joined = { $agent } معكم."));
        assert!(e.contains("ar.ftl:") && e.contains("`handoff-agent_joined` begins with a value"), "{e}");
    }

    #[test]
    fn messages_nothing_uses_fail() {
        let r = load_edited("unused", |file, text| if file.ends_with(".ftl") { text + "\nloyalty_program = …\nbutton-loyalty = …\n" } else { text }).unwrap();
        let e = r.check_used(&[], &[]).unwrap_err().to_string();
        assert!(e.contains("en.ftl:") && e.contains("`loyalty_program` is used by neither") && e.contains("`button-loyalty`"), "{e}");
        r.check_used(&["loyalty_program"], &["loyalty"]).expect("used by dialogue.toml");
        shipped().check_used(&[], &[]).expect("the shipped replies are all used by the bot");
    }
}
