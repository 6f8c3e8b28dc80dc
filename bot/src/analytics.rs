//! Supervisor figures, read from the log: containment, handoff reasons, first-contact resolution,
//! waiting and first-reply times, service level, CES and CSAT — overall, by language, by channel
//! and per calendar day of the period.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sqlx::Row;

use crate::clock::DAY_MS;
use crate::dialogue::SURVEY_SCALES;
use crate::dialogue::memory::RESOLVING_KEYS;
use crate::error::BotError;
use crate::events::{ConvState, EventBody};
use crate::store::Store;

/// A later conversation of the same customer within this window means the first did not resolve.
const FCR_WINDOW_MS: i64 = 7 * DAY_MS;
/// Service level: the first agent reply within this many seconds of the handoff.
pub const SERVICE_LEVEL_SECONDS: f64 = komek_handoff::sla::TARGET_SECONDS;
/// The widest offset from UTC a report's days may be cut at (UTC−14:00 … UTC+14:00).
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Times {
    pub n: usize,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
}

/// A survey score: answers, their mean, and the top of the scale they were given on (1 to `scale`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Mean {
    pub n: usize,
    pub mean: Option<f64>,
    pub scale: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub conversations: usize,
    pub contained: usize,
    pub containment_rate: Option<f64>,
    pub handoffs: usize,
    /// Conversations handed to a person at least once, of all conversations.
    pub handoff_rate: Option<f64>,
    pub handoff_reasons: BTreeMap<String, usize>,
    /// Conversations resolved at the first contact (see [`resolved_first_contact`]).
    pub resolved_first_contact: usize,
    pub first_contact_resolution: Option<f64>,
    pub waiting_seconds: Times,
    pub first_reply_seconds: Times,
    pub service_level: Option<f64>,
    pub service_level_target_seconds: f64,
    pub ces: Mean,
    pub csat: Mean,
    /// The automatic effort score of every scored conversation, on the CES scale (see `quality`).
    pub effort_auto: Mean,
}

/// The figures of one calendar day of the period (the conversations that started that day).
/// Days without conversations are present with zeros and `null` rates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` at the report's UTC offset.
    pub date: String,
    pub conversations: usize,
    pub containment_rate: Option<f64>,
    pub handoff_rate: Option<f64>,
    pub first_contact_resolution: Option<f64>,
    pub service_level: Option<f64>,
    pub ces: Mean,
    pub csat: Mean,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub days: u32,
    /// Where the days of `daily` begin: minutes east of UTC.
    pub utc_offset_minutes: i32,
    pub overall: Stats,
    pub by_language: BTreeMap<String, Stats>,
    pub by_channel: BTreeMap<String, Stats>,
    /// One entry per calendar day the period touches, oldest first.
    pub daily: Vec<Day>,
}

/// How a conversation was closed.
#[derive(Clone, Debug, PartialEq)]
struct Closing {
    from: ConvState,
    reason: String,
}

/// One conversation, summarised.
#[derive(Clone, Debug, Default)]
struct Figures {
    customer: String,
    channel: String,
    language: String,
    created_at: i64,
    customer_messages: usize,
    reasons: Vec<String>,
    /// Per handoff: seconds waited for a claim (if claimed), seconds to the first agent reply (if any)
    /// and whether it is already past the service-level target without one.
    waits: Vec<f64>,
    first_replies: Vec<f64>,
    overdue_unanswered: usize,
    ces: Vec<f64>,
    csat: Vec<f64>,
    effort_auto: Option<f64>,
    /// A bot reply that answers a request, or an agent's message, came before any close.
    answered: bool,
    /// The last state change, when it closed the conversation.
    closed: Option<Closing>,
    resolved_first_time: bool,
}

impl Figures {
    /// Folds one logged event of the conversation in (events in log order).
    fn fold(&mut self, body: EventBody) {
        match body {
            EventBody::CustomerMessage { .. } => self.customer_messages += 1,
            EventBody::Language { state, .. } => self.language = state.current().code().to_string(),
            EventBody::HandoffRequested { reason, .. } => self.reasons.push(reason.as_str().to_string()),
            EventBody::SurveyAnswer { question, score } => match question.as_str() {
                "ces" => self.ces.push(f64::from(score)),
                "csat" => self.csat.push(f64::from(score)),
                _ => {}
            },
            EventBody::BotMessage { key, proactive: false, .. } if RESOLVING_KEYS.iter().any(|k| key.starts_with(k)) => {
                self.answered |= self.closed.is_none();
            }
            EventBody::AgentMessage { .. } => self.answered |= self.closed.is_none(),
            EventBody::StateChanged { from, to, reason } => {
                self.closed = (to == ConvState::Closed).then_some(Closing { from, reason });
            }
            _ => {}
        }
    }

    /// Whether the conversation ended with the customer's need met: closed by an agent, or closed
    /// by the customer's goodbye after a resolving answer — never while waiting in the queue, and
    /// not by an erasure. Open and waiting conversations have not ended.
    fn ended_resolved(&self) -> bool {
        match &self.closed {
            Some(Closing { from: ConvState::WaitingAgent, .. }) | None => false,
            Some(Closing { reason, .. }) => reason == "agent_closed" || (reason == "customer_goodbye" && self.answered),
        }
    }
}

/// The report of the `days` days up to `now`; `daily` cuts days at `utc_offset_minutes` east of UTC.
pub async fn report(store: &Store, days: u32, now: i64, utc_offset_minutes: i32) -> Result<Report, BotError> {
    let from = now - i64::from(days) * DAY_MS;
    let mut rows = load(store, from, now).await?;
    resolved_first_contact(&mut rows);

    let counted: Vec<&Figures> = rows.values().filter(|r| r.customer_messages > 0).collect();
    let mut by_language: BTreeMap<String, Vec<&Figures>> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, Vec<&Figures>> = BTreeMap::new();
    for r in &counted {
        by_language.entry(if r.language.is_empty() { "unknown".into() } else { r.language.clone() }).or_default().push(r);
        by_channel.entry(r.channel.clone()).or_default().push(r);
    }
    Ok(Report {
        from: crate::clock::rfc3339(from),
        to: crate::clock::rfc3339(now),
        days,
        utc_offset_minutes,
        overall: stats(&counted),
        by_language: by_language.into_iter().map(|(k, v)| (k, stats(&v))).collect(),
        by_channel: by_channel.into_iter().map(|(k, v)| (k, stats(&v))).collect(),
        daily: daily(&counted, from, now, utc_offset_minutes),
    })
}

/// Every conversation started since `from`, with its events and handoffs folded in.
async fn load(store: &Store, from: i64, now: i64) -> Result<HashMap<String, Figures>, BotError> {
    let mut rows: HashMap<String, Figures> = HashMap::new();
    for r in sqlx::query("SELECT id, customer_id, channel, created_at FROM conversations WHERE created_at >= $1")
        .bind(from)
        .fetch_all(&store.pool)
        .await?
    {
        rows.insert(
            r.try_get("id")?,
            Figures {
                customer: r.try_get::<Option<String>, _>("customer_id")?.unwrap_or_default(),
                channel: r.try_get("channel")?,
                created_at: r.try_get("created_at")?,
                ..Default::default()
            },
        );
    }
    let events = sqlx::query(
        "SELECT e.conversation_id, e.payload FROM events e JOIN conversations c ON c.id = e.conversation_id \
         WHERE c.created_at >= $1 AND e.kind IN ('customer_message', 'language', 'handoff_requested', 'survey_answer', \
         'state_changed', 'bot_message', 'agent_message') ORDER BY e.id",
    )
    .bind(from)
    .fetch_all(&store.pool)
    .await?;
    for e in events {
        let id: String = e.try_get(0)?;
        let Some(row) = rows.get_mut(&id) else { continue };
        let payload: String = e.try_get(1)?;
        // A payload this version cannot read (an older shape) only loses that one event.
        if let Ok(body) = serde_json::from_str::<EventBody>(&payload) {
            row.fold(body);
        }
    }
    for h in sqlx::query("SELECT conversation_id, requested_at, claimed_at, first_reply_at FROM handoffs WHERE requested_at >= $1")
        .bind(from)
        .fetch_all(&store.pool)
        .await?
    {
        let id: String = h.try_get(0)?;
        let Some(row) = rows.get_mut(&id) else { continue };
        let requested: i64 = h.try_get(1)?;
        if let Some(claimed) = h.try_get::<Option<i64>, _>(2)? {
            row.waits.push((claimed - requested) as f64 / 1000.0);
        }
        match h.try_get::<Option<i64>, _>(3)? {
            Some(reply) => row.first_replies.push((reply - requested) as f64 / 1000.0),
            None if (now - requested) as f64 / 1000.0 > SERVICE_LEVEL_SECONDS => row.overdue_unanswered += 1,
            None => {}
        }
    }
    for q in sqlx::query("SELECT conversation_id, effort FROM quality WHERE started_at >= $1").bind(from).fetch_all(&store.pool).await? {
        let id: String = q.try_get(0)?;
        if let Some(row) = rows.get_mut(&id) {
            row.effort_auto = Some(f64::from(q.try_get::<i32, _>(1)?));
        }
    }
    Ok(rows)
}

/// First-contact resolution (FCR) of a conversation in which the customer wrote: it counts as
/// resolved at the first contact when both hold:
/// 1. it ended resolved ([`Figures::ended_resolved`]): closed by an agent, or closed by the
///    customer's goodbye after a resolving answer (a bot reply that answers a request, or an agent's
///    message). A conversation still with the bot or an agent, waiting in the queue, left there, or
///    closed by an erasure does not count;
/// 2. the customer did not come back: no later conversation of theirs starts within 7 days.
///
/// The rate is resolved conversations over all conversations of the period (so an open or waiting
/// one lowers it until it ends resolved).
fn resolved_first_contact(rows: &mut HashMap<String, Figures>) {
    let mut starts: HashMap<String, Vec<i64>> = HashMap::new();
    for r in rows.values().filter(|r| r.customer_messages > 0) {
        starts.entry(r.customer.clone()).or_default().push(r.created_at);
    }
    for r in rows.values_mut() {
        let came_back = starts
            .get(&r.customer)
            .is_some_and(|times| times.iter().any(|t| *t > r.created_at && *t - r.created_at <= FCR_WINDOW_MS));
        r.resolved_first_time = r.ended_resolved() && !came_back;
    }
}

fn stats(rows: &[&Figures]) -> Stats {
    let n = rows.len();
    let contained = rows.iter().filter(|r| r.reasons.is_empty()).count();
    let mut reasons = BTreeMap::new();
    for reason in rows.iter().flat_map(|r| r.reasons.iter()) {
        *reasons.entry(reason.clone()).or_insert(0) += 1;
    }
    let waits: Vec<f64> = rows.iter().flat_map(|r| r.waits.iter().copied()).collect();
    let replies: Vec<f64> = rows.iter().flat_map(|r| r.first_replies.iter().copied()).collect();
    let overdue: usize = rows.iter().map(|r| r.overdue_unanswered).sum();
    let in_time = replies.iter().filter(|s| **s <= SERVICE_LEVEL_SECONDS).count();
    let judged = replies.len() + overdue;
    let resolved = rows.iter().filter(|r| r.resolved_first_time).count();
    Stats {
        conversations: n,
        contained,
        containment_rate: ratio(contained, n),
        handoffs: reasons.values().sum(),
        handoff_rate: ratio(n - contained, n),
        handoff_reasons: reasons,
        resolved_first_contact: resolved,
        first_contact_resolution: ratio(resolved, n),
        waiting_seconds: times(waits),
        first_reply_seconds: times(replies),
        service_level: ratio(in_time, judged),
        service_level_target_seconds: SERVICE_LEVEL_SECONDS,
        ces: mean(rows.iter().flat_map(|r| r.ces.iter().copied()).collect(), "ces"),
        csat: mean(rows.iter().flat_map(|r| r.csat.iter().copied()).collect(), "csat"),
        effort_auto: mean(rows.iter().filter_map(|r| r.effort_auto).collect(), "ces"),
    }
}

/// The conversations grouped by the calendar day they started on, one entry for every day from
/// `from` to `now` (at `offset_minutes` east of UTC), empty days included.
fn daily(rows: &[&Figures], from: i64, now: i64, offset_minutes: i32) -> Vec<Day> {
    let offset = i64::from(offset_minutes) * 60_000;
    let day_of = |ms: i64| (ms + offset).div_euclid(DAY_MS);
    let mut by_day: BTreeMap<i64, Vec<&Figures>> = (day_of(from)..=day_of(now)).map(|d| (d, Vec::new())).collect();
    for r in rows {
        if let Some(day) = by_day.get_mut(&day_of(r.created_at)) {
            day.push(r);
        }
    }
    by_day
        .into_iter()
        .map(|(day, rows)| {
            let s = stats(&rows);
            let date = crate::clock::civil_date(day * DAY_MS);
            Day {
                date: format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                conversations: s.conversations,
                containment_rate: s.containment_rate,
                handoff_rate: s.handoff_rate,
                first_contact_resolution: s.first_contact_resolution,
                service_level: s.service_level,
                ces: s.ces,
                csat: s.csat,
            }
        })
        .collect()
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn times(mut v: Vec<f64>) -> Times {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied();
    Times { n: v.len(), p50: at(0.5), p90: at(0.9), max: v.last().copied() }
}

fn mean(v: Vec<f64>, question: &str) -> Mean {
    let scale = SURVEY_SCALES.iter().find(|(q, _)| *q == question).map_or(0, |(_, max)| *max);
    Mean { n: v.len(), mean: (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64), scale }
}

#[cfg(test)]
mod tests {
    use komek_nlu::Lang;

    use super::*;

    #[test]
    fn percentiles_and_means() {
        let t = times(vec![30.0, 10.0, 20.0, 40.0, 50.0]);
        assert_eq!((t.n, t.p50, t.max), (5, Some(30.0), Some(50.0)));
        assert_eq!(times(vec![]).p50, None);
        assert_eq!(mean(vec![5.0, 7.0], "ces"), Mean { n: 2, mean: Some(6.0), scale: 7 });
        assert_eq!(mean(vec![], "csat"), Mean { n: 0, mean: None, scale: 5 });
    }

    fn said(text: &str) -> EventBody {
        EventBody::CustomerMessage { text: text.into(), lang: Lang::Kk, button: None, attachment: None }
    }

    fn bot(key: &str) -> EventBody {
        EventBody::BotMessage { text: "…".into(), lang: Lang::Kk, key: key.into(), intent: None, buttons: vec![], awaiting: None, proactive: false }
    }

    fn moved(from: ConvState, to: ConvState, reason: &str) -> EventBody {
        EventBody::StateChanged { from, to, reason: reason.into() }
    }

    /// A conversation of `customer` started at `at` (ms), with these events.
    fn conversation(customer: &str, at: i64, events: Vec<EventBody>) -> Figures {
        let mut f = Figures { customer: customer.into(), created_at: at, ..Default::default() };
        for e in events {
            f.fold(e);
        }
        f
    }

    fn fcr(convs: Vec<Figures>) -> (usize, Option<f64>) {
        let mut rows: HashMap<String, Figures> = convs.into_iter().enumerate().map(|(i, f)| (format!("c{i}"), f)).collect();
        resolved_first_contact(&mut rows);
        let counted: Vec<&Figures> = rows.values().filter(|r| r.customer_messages > 0).collect();
        let s = stats(&counted);
        (s.resolved_first_contact, s.first_contact_resolution)
    }

    #[test]
    fn only_conversations_that_ended_resolved_count_for_fcr() {
        use ConvState::*;
        let goodbye_after_answer =
            conversation("a", 0, vec![said("100003 қайда?"), bot("order_status.shipped"), said("рахмет, сау болыңыз"), moved(Bot, Closed, "customer_goodbye")]);
        // The Kazakh customer still waiting for a person: not resolved, whatever the bot said before.
        let waiting = conversation("b", 0, vec![said("100003 қайда?"), bot("order_status.shipped"), said("операторға қосыңыз"), moved(Bot, WaitingAgent, "customer_request")]);
        let agent_closed = conversation(
            "c",
            0,
            vec![said("шағым"), moved(Bot, WaitingAgent, "sensitive_intent"), moved(WaitingAgent, WithAgent, "agent_claimed"), moved(WithAgent, Closed, "agent_closed")],
        );
        let goodbye_unanswered = conversation("d", 0, vec![said("сәлем"), bot("greeting"), said("сау болыңыз"), moved(Bot, Closed, "customer_goodbye")]);
        let open = conversation("e", 0, vec![said("100003 қайда?"), bot("order_status.shipped")]);
        let erased = conversation("f", 0, vec![said("100003"), bot("order_status.shipped"), moved(Bot, Closed, "erased")]);
        let (n, rate) = fcr(vec![goodbye_after_answer, waiting, agent_closed, goodbye_unanswered, open, erased]);
        assert_eq!((n, rate), (2, Some(2.0 / 6.0)), "the goodbye after an answer and the agent's close");
    }

    #[test]
    fn an_agent_reply_before_the_goodbye_resolves_and_a_return_within_a_week_does_not() {
        use ConvState::*;
        let agent_said = EventBody::AgentMessage { text: "Дайын".into(), lang: Lang::Kk, agent: "aigerim".into() };
        let released_then_bye = conversation(
            "a",
            0,
            vec![said("?"), moved(Bot, WaitingAgent, "customer_request"), moved(WaitingAgent, WithAgent, "agent_claimed"), agent_said, moved(WithAgent, Bot, "agent_released"), moved(Bot, Closed, "customer_goodbye")],
        );
        assert!(released_then_bye.ended_resolved());
        let first = conversation("b", 0, vec![said("100003?"), bot("order_status.shipped"), moved(Bot, Closed, "customer_goodbye")]);
        let again = conversation("b", 3 * DAY_MS, vec![said("тағы 100003?")]);
        let much_later = conversation("c", 0, vec![said("100003?"), bot("order_status.shipped"), moved(Bot, Closed, "customer_goodbye")]);
        let after_window = conversation("c", 8 * DAY_MS, vec![said("жаңа сұрақ")]);
        assert_eq!(fcr(vec![first, again]).0, 0, "the customer came back within 7 days");
        assert_eq!(fcr(vec![much_later, after_window]).0, 1, "a return after 7 days is a new contact");
        // Leaving the queue is not a resolution.
        let left = conversation("d", 0, vec![said("?"), bot("order_status.shipped"), moved(Bot, WaitingAgent, "customer_request"), moved(WaitingAgent, Closed, "customer_goodbye")]);
        assert!(!left.ended_resolved());
    }

    #[test]
    fn every_day_of_the_period_is_present_at_the_offset() {
        let now = 10 * DAY_MS + 3_600_000; // day 10, 01:00 UTC
        let rows = [
            conversation("a", 10 * DAY_MS + 60_000, vec![said("x")]),
            conversation("b", 8 * DAY_MS + 3_600_000, vec![said("y")]),
        ];
        let refs: Vec<&Figures> = rows.iter().collect();
        let days = daily(&refs, now - 3 * DAY_MS, now, 0);
        let dates: Vec<&str> = days.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(dates, ["1970-01-08", "1970-01-09", "1970-01-10", "1970-01-11"]);
        assert_eq!(days.iter().map(|d| d.conversations).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert_eq!((days[0].containment_rate, days[0].ces.mean, days[0].ces.scale), (None, None, 7));
        // Two hours west of UTC the period is 7–10 January, and 00:01 UTC on the 11th is the 10th.
        let west = daily(&refs, now - 3 * DAY_MS, now, -120);
        assert_eq!((west[0].date.as_str(), west[3].date.as_str(), west[3].conversations), ("1970-01-07", "1970-01-10", 1));
    }
}
