//! Automatic effort: what the customer had to do and bear, priced in points off the top of the CES
//! scale (7 = very easy). The formula is documented in `models/content/quality.toml` ([effort]).

use std::collections::BTreeMap;

use super::timeline::{Phase, Timeline};
use super::{Criterion, Effort, EffortReason, Verdict, What};
use crate::brief::SMALL_TALK;

pub(super) fn effort(line: &Timeline, criteria: &BTreeMap<Criterion, Verdict>) -> Effort {
    let costs = &line.config.effort;
    let steps = line.steps;
    let mut reasons: Vec<EffortReason> = Vec::new();
    let mut add = |what: &str, ids: Vec<i64>, points: f64| {
        if points > 0.0 {
            reasons.push(EffortReason { what: what.to_string(), event_ids: ids, points: (points * 100.0).round() / 100.0 });
        }
    };

    // Customer turns until the need was first met (all of them when it never was).
    let turns: Vec<usize> = line.customer_turns().collect();
    let met_at = steps.iter().position(|s| match &s.what {
        What::Bot { key, proactive: false, .. } => line.resolving(key),
        What::Agent { .. } => true,
        _ => false,
    });
    let before: Vec<usize> = turns.iter().copied().filter(|&i| met_at.is_none_or(|m| i < m)).collect();
    if before.len() > 2 {
        let extra = &before[2..];
        add("extra_turns", extra.iter().map(|&i| steps[i].id).collect(), (extra.len() as f64 * costs.extra_turn).min(costs.extra_turn_max));
    }

    let verdict_ids = |c: Criterion| criteria.get(&c).filter(|v| v.failed()).map(|v| v.event_ids.clone());
    if let Some(ids) = verdict_ids(Criterion::RepeatAsk) {
        // Pairs of (given, asked): one cost per ask.
        let asks = (ids.len() / 2).max(1);
        add("repeat_ask", ids, asks as f64 * costs.repeat_ask);
    }

    let misses: Vec<i64> = steps.iter().filter(|s| matches!(&s.what, What::Bot { key, .. } if line.miss(key))).map(|s| s.id).collect();
    add("misunderstanding", misses.clone(), (misses.len() as f64 * costs.misunderstanding).min(costs.misunderstanding_max));

    // The same need said again right after it was answered or not understood.
    let mut rephrased = Vec::new();
    let mut previous: Option<&str> = None;
    for &i in &turns {
        if let What::Customer { intent, button: None, .. } = &steps[i].what {
            let intent = intent.as_deref();
            if intent.is_some() && intent == previous && intent.is_some_and(|n| !SMALL_TALK.contains(&n)) {
                rephrased.push(steps[i].id);
            }
            previous = intent;
        }
    }
    add("rephrase", rephrased.clone(), rephrased.len() as f64 * costs.rephrase);

    // Waiting for a person: the queue, and gaps of more than a minute with an agent, counted in
    // first-reply targets (the wait the service promises).
    let (waited_ms, wait_ids) = waiting(line);
    let targets = waited_ms as f64 / (line.config.targets.first_reply_seconds * 1000.0).max(1.0);
    add("waiting", wait_ids, (targets * costs.waiting_per_target).min(costs.waiting_max));

    let mut transfers = Vec::new();
    let mut agents: Vec<&str> = Vec::new();
    for s in steps {
        match &s.what {
            What::Handoff { .. } | What::Released => transfers.push(s.id),
            What::Joined { agent } => {
                if !agents.is_empty() && !agents.contains(&agent.as_str()) {
                    transfers.push(s.id);
                }
                agents.push(agent);
            }
            _ => {}
        }
    }
    add("transfer", transfers.clone(), transfers.len() as f64 * costs.transfer);

    if let Some(earlier) = &line.context.earlier {
        let first = turns.first().map(|&i| steps[i].id).into_iter().collect::<Vec<_>>();
        if earlier.channel != line.context.channel {
            add("channel_switch", first.clone(), costs.channel_switch);
        }
        add("repeat_contact", first, costs.repeat_contact);
    }
    if let Some(ids) = verdict_ids(Criterion::Unresolved) {
        add("unresolved", ids, costs.unresolved);
    }
    // What the scorecard found that the customer bore: once each.
    for (criterion, what, cost) in [
        (Criterion::LanguageMismatch, "language_barrier", costs.language_barrier),
        (Criterion::PromiseBroken, "promise_broken", costs.promise_broken),
        (Criterion::EscalationMissed, "escalation_missed", costs.escalation_missed),
        (Criterion::EscalationNeedless, "escalation_needless", costs.escalation_needless),
        (Criterion::EmpathyMissed, "not_acknowledged", costs.not_acknowledged),
        (Criterion::AgentWording, "rude", costs.rude),
    ] {
        if let Some(ids) = verdict_ids(criterion) {
            add(what, ids, cost);
        }
    }

    let raw = 7.0 - reasons.iter().map(|r| r.points).sum::<f64>();
    Effort { score: raw.round().clamp(1.0, 7.0) as u8, raw: (raw * 100.0).round() / 100.0, reasons }
}

/// Milliseconds the customer waited for a person, and the events that started the waits.
fn waiting(line: &Timeline) -> (i64, Vec<i64>) {
    let mut total = 0;
    let mut ids = Vec::new();
    let mut since: Option<(i64, i64)> = None;
    let mut gap: Option<(i64, i64)> = None;
    for (_, s, phase) in line.iter() {
        match &s.what {
            What::Handoff { .. } => since = Some((s.id, s.at)),
            What::Customer { .. } if phase == Phase::WithAgent && gap.is_none() => gap = Some((s.id, s.at)),
            What::Agent { .. } | What::Withdrawn | What::Released | What::Closed { .. } => {
                if let Some((id, at)) = since.take() {
                    total += s.at - at;
                    ids.push(id);
                }
                if let Some((id, at)) = gap.take()
                    && s.at - at > 60_000
                {
                    total += s.at - at;
                    ids.push(id);
                }
            }
            _ => {}
        }
    }
    if let Some((id, at)) = since {
        total += line.until - at;
        ids.push(id);
    }
    (total, ids)
}
