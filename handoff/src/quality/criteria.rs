//! The QA criteria: each reads the timeline and gives a verdict with the events that decided it.

use std::collections::BTreeSet;

use super::config::{find, fold, key_in};
use super::timeline::{Phase, Timeline};
use super::{Criterion, Verdict, What, Who};
use crate::brief::SMALL_TALK;
use crate::policy::Reason;

pub(super) fn judge(criterion: Criterion, line: &Timeline) -> Verdict {
    match criterion {
        Criterion::RepeatAsk => repeat_ask(line),
        Criterion::LanguageMismatch => language_mismatch(line),
        Criterion::SlowReply => slow_reply(line),
        Criterion::EmpathyMissed => empathy_missed(line),
        Criterion::EscalationMissed => escalation_missed(line),
        Criterion::EscalationNeedless => escalation_needless(line),
        Criterion::Unresolved => unresolved(line),
        Criterion::PromiseBroken => promise_broken(line),
        Criterion::ClosingMissed => closing_missed(line),
        Criterion::AgentWording => agent_wording(line),
        Criterion::NoteLeak => note_leak(line),
    }
}

/// Collects failures; the first failure's party is the verdict's.
struct Failures {
    ids: Vec<i64>,
    who: Option<Who>,
    agent: Option<String>,
}

impl Failures {
    fn new() -> Self {
        Failures { ids: Vec::new(), who: None, agent: None }
    }
    fn add(&mut self, who: Who, agent: Option<&str>, ids: &[i64]) {
        if self.who.is_none() {
            self.who = Some(who);
            self.agent = agent.map(str::to_string);
        }
        for id in ids {
            if !self.ids.contains(id) {
                self.ids.push(*id);
            }
        }
    }
    /// A failure if any, else a pass judged on `judged`'s turns (not applicable when `None`).
    fn verdict(self, judged: Option<Who>) -> Verdict {
        match (self.who, judged) {
            (Some(who), _) => Verdict::fail(who, self.ids, self.agent),
            (None, Some(who)) => Verdict::pass(who),
            (None, None) => Verdict::na(),
        }
    }
}

/// Who answers in a phase (a waiting customer is the agent's to answer).
fn answerer(phase: Phase) -> Who {
    match phase {
        Phase::Bot | Phase::Closed => Who::Bot,
        Phase::Waiting | Phase::WithAgent => Who::Agent,
    }
}

/// The party whose turns were judged: agent if any agent spoke, else the bot if it spoke.
fn speakers(line: &Timeline) -> Option<Who> {
    let mut bot = false;
    for s in line.steps {
        match s.what {
            What::Agent { .. } => return Some(Who::Agent),
            What::Bot { .. } => bot = true,
            _ => {}
        }
    }
    bot.then_some(Who::Bot)
}

/// Asked for a fact the customer had already given (in this conversation or an earlier one).
fn repeat_ask(line: &Timeline) -> Verdict {
    let mut known: Vec<(&str, Option<i64>)> = line.context.known_facts.iter().map(|f| (f.as_str(), None)).collect();
    let mut fails = Failures::new();
    let mut previous_bot_key: Option<&str> = None;
    for (i, step, _) in line.iter() {
        match &step.what {
            What::Fact { name } => known.push((name, Some(step.id))),
            What::Bot { key, asks: Some(fact), .. } => {
                // Asking again after "not found" is asking for a correct value, not a repeat.
                let after_not_found = previous_bot_key.is_some_and(|k| k.ends_with("not_found"));
                if let Some((_, given)) = known.iter().find(|(f, _)| same_fact(f, fact))
                    && !after_not_found
                {
                    fails.add(Who::Bot, None, &[given.unwrap_or(step.id), step.id]);
                }
                previous_bot_key = Some(key);
            }
            What::Bot { key, .. } => previous_bot_key = Some(key),
            What::Agent { lang, agent, .. } => {
                let folded = &line.folded[i];
                let words = [lang.map(|l| line.config.words(l)), line.context.lang.map(|l| line.config.words(l))];
                for (fact, given) in &known {
                    let asked = words.iter().flatten().any(|w| w.asks.get(*fact).is_some_and(|p| find(folded, p).is_some()));
                    if asked && folded.contains('?') {
                        fails.add(Who::Agent, Some(agent), &[given.unwrap_or(step.id), step.id]);
                    }
                }
            }
            _ => {}
        }
    }
    fails.verdict(speakers(line))
}

/// A fact and what an ask names: the bot asks for a `contact`, which a phone or an e-mail gives.
fn same_fact(given: &str, asked: &str) -> bool {
    given == asked || (asked == "contact" && (given == "phone" || given == "email"))
}

/// Reply keys that are about languages themselves (said in a language the bot has, on purpose).
const LANGUAGE_KEYS: &[&str] = &["unsupported_language", "language_name", "language_changed"];

/// A bot or agent message in another language than the customer's.
fn language_mismatch(line: &Timeline) -> Verdict {
    let mut fails = Failures::new();
    for (i, step, _) in line.iter() {
        let Some(customer) = line.customer_lang[i] else { continue };
        match &step.what {
            What::Bot { key, lang, .. } if *lang != customer && !LANGUAGE_KEYS.contains(&key.as_str()) => {
                fails.add(Who::Bot, None, &[step.id]);
            }
            What::Agent { lang: Some(lang), agent, .. } if *lang != customer => fails.add(Who::Agent, Some(agent), &[step.id]),
            _ => {}
        }
    }
    fails.verdict(speakers(line))
}

/// The first agent reply after a handoff over the target; a customer message with an agent left
/// unanswered past the gap target; a bot reply later than its target.
fn slow_reply(line: &Timeline) -> Verdict {
    let t = &line.config.targets;
    let ms = |s: f64| (s * 1000.0) as i64;
    let mut fails = Failures::new();
    let mut judged = None;
    let mut pending_handoff: Option<(i64, i64)> = None; // (event id, at)
    let mut pending_gap: Option<(i64, i64)> = None;
    let mut pending_bot: Option<(i64, i64)> = None;
    let mut last_agent: Option<String> = None;
    for (_, step, phase) in line.iter() {
        match &step.what {
            What::Handoff { .. } => {
                pending_handoff = Some((step.id, step.at));
                judged = Some(Who::Agent);
            }
            What::Customer { button, .. } if phase != Phase::Closed && !button.as_deref().is_some_and(super::is_survey_button) => {
                if phase == Phase::WithAgent && pending_gap.is_none() {
                    pending_gap = Some((step.id, step.at));
                }
                if phase == Phase::Bot {
                    pending_bot = Some((step.id, step.at));
                }
            }
            What::Agent { agent, .. } => {
                if let Some((id, at)) = pending_handoff.take()
                    && step.at - at > ms(t.first_reply_seconds)
                {
                    fails.add(Who::Agent, Some(agent), &[id, step.id]);
                }
                if let Some((id, at)) = pending_gap.take()
                    && step.at - at > ms(t.gap_seconds)
                {
                    fails.add(Who::Agent, Some(agent), &[id, step.id]);
                }
                last_agent = Some(agent.clone());
            }
            What::Bot { proactive: false, .. } => {
                judged.get_or_insert(Who::Bot);
                if let Some((id, at)) = pending_bot.take()
                    && step.at - at > ms(t.bot_reply_seconds)
                {
                    fails.add(Who::Bot, None, &[id, step.id]);
                }
            }
            What::Withdrawn | What::Released => {
                pending_handoff = None;
                pending_gap = None;
            }
            What::Closed { .. } => {
                // Closed with a request unanswered: it waited until the close.
                if let Some((id, at)) = pending_handoff.take()
                    && step.at - at > ms(t.first_reply_seconds)
                {
                    fails.add(Who::Agent, None, &[id, step.id]);
                }
                if let Some((id, at)) = pending_gap.take()
                    && step.at - at > ms(t.gap_seconds)
                {
                    fails.add(Who::Agent, last_agent.as_deref(), &[id, step.id]);
                }
            }
            _ => {}
        }
    }
    // Still waiting (open conversations are judged up to now).
    if line.closed.is_none() {
        if let Some((id, at)) = pending_handoff
            && line.until - at > ms(t.first_reply_seconds)
        {
            fails.add(Who::Agent, None, &[id]);
        }
        if let Some((id, at)) = pending_gap
            && line.until - at > ms(t.gap_seconds)
        {
            fails.add(Who::Agent, last_agent.as_deref(), &[id]);
        }
    }
    fails.verdict(judged)
}

/// An upset customer whose answerer did not acknowledge it before answering: of the answerer's
/// messages up to the customer's next message, none shows empathy. A waiting customer's upset is
/// the joining agent's to acknowledge.
fn empathy_missed(line: &Timeline) -> Verdict {
    let mut fails = Failures::new();
    let mut judged = None;
    let mut previous_upset = false;
    let steps = line.steps;
    let mut i = 0;
    while i < steps.len() {
        let phase = line.phases[i];
        let What::Customer { upset, button, .. } = &steps[i].what else {
            i += 1;
            continue;
        };
        let starts_run = *upset && !previous_upset && button.is_none() && phase != Phase::Closed;
        previous_upset = *upset;
        if !starts_run {
            i += 1;
            continue;
        }
        let mut who = answerer(phase);
        // The answerer's messages after it, up to the next customer message after the answerer spoke.
        let mut shown = false;
        let mut answered_by: Option<(i64, Option<String>)> = None;
        let mut j = i + 1;
        while j < steps.len() {
            match &steps[j].what {
                What::Customer { .. } if answered_by.is_some() => break,
                What::Bot { key, lang, .. } if who == Who::Bot && !key.starts_with("queue.") => {
                    shown |= find(&line.folded[j], &line.config.words(*lang).empathy).is_some();
                    if key.starts_with("handoff.") && !shown {
                        // Handing over without a word about it hands the acknowledgement on.
                        who = Who::Agent;
                    } else {
                        answered_by.get_or_insert((steps[j].id, None));
                    }
                }
                What::Agent { lang, agent, .. } if who == Who::Agent => {
                    let lang = lang.or(line.customer_lang[j]).or(line.context.lang);
                    shown |= lang.is_some_and(|l| find(&line.folded[j], &line.config.words(l).empathy).is_some());
                    answered_by.get_or_insert((steps[j].id, Some(agent.clone())));
                }
                What::Closed { .. } => break,
                _ => {}
            }
            if shown {
                break;
            }
            j += 1;
        }
        judged = Some(if judged == Some(Who::Agent) { Who::Agent } else { who });
        if let (Some((reply, agent)), false) = (answered_by, shown) {
            fails.add(who, agent.as_deref(), &[steps[i].id, reply]);
        }
        i += 1;
    }
    fails.verdict(judged)
}

/// A request for a person or strong emotion left with the bot: no handoff before the customer's
/// next message (or the end).
fn escalation_missed(line: &Timeline) -> Verdict {
    let mut fails = Failures::new();
    let mut judged = None;
    let mut open: Option<i64> = None;
    for (_, step, phase) in line.iter() {
        match &step.what {
            What::Customer { wants_person, button, .. } if phase != Phase::Closed => {
                if let Some(id) = open.take() {
                    fails.add(Who::Bot, None, &[id]);
                }
                // A click (e.g. "keep talking to the bot") is a choice, not a request.
                if *wants_person && phase == Phase::Bot && button.is_none() {
                    open = Some(step.id);
                    judged = Some(Who::Bot);
                }
            }
            What::Handoff { .. } => open = None,
            _ => {}
        }
    }
    if let Some(id) = open
        && line.ended
    {
        fails.add(Who::Bot, None, &[id]);
    }
    if judged.is_none() && line.steps.iter().any(|s| matches!(s.what, What::Bot { .. })) {
        judged = Some(Who::Bot);
    }
    fails.verdict(judged)
}

/// A handoff on a routine matter with nothing that calls for a person: no request for one, no anger
/// or distress, no repeated misunderstanding, no sensitive or unknown matter, no repeat contact,
/// not a VIP.
fn escalation_needless(line: &Timeline) -> Verdict {
    let mut fails = Failures::new();
    let mut judged = None;
    let mut since = 0;
    let mut misses = 0;
    for (i, step, _) in line.iter() {
        match &step.what {
            What::Bot { key, .. } if line.miss(key) => misses += 1,
            What::Bot { key, .. } if line.resolving(key) => misses = 0,
            What::Handoff { reason } => {
                judged = Some(Who::Bot);
                let evidence = line.steps[since..i].iter().any(|s| match &s.what {
                    What::Customer { wants_person, upset, intent, button, .. } => {
                        *wants_person
                            || *upset
                            || button.as_deref().is_some_and(|b| !line.routine(b))
                            || intent.as_deref().is_none_or(|n| !line.routine(n) && !SMALL_TALK.contains(&n))
                    }
                    _ => false,
                });
                let justified = evidence
                    || misses >= 2
                    || line.context.vip
                    || (*reason == Reason::RepeatContact && line.context.earlier.is_some());
                if !justified {
                    fails.add(Who::Bot, None, &[step.id]);
                }
                since = i + 1;
                misses = 0;
            }
            _ => {}
        }
    }
    fails.verdict(judged)
}

/// The need not met: the conversation ended while waiting for a person, with the customer's last
/// need unanswered, with the bot not understanding, or the customer came back about it.
fn unresolved(line: &Timeline) -> Verdict {
    if !line.ended {
        return Verdict::na();
    }
    let steps = line.steps;
    let turns: Vec<usize> = line.customer_turns().collect();
    if turns.is_empty() {
        return Verdict::na();
    }
    let end = line.closed.unwrap_or(steps.len());
    let last_phase = line.closed.map_or_else(|| *line.phases.last().unwrap_or(&Phase::Bot), |c| line.phases[c]);
    let who = match last_phase {
        Phase::Bot | Phase::Closed => Who::Bot,
        _ => Who::Agent,
    };
    let last_agent = steps[..end].iter().rev().find_map(|s| match &s.what {
        What::Agent { agent, .. } => Some(agent.clone()),
        _ => None,
    });
    // The turn that said goodbye (the bot closed on it) is not a need.
    let goodbye = line.closed.filter(|&c| matches!(&steps[c].what, What::Closed { reason, .. } if reason == "customer_goodbye"));
    let farewell = goodbye.and_then(|c| turns.iter().rev().copied().find(|&i| i < c));
    // The last customer need: the last turn that is not small talk — with the bot, also one it did
    // not understand; with a person, a question or an upset message (an "ok, I'll wait" is not one,
    // whatever the intent model reads into it).
    let need = turns.iter().rev().copied().filter(|&i| Some(i) != farewell).find(|&i| match &steps[i].what {
        What::Customer { text, intent, upset, wants_person, .. } => match line.phases[i] {
            Phase::Bot => intent.as_deref().is_none_or(|n| !SMALL_TALK.contains(&n)),
            _ => *upset || *wants_person || (intent.as_deref().is_some_and(|n| !SMALL_TALK.contains(&n)) && asks(text)),
        },
        _ => false,
    });
    let mut fail_ids: Vec<i64> = Vec::new();
    if last_phase == Phase::Waiting {
        fail_ids.push(steps[line.closed.unwrap_or(end - 1).min(steps.len() - 1)].id);
    } else if let Some(n) = need {
        // Met: a resolving bot answer or an agent's message after it (before the close).
        let met = steps[n + 1..end].iter().any(|s| match &s.what {
            What::Bot { key, proactive: false, .. } => line.resolving(key),
            What::Agent { .. } => true,
            _ => false,
        });
        if !met {
            fail_ids.push(steps[n].id);
        }
    }
    if line.context.later.is_some() {
        fail_ids.push(steps[turns[turns.len() - 1]].id);
    }
    if fail_ids.is_empty() {
        Verdict::pass(who)
    } else {
        Verdict::fail(who, fail_ids, if who == Who::Agent { last_agent } else { None })
    }
}

/// A question, in any script's question mark.
fn asks(text: &str) -> bool {
    text.contains(['?', '？', '؟'])
}

/// Promises: "an agent will reply" kept by an agent's message (or the customer withdrawing); "we'll
/// notify you" kept by a proactive message after the order changed; an agent's "I'll get back to
/// you" kept by a later message of theirs. Judged when due: at the end, or when the order changed.
fn promise_broken(line: &Timeline) -> Verdict {
    let routine = &line.config.routine;
    let mut fails = Failures::new();
    let mut judged = None;
    let mut agent_promise: Option<i64> = None;
    let mut get_back: Option<(i64, String)> = None;
    let mut subscriptions: Vec<(i64, i64, &str)> = Vec::new();
    let mut updates: Vec<i64> = Vec::new();
    for (i, step, phase) in line.iter() {
        match &step.what {
            What::Bot { key, proactive: false, .. } if key_in(key, &routine.promise_agent_keys) && phase != Phase::Closed => {
                agent_promise.get_or_insert(step.id);
                judged.get_or_insert(Who::Agent);
            }
            What::Bot { key, proactive: true, .. } if key_in(key, &routine.promise_notify_keys) || key.starts_with("notify_me.") => {
                updates.push(step.at);
            }
            What::Subscribed { order_id } => {
                subscriptions.push((step.id, step.at, order_id));
                judged.get_or_insert(Who::Bot);
            }
            What::Agent { lang, agent, .. } => {
                agent_promise = None;
                get_back = None;
                let lang = lang.or(line.context.lang);
                if lang.is_some_and(|l| find(&line.folded[i], &line.config.words(l).will_get_back).is_some()) {
                    get_back = Some((step.id, agent.clone()));
                    judged = Some(Who::Agent);
                }
            }
            What::Withdrawn | What::Released => agent_promise = None,
            _ => {}
        }
    }
    if line.ended {
        if let Some(id) = agent_promise {
            let mut ids = vec![id];
            ids.extend(line.closed.map(|c| line.steps[c].id));
            fails.add(Who::Agent, None, &ids);
        }
        if let Some((id, agent)) = get_back {
            fails.add(Who::Agent, Some(&agent), &[id]);
        }
    }
    for (id, at, order) in subscriptions {
        let changed = line.context.order_changes.iter().find(|(o, when)| o == order && *when > at);
        if let Some((_, when)) = changed
            && !updates.iter().any(|u| *u >= *when)
            && line.context.now - *when > 60_000
        {
            fails.add(Who::Bot, None, &[id]);
        }
    }
    fails.verdict(judged)
}

/// A closed conversation should end with further help offered (the bot's goodbye, or the agent's
/// words in their last messages) and the survey asked.
fn closing_missed(line: &Timeline) -> Verdict {
    let Some(c) = line.closed else { return Verdict::na() };
    let steps = line.steps;
    let What::Closed { reason, while_waiting } = &steps[c].what else { return Verdict::na() };
    if *while_waiting || !(reason == "agent_closed" || reason == "customer_goodbye") {
        return Verdict::na();
    }
    let routine = &line.config.routine;
    let survey = steps.iter().enumerate().any(|(i, s)| {
        i + 3 >= c && matches!(&s.what, What::Bot { key, .. } if key_in(key, &routine.survey_keys))
    });
    if reason == "customer_goodbye" {
        let offered = steps[c.saturating_sub(3)..].iter().any(|s| matches!(&s.what, What::Bot { key, .. } if key_in(key, &routine.closing_keys)));
        return if offered && survey { Verdict::pass(Who::Bot) } else { Verdict::fail(Who::Bot, vec![steps[c].id], None) };
    }
    // The agent's last two messages before the close.
    let last: Vec<(usize, &super::Step)> = steps[..c].iter().enumerate().rev().filter(|(_, s)| matches!(s.what, What::Agent { .. })).take(2).collect();
    let agent = last.first().and_then(|(_, s)| match &s.what {
        What::Agent { agent, .. } => Some(agent.clone()),
        _ => None,
    });
    let offered = last.iter().any(|(i, s)| match &s.what {
        What::Agent { lang, .. } => [*lang, line.customer_lang[c], line.context.lang]
            .into_iter()
            .flatten()
            .any(|l| find(&line.folded[*i], &line.config.words(l).further_help).is_some()),
        _ => false,
    });
    if offered && survey {
        Verdict::pass(Who::Agent)
    } else {
        let mut ids: Vec<i64> = last.iter().map(|(_, s)| s.id).collect();
        ids.push(steps[c].id);
        Verdict::fail(Who::Agent, ids, agent)
    }
}

/// Rude or dismissive words in an agent's message (the words of the language it is written in and
/// of the conversation's).
fn agent_wording(line: &Timeline) -> Verdict {
    let mut fails = Failures::new();
    let mut judged = None;
    for (i, step, _) in line.iter() {
        if let What::Agent { lang, agent, .. } = &step.what {
            judged = Some(Who::Agent);
            let rude = [*lang, line.customer_lang[i], line.context.lang]
                .into_iter()
                .flatten()
                .any(|l| find(&line.folded[i], &line.config.words(l).rude).is_some());
            if rude {
                fails.add(Who::Agent, Some(agent), &[step.id]);
            }
        }
    }
    fails.verdict(judged)
}

/// What of a note is compared with later messages: its words of three characters or more, or, for
/// ideographic text (few spaces), its letters.
enum NoteMarks {
    Words(BTreeSet<String>),
    Letters(BTreeSet<char>),
}

fn words_of(folded: &str) -> BTreeSet<&str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).collect()
}

/// An agent's message that repeats most of an internal note's words.
fn note_leak(line: &Timeline) -> Verdict {
    let mut notes: Vec<(i64, NoteMarks)> = Vec::new();
    let mut fails = Failures::new();
    let threshold = line.config.targets.note_leak_overlap;
    for (i, step, _) in line.iter() {
        match &step.what {
            What::Note { text } => {
                let folded = fold(text);
                let words = words_of(&folded);
                let letters: BTreeSet<char> = folded.chars().filter(|c| c.is_alphabetic()).collect();
                if words.len() >= 4 {
                    notes.push((step.id, NoteMarks::Words(words.into_iter().map(str::to_string).collect())));
                } else if letters.len() >= 8 {
                    notes.push((step.id, NoteMarks::Letters(letters)));
                }
            }
            What::Agent { agent, .. } if !notes.is_empty() => {
                let folded = &line.folded[i];
                let said = words_of(folded);
                for (note_id, marks) in &notes {
                    let (shared, total) = match marks {
                        NoteMarks::Words(w) => (w.iter().filter(|w| said.contains(w.as_str())).count(), w.len()),
                        NoteMarks::Letters(l) => (l.iter().filter(|c| folded.contains(**c)).count(), l.len()),
                    };
                    if shared as f64 / total as f64 >= threshold {
                        fails.add(Who::Agent, Some(agent), &[*note_id, step.id]);
                    }
                }
            }
            _ => {}
        }
    }
    fails.verdict((!notes.is_empty()).then_some(Who::Agent))
}
