//! Scripted customer journeys (tests/data/journeys, format in its README.md) run against the real
//! service, and what each turn showed: the replies, their language, what the bot asked for, whether
//! it clarified, closed or handed over. The verdicts are computed from the conversation's event log,
//! the same log the console and reports read.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use komek::events::{EventBody, EventKind};

use crate::TestService;
use crate::chat::Customer;

#[derive(Debug, Deserialize)]
pub struct Journey {
    pub id: String,
    pub lang: String,
    pub channel: String,
    pub locale: Option<String>,
    #[serde(default)]
    pub about: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub turns: Vec<TurnSpec>,
    pub expect: JourneyExpect,
}

/// One customer turn: a typed line or a tap on a button the bot showed.
#[derive(Debug, Deserialize)]
pub struct TurnSpec {
    pub say: Option<String>,
    pub click: Option<String>,
    #[serde(default)]
    pub expect: TurnExpect,
}

#[derive(Debug, Default, Deserialize)]
pub struct TurnExpect {
    /// The bot answered (or asked about) this intent in this turn.
    pub intent: Option<String>,
    /// Handed to a person by the end of this turn (true) or not (false).
    pub handoff: Option<bool>,
    /// Strings the replies of this turn contain.
    #[serde(default)]
    pub mentions: Vec<String>,
    #[serde(default)]
    pub not_mentions: Vec<String>,
    /// The language of the last reply of this turn.
    pub lang: Option<String>,
    /// What the bot asks for at the end of this turn (order_id, address, which_order, contact).
    pub asks: Option<String>,
    pub closes: Option<bool>,
    pub clarify: Option<bool>,
    /// An honest "we can't help with that here".
    pub oos: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct JourneyExpect {
    pub reply_lang: String,
    pub handoff: HandoffExpect,
    /// The routine request(s) the bot itself answers, each by a turn.
    #[serde(default, deserialize_with = "one_or_many")]
    pub answered: Vec<Answered>,
    #[serde(default = "yes")]
    pub no_repeat_ask: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HandoffExpect {
    /// `false`: the bot handles the journey alone (`true` is not used: say by which turn).
    Never(bool),
    By { by_turn: usize, reason: Option<String> },
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Answered>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Answered),
        Many(Vec<Answered>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(a)) => vec![a],
        Some(OneOrMany::Many(v)) => v,
    })
}

#[derive(Debug, Deserialize)]
pub struct Answered {
    pub intent: String,
    pub by_turn: usize,
}

pub fn read_journeys(dir: &Path) -> Vec<Journey> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten().map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let j: Journey = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
            out.push(j);
        }
    }
    out
}

/// What one turn showed.
#[derive(Debug, Default)]
pub struct Observed {
    pub replies: Vec<Reply>,
    pub state: String,
    /// The reason of a handoff requested in this turn.
    pub handoff_reason: Option<String>,
    /// Facts the customer gave in this turn (order_id, phone, email, address).
    pub facts: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub text: String,
    pub lang: String,
    pub key: String,
    pub intent: Option<String>,
    pub awaiting_slot: Option<String>,
    pub buttons: Vec<(String, String)>,
}

impl Reply {
    pub fn is_clarification(&self) -> bool {
        self.key == "clarify" || self.key == "clarify_noise"
    }
    pub fn is_out_of_scope(&self) -> bool {
        matches!(self.key.as_str(), "oos" | "oos_again" | "unsupported_language")
    }
    /// A question for a missing fact or a meaning, not an answer (an answer may still ask for
    /// more, e.g. the return rules and then "which order?").
    pub fn is_question(&self) -> bool {
        self.is_clarification() || matches!(self.key.as_str(), "ask_order_id" | "which_order" | "ask_contact") || self.key.ends_with(".ask_address")
    }
    /// What the bot waits for after this reply.
    pub fn asks(&self) -> Option<&str> {
        match (self.key.as_str(), &self.awaiting_slot) {
            ("which_order", _) => Some("which_order"),
            (_, Some(slot)) => Some(slot.as_str()),
            ("ask_contact", None) => Some("contact"),
            _ => None,
        }
    }
}

impl Observed {
    fn text(&self) -> String {
        self.replies.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n").to_lowercase()
    }
    fn with_people(&self) -> bool {
        self.state == "waiting_agent" || self.state == "with_agent"
    }
}

/// A journey's outcome: the failures (empty when it passed) and the turn that answered its request.
#[derive(Debug)]
pub struct Outcome {
    pub id: String,
    pub failures: Vec<String>,
    /// For each request answered: customer turns from its first mention to its answer.
    pub turns_to_answer: Vec<usize>,
    pub customer_turns: usize,
    pub clarifications: usize,
    pub transcript: Vec<(String, Observed)>,
}

/// Plays a journey on the web chat API (Telegram journeys too: the channel only changes the
/// language hint, which the locale carries) and judges it.
pub async fn play(service: &TestService, j: &Journey) -> Outcome {
    let customer = Customer::start_from(&service.base, j.locale.as_deref()).await;
    let store = service.store();
    let mut last_event = 0i64;
    let mut observed: Vec<(String, Observed)> = Vec::new();
    let mut buttons: Vec<(String, String)> = Vec::new();
    for turn in &j.turns {
        let (line, answer) = match (&turn.say, &turn.click) {
            (_, Some(id)) => {
                let label = buttons.iter().find(|(b, _)| b == id).map_or(id.clone(), |(_, l)| l.clone());
                (format!("[{label}]"), customer.click(id, &label).await)
            }
            (Some(text), None) => (text.clone(), customer.say(text).await),
            (None, None) => panic!("{}: a turn without say or click", j.id),
        };
        let events = store.session_events_of(&customer.session_id, last_event, OBSERVED_KINDS).await.expect("events");
        let mut o = Observed { state: answer.state.clone(), ..Default::default() };
        for e in &events {
            last_event = last_event.max(e.id);
            match &e.body {
                EventBody::BotMessage { text, lang, key, intent, buttons, awaiting, .. } => o.replies.push(Reply {
                    text: text.clone(),
                    lang: lang.code().to_string(),
                    key: key.clone(),
                    intent: intent.clone(),
                    awaiting_slot: awaiting.as_ref().map(|a| a.slot.clone()),
                    buttons: buttons.iter().map(|b| (b.id.clone(), b.label.clone())).collect(),
                }),
                EventBody::HandoffRequested { reason, .. } => o.handoff_reason = Some(reason.as_str().to_string()),
                EventBody::Fact { name, .. } => o.facts.push(name.clone()),
                _ => {}
            }
        }
        if let Some(last) = o.replies.last() {
            buttons = last.buttons.clone();
        }
        observed.push((line, o));
    }
    judge(j, observed)
}

fn judge(j: &Journey, observed: Vec<(String, Observed)>) -> Outcome {
    let mut failures = Vec::new();
    let mut fail = |n: usize, what: String| failures.push(if n == 0 { what } else { format!("turn {n}: {what}") });
    let mut handed_at: Option<(usize, Option<String>)> = None;
    let mut answered_at: Vec<Option<usize>> = vec![None; j.expect.answered.len()];
    let mut given: HashSet<String> = HashSet::new();
    let mut asked_repeat: Option<(usize, String)> = None;
    for (i, (spec, (_, o))) in j.turns.iter().zip(&observed).enumerate() {
        let n = i + 1;
        let e = &spec.expect;
        if handed_at.is_none() && (o.with_people() || o.handoff_reason.is_some()) {
            handed_at = Some((n, o.handoff_reason.clone()));
        }
        let text = o.text();
        if let Some(intent) = &e.intent {
            let shown = o.replies.iter().any(|r| r.intent.as_deref() == Some(intent.as_str()) || r.key == *intent)
                || (intent == "human_agent" && handed_at.is_some())
                || (intent == "language_change" && o.replies.iter().any(|r| r.key == "language_changed"));
            if !shown {
                fail(n, format!("expected the bot to take up {intent}, it replied {}", keys(o)));
            }
        }
        if let Some(want) = e.handoff
            && want != handed_at.is_some()
        {
            fail(n, format!("expected handoff={want}, state {}", o.state));
        }
        for m in &e.mentions {
            if !text.contains(&m.to_lowercase()) {
                fail(n, format!("reply does not mention {m:?}"));
            }
        }
        for m in &e.not_mentions {
            if text.contains(&m.to_lowercase()) {
                fail(n, format!("reply mentions {m:?}"));
            }
        }
        if let Some(lang) = &e.lang {
            let got = o.replies.last().map(|r| r.lang.as_str()).unwrap_or("-");
            if got != lang {
                fail(n, format!("replied in {got}, expected {lang}"));
            }
        }
        let asks = o.replies.last().and_then(|r| r.asks().map(str::to_string));
        if let Some(slot) = &e.asks {
            // "Which of your orders?" asks for the order as well as "what is its number?".
            let fits = asks.as_deref() == Some(slot.as_str()) || (slot == "order_id" && asks.as_deref() == Some("which_order"));
            if !fits {
                fail(n, format!("expected a question for {slot}, got {}", keys(o)));
            }
        }
        if let Some(want) = e.closes
            && want != (o.state == "closed")
        {
            fail(n, format!("expected closes={want}, state {}", o.state));
        }
        if let Some(want) = e.clarify
            && want != o.replies.iter().any(Reply::is_clarification)
        {
            fail(n, format!("expected clarify={want}, got {}", keys(o)));
        }
        if let Some(want) = e.oos
            && want != o.replies.iter().any(Reply::is_out_of_scope)
        {
            fail(n, format!("expected an out-of-scope answer={want}, got {}", keys(o)));
        }
        // A fact asked for again after the customer gave it (unless the bot said it was not found).
        if let Some(slot) = &asks {
            let fact_given = match slot.as_str() {
                "order_id" => given.contains("order_id"),
                "contact" => given.contains("phone") || given.contains("email"),
                "address" => given.contains("address"),
                _ => false,
            };
            let not_found = o.replies.iter().any(|r| r.key.ends_with("not_found"));
            if fact_given && !not_found && asked_repeat.is_none() {
                asked_repeat = Some((n, slot.clone()));
            }
        }
        given.extend(o.facts.iter().cloned());
        for (a, at) in j.expect.answered.iter().zip(answered_at.iter_mut()) {
            if at.is_none()
                && o.replies.iter().any(|r| r.intent.as_deref() == Some(a.intent.as_str()) && !r.is_question())
            {
                *at = Some(n);
            }
        }
    }
    // The customer's language, until they ask for another (the turns' `lang` check after that);
    // a turn with its own `lang` is judged by it alone.
    let until_switch = observed.iter().zip(&j.turns).take_while(|((_, o), _)| !o.replies.iter().any(|r| r.key == "language_changed"));
    let off: Vec<String> = until_switch
        .filter(|(_, turn)| turn.expect.lang.is_none())
        .flat_map(|((_, o), _)| o.replies.iter())
        .filter(|r| r.lang != j.expect.reply_lang && r.key != "unsupported_language")
        .map(|r| format!("{} in {}", r.key, r.lang))
        .collect();
    if !off.is_empty() {
        fail(0, format!("replies not in {}: {}", j.expect.reply_lang, off.join(", ")));
    }
    match (&j.expect.handoff, &handed_at) {
        (HandoffExpect::Never(false), Some((n, reason))) => fail(0, format!("handed over at turn {n} ({reason:?}), expected the bot to handle it")),
        (HandoffExpect::Never(_), _) => {}
        (HandoffExpect::By { by_turn, .. }, None) => fail(0, format!("never handed over, expected by turn {by_turn}")),
        (HandoffExpect::By { by_turn, reason }, Some((n, got))) => {
            if n > by_turn {
                fail(0, format!("handed over at turn {n}, expected by turn {by_turn}"));
            }
            if let (Some(want), Some(got)) = (reason, got)
                && want != got
            {
                fail(0, format!("handed over for {got}, expected {want}"));
            }
        }
    }
    let mut turns_to_answer = Vec::new();
    for (a, answered_at) in j.expect.answered.iter().zip(answered_at) {
        match answered_at {
            Some(n) if n <= a.by_turn => {}
            Some(n) => fail(0, format!("{} answered at turn {n}, expected by turn {}", a.intent, a.by_turn)),
            None => fail(0, format!("{} never answered", a.intent)),
        }
        let first = j.turns.iter().position(|t| t.expect.intent.as_deref() == Some(a.intent.as_str())).map_or(1, |p| p + 1);
        turns_to_answer.extend(answered_at.map(|n| n + 1 - first.min(n)));
    }
    if j.expect.no_repeat_ask
        && let Some((n, slot)) = asked_repeat
    {
        fail(0, format!("asked for {slot} again at turn {n} after the customer gave it"));
    }
    let clarifications = observed.iter().filter(|(_, o)| o.replies.iter().any(Reply::is_clarification)).count();
    Outcome { id: j.id.clone(), failures, turns_to_answer, customer_turns: observed.len(), clarifications, transcript: observed }
}

fn keys(o: &Observed) -> String {
    let keys: Vec<String> = o.replies.iter().map(|r| format!("{}({})", r.key, r.intent.as_deref().unwrap_or("-"))).collect();
    if keys.is_empty() { "nothing".into() } else { keys.join(", ") }
}

/// The kinds of events a journey's verdict reads.
pub const OBSERVED_KINDS: &[EventKind] = &[EventKind::BotMessage, EventKind::HandoffRequested, EventKind::Fact];
