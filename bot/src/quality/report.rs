//! The Quality view's figures: conversations worst first with the filters applied, failure rates per
//! criterion, and per-agent (and bot) scorecards with their daily trend.

use std::collections::BTreeMap;

use komek_handoff::quality::{Criterion, Effort, Scorecard, Who};
use serde::Serialize;

use crate::clock::{DAY_MS, rfc3339};
use crate::store::QualityRow;

/// The name the bot's scorecard goes by among the agents'.
pub const BOT: &str = "bot";

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub criterion: Option<Criterion>,
    /// An agent's username (conversations they took part in), or `bot` (conversations the bot
    /// handled alone).
    pub agent: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConversationQuality {
    pub conversation_id: String,
    pub started_at: String,
    pub channel: String,
    pub language: String,
    pub agents: Vec<String>,
    pub effort: Effort,
    pub survey_ces: Option<i32>,
    pub failed: Vec<Criterion>,
    pub score: u8,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct CriterionFigures {
    /// Conversations it applied to.
    pub judged: usize,
    pub failed: usize,
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DayFigures {
    pub date: String,
    pub conversations: usize,
    pub score_mean: Option<f64>,
    pub effort_mean: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct AgentFigures {
    pub conversations: usize,
    pub score_mean: Option<f64>,
    pub effort_mean: Option<f64>,
    /// Failures attributed to this agent (or the bot), per criterion.
    pub failed: BTreeMap<Criterion, usize>,
    pub daily: Vec<DayFigures>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QualityReport {
    pub from: String,
    pub to: String,
    pub days: u32,
    pub conversations: Vec<ConversationQuality>,
    pub by_criterion: BTreeMap<Criterion, CriterionFigures>,
    pub by_agent: BTreeMap<String, AgentFigures>,
    /// Automatic effort beside the survey's CES over the same conversations.
    pub effort: EffortFigures,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct EffortFigures {
    pub n: usize,
    pub mean: Option<f64>,
    pub survey_n: usize,
    pub survey_mean: Option<f64>,
}

/// One agent's (or the bot's) running figures: scores, efforts, own failures, and per day the
/// conversations with their score and effort sums.
#[derive(Default)]
struct Tally(Vec<f64>, Vec<f64>, BTreeMap<Criterion, usize>, BTreeMap<i64, (usize, f64, f64)>);

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().sum::<f64>() / v.len() as f64 * 100.0).round() / 100.0)
}

/// Builds the report from stored rows (already limited to the period and, for an agent, to
/// their own conversations).
pub fn build(rows: &[QualityRow], filter: &Filter, days: u32, from: i64, now: i64) -> QualityReport {
    let mut cards: Vec<(&QualityRow, Scorecard)> = rows.iter().filter_map(|r| serde_json::from_str(&r.card).ok().map(|c| (r, c))).collect();
    cards.retain(|(r, card)| {
        filter.language.as_ref().is_none_or(|l| &r.language == l)
            && filter.channel.as_ref().is_none_or(|c| &r.channel == c)
            && filter.criterion.is_none_or(|c| card.criteria.get(&c).is_some_and(|v| v.failed()))
            && filter.agent.as_ref().is_none_or(|a| if a == BOT { r.agent_names().next().is_none() } else { r.agent_names().any(|n| n == a) })
    });
    cards.sort_by(|(a, ca), (b, cb)| ca.score.cmp(&cb.score).then(ca.effort.score.cmp(&cb.effort.score)).then(b.started_at.cmp(&a.started_at)));

    let mut by_criterion: BTreeMap<Criterion, CriterionFigures> = Criterion::ALL.into_iter().map(|c| (c, CriterionFigures::default())).collect();
    let mut per: BTreeMap<String, Tally> = BTreeMap::new();
    let mut effort = EffortFigures::default();
    let (mut efforts, mut surveys) = (Vec::new(), Vec::new());
    for (r, card) in &cards {
        efforts.push(f64::from(card.effort.score));
        if let Some(s) = r.survey_ces {
            surveys.push(f64::from(s));
        }
        for (c, v) in &card.criteria {
            let f = by_criterion.entry(*c).or_default();
            if v.pass.is_some() {
                f.judged += 1;
            }
            if v.failed() {
                f.failed += 1;
            }
        }
        let mut names: Vec<String> = r.agent_names().map(str::to_string).collect();
        names.push(BOT.to_string());
        let day = r.started_at.div_euclid(DAY_MS);
        for name in names {
            let entry = per.entry(name.clone()).or_default();
            entry.0.push(f64::from(card.score));
            entry.1.push(f64::from(card.effort.score));
            for (c, v) in &card.criteria {
                let mine = match v.who {
                    Some(Who::Bot) => name == BOT,
                    Some(Who::Agent) => v.agent.as_deref().map_or(name != BOT, |a| a == name),
                    None => false,
                };
                if v.failed() && mine {
                    *entry.2.entry(*c).or_default() += 1;
                }
            }
            let d = entry.3.entry(day).or_default();
            d.0 += 1;
            d.1 += f64::from(card.score);
            d.2 += f64::from(card.effort.score);
        }
    }
    for f in by_criterion.values_mut() {
        f.rate = (f.judged > 0).then(|| f.failed as f64 / f.judged as f64);
    }
    if let Some(agent) = filter.agent.as_deref().filter(|a| *a != BOT) {
        per.retain(|name, _| name == agent);
    }
    let by_agent = per
        .into_iter()
        .map(|(name, Tally(scores, efforts, failed, days))| {
            let daily = days
                .into_iter()
                .map(|(day, (n, s, e))| DayFigures {
                    date: rfc3339(day * DAY_MS)[..10].to_string(),
                    conversations: n,
                    score_mean: mean(&[s / n as f64]),
                    effort_mean: mean(&[e / n as f64]),
                })
                .collect();
            (name, AgentFigures { conversations: scores.len(), score_mean: mean(&scores), effort_mean: mean(&efforts), failed, daily })
        })
        .collect();
    effort.n = efforts.len();
    effort.mean = mean(&efforts);
    effort.survey_n = surveys.len();
    effort.survey_mean = mean(&surveys);
    QualityReport {
        from: rfc3339(from),
        to: rfc3339(now),
        days,
        conversations: cards
            .into_iter()
            .map(|(r, card)| ConversationQuality {
                conversation_id: r.conversation_id.clone(),
                started_at: rfc3339(r.started_at),
                channel: r.channel.clone(),
                language: r.language.clone(),
                agents: r.agent_names().map(str::to_string).collect(),
                failed: card.failed().collect(),
                score: card.score,
                survey_ces: r.survey_ces,
                effort: card.effort,
            })
            .collect(),
        by_criterion,
        by_agent,
        effort,
    }
}

/// The CSV of a report's conversations: one line per conversation, one column per criterion
/// (`pass`, `fail` or empty when it did not apply).
pub fn csv(rows: &[QualityRow]) -> String {
    let mut out = String::from("conversation_id,started_at,channel,language,agents,score,effort,survey_ces");
    for c in Criterion::ALL {
        out.push(',');
        out.push_str(c.as_str());
    }
    out.push('\n');
    for r in rows {
        let Ok(card) = serde_json::from_str::<Scorecard>(&r.card) else { continue };
        let agents: Vec<&str> = r.agent_names().collect();
        let fields = [
            r.conversation_id.clone(),
            rfc3339(r.started_at),
            r.channel.clone(),
            r.language.clone(),
            agents.join(" "),
            card.score.to_string(),
            card.effort.score.to_string(),
            r.survey_ces.map(|s| s.to_string()).unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        for c in Criterion::ALL {
            out.push(',');
            out.push_str(match card.criteria.get(&c).and_then(|v| v.pass) {
                Some(true) => "pass",
                Some(false) => "fail",
                None => "",
            });
        }
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is defused so a spreadsheet
/// does not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}
