//! The brief: everything an agent needs to take over without asking the customer to repeat a thing —
//! why, who, what they want, the facts they gave, what the bot already said, how they feel, and first
//! replies in the customer's language.

use std::collections::BTreeMap;

use komek_nlu::emotion::{Emotion, EmotionLabel};
use serde::{Deserialize, Serialize};

use crate::conversation::{Conversation, PastContact, Role};
use crate::policy::Escalation;
use crate::texts::BriefTexts;

/// How much of the last customer message the summary quotes.
const QUOTE_CHARS: usize = 160;
/// Bot answers and emotion points kept in a brief.
const KEEP_LAST: usize = 10;
/// Intents that say nothing about what the customer wants (nor carry a need the quality scorecard
/// judges).
pub(crate) const SMALL_TALK: &[&str] = &["greeting", "goodbye", "thanks", "language_change"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerBrief {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub channels: Vec<String>,
    pub vip: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BotAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    pub text: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmotionTrend {
    pub current: EmotionLabel,
    pub score: f32,
    /// The labels of the customer's messages, oldest first (the last few).
    pub trend: Vec<EmotionLabel>,
}

/// The order the conversation is about, as the back office has it now (the agent should not have to
/// look it up).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub id: String,
    /// The status code (`shipped`, `delivered`, …); the console names it in its language.
    pub status: String,
    /// In whole units of `currency` (as the back office gives it).
    pub amount: i64,
    pub currency: String,
    /// The date that goes with the status (unix ms).
    pub status_date: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub reason: String,
    pub rule: String,
    pub language: String,
    pub channel: String,
    pub priority: u32,
    pub summary: String,
    pub intents: Vec<String>,
    pub facts: BTreeMap<String, String>,
    pub customer: CustomerBrief,
    pub past_contacts: Vec<PastContact>,
    pub bot_answers: Vec<BotAnswer>,
    pub emotion: EmotionTrend,
    /// In the customer's language; `{agent}` is filled when an agent reads the brief. First what the
    /// bot would answer to the customer's latest message (filled with the order's facts), then lines
    /// for the reason and the topic.
    pub suggested_replies: Vec<String>,
    /// The order of `facts.order_id`, from the back office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderFacts>,
}

impl Brief {
    /// Puts what the bot would answer to the latest message first among the suggested replies.
    pub fn suggest_first(&mut self, answers: Vec<String>) {
        let rest = std::mem::take(&mut self.suggested_replies);
        self.suggested_replies = answers;
        for r in rest {
            if !self.suggested_replies.contains(&r) {
                self.suggested_replies.push(r);
            }
        }
    }

    /// The brief as a given agent reads it: their name in the suggested replies.
    pub fn for_agent(&self, agent: &str) -> Brief {
        let mut b = self.clone();
        for r in &mut b.suggested_replies {
            *r = r.replace("{agent}", agent);
        }
        b
    }
}

pub fn build_brief(conv: &Conversation<'_>, escalation: &Escalation, vip: bool, texts: &BriefTexts) -> Brief {
    let mut intents: Vec<String> = Vec::new();
    for t in conv.turns.iter().filter(|t| t.role == Role::Customer) {
        if let Some(i) = &t.intent
            && !intents.contains(i) && !SMALL_TALK.contains(&i.as_str()) {
                intents.push(i.clone());
            }
    }
    let bot_answers: Vec<BotAnswer> = conv
        .turns
        .iter()
        .filter(|t| t.role == Role::Bot)
        .map(|t| BotAnswer { intent: t.intent.clone(), text: t.text.clone(), at: t.at })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .take(KEEP_LAST)
        .rev()
        .collect();
    let feelings: Vec<Emotion> = conv.turns.iter().filter_map(|t| t.emotion).map(trusted).collect();
    let Emotion { label: current, score } = mood(&feelings);
    let trend = feelings.iter().rev().take(KEEP_LAST).rev().map(|e| e.label).collect();
    let reason = escalation.reason.as_str();

    let summary = summary(conv, reason, &intents, current, texts);
    let suggested_replies = suggestions(reason, &intents, conv.facts, texts);
    Brief {
        reason: reason.to_string(),
        rule: escalation.rule.clone(),
        language: conv.language.to_string(),
        channel: conv.channel.to_string(),
        priority: escalation.priority,
        summary,
        intents,
        facts: conv.facts.clone(),
        customer: CustomerBrief {
            id: conv.customer.id.clone(),
            name: conv.customer.name.clone(),
            email: conv.customer.email.clone(),
            phone: conv.customer.phone.clone(),
            channels: conv.customer.channels.clone(),
            vip,
        },
        past_contacts: conv.past.to_vec(),
        bot_answers,
        emotion: EmotionTrend { current, score, trend },
        suggested_replies,
        order: None,
    }
}

/// Customer messages the conversation's mood is read from.
const MOOD_WINDOW: usize = 5;
/// A label the NLU gave with less confidence than this shows as neutral: an agent should not be
/// told a customer is angry on a hunch.
const MOOD_MIN_SCORE: f32 = 0.5;

/// A message's emotion as the agent should see it.
fn trusted(e: Emotion) -> Emotion {
    if e.label != EmotionLabel::Neutral && e.score < MOOD_MIN_SCORE { Emotion { label: EmotionLabel::Neutral, score: 1.0 - e.score } } else { e }
}

/// The conversation's mood: the worst of the recent customer messages (an angry message followed by
/// a calm "a person, please" is still an angry customer), the strongest among equals.
fn mood(feelings: &[Emotion]) -> Emotion {
    let severity = |l: EmotionLabel| match l {
        EmotionLabel::Angry => 3,
        EmotionLabel::Upset => 2,
        EmotionLabel::Neutral => 1,
        EmotionLabel::Positive => 0,
    };
    let recent = &feelings[feelings.len().saturating_sub(MOOD_WINDOW)..];
    let worst = recent.iter().copied().max_by(|a, b| severity(a.label).cmp(&severity(b.label)).then(a.score.total_cmp(&b.score)));
    match worst {
        // Nothing negative: the latest message says how they feel now.
        Some(w) if !w.label.is_negative() => recent.last().copied().unwrap_or(w),
        Some(w) => w,
        None => Emotion { label: EmotionLabel::Neutral, score: 0.0 },
    }
}

/// One paragraph: reason · what they asked about · facts · contacts · mood · the last message quoted.
fn summary(conv: &Conversation<'_>, reason: &str, intents: &[String], emotion: EmotionLabel, texts: &BriefTexts) -> String {
    let mut parts = vec![texts.reason(reason).to_string()];
    if !intents.is_empty() {
        let labels: Vec<&str> = intents.iter().map(|i| texts.intent(i)).collect();
        parts.push(format!("{}: {}", texts.summary.asked_about, labels.join(", ")));
    }
    for (name, value) in conv.facts {
        parts.push(format!("{}: {value}", texts.fact(name)));
    }
    if !conv.past.is_empty() {
        parts.push(format!("{}: {}", texts.summary.past_contacts, conv.past.len()));
    }
    if emotion != EmotionLabel::Neutral {
        parts.push(format!("{}: {}", texts.summary.emotion, emotion.as_str()));
    }
    if let Some(last) = conv.turns.iter().rev().find(|t| t.role == Role::Customer) {
        let mut quote: String = last.text.chars().take(QUOTE_CHARS).collect();
        if last.text.chars().count() > QUOTE_CHARS {
            quote.push('…');
        }
        parts.push(format!("{}: «{}»", texts.summary.last_message, quote.trim()));
    }
    parts.join(" · ")
}

/// The opener, a line for the reason, and one for the latest intent whose placeholders are known.
fn suggestions(reason: &str, intents: &[String], facts: &BTreeMap<String, String>, texts: &BriefTexts) -> Vec<String> {
    let mut keys = vec!["opener".to_string(), format!("reason.{reason}")];
    if let Some(i) = intents.last() {
        keys.push(format!("intent.{i}"));
    }
    let mut out = Vec::new();
    for key in keys {
        let Some(template) = texts.suggested.get(&key) else { continue };
        let text = match facts.get("order_id") {
            Some(id) => template.replace("{order_id}", id),
            None if template.contains("{order_id}") => continue,
            None => template.clone(),
        };
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

#[cfg(test)]
mod mood_tests {
    use super::*;

    fn e(label: EmotionLabel, score: f32) -> Emotion {
        Emotion { label, score }
    }

    #[test]
    fn the_mood_is_the_worst_recent_and_never_a_hunch() {
        // An angry message, then a calm request for a person: still angry.
        let angry_then_calm = [e(EmotionLabel::Angry, 0.9), e(EmotionLabel::Positive, 0.3)].map(trusted);
        assert_eq!(mood(&angry_then_calm).label, EmotionLabel::Angry);
        // A weak "positive" on "позовите человека" shows as neutral.
        assert_eq!(trusted(e(EmotionLabel::Positive, 0.3)).label, EmotionLabel::Neutral);
        // Long ago angry, calm and happy since: the recent messages decide.
        let mut old = vec![e(EmotionLabel::Angry, 0.9)];
        old.extend([e(EmotionLabel::Positive, 0.8); MOOD_WINDOW]);
        assert_eq!(mood(&old).label, EmotionLabel::Positive);
        assert_eq!(mood(&[]).label, EmotionLabel::Neutral);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{CustomerInfo, Turn};
    use crate::policy::Reason;

    pub const TEXTS: &str = r#"
        lang = "en"
        [reasons]
        customer_request = "Asked for a person"
        negative_emotion = "Angry or upset"
        sensitive_intent = "Sensitive topic"
        repeated_misunderstanding = "Bot did not understand twice"
        repeat_contact = "Contacted again about the same order"
        business_rule = "Business rule"
        [intents]
        order_status = "order status"
        complaint = "complaint"
        [facts]
        order_id = "Order"
        phone = "Phone"
        [summary]
        asked_about = "Asked about"
        last_message = "Last message"
        past_contacts = "Contacts in 30 days"
        emotion = "Mood"
        [suggested]
        opener = "Hello, I'm {agent} from support; I can see our conversation, no need to repeat anything."
        "reason.negative_emotion" = "I'm sorry about this; I'll sort it out now."
        "intent.complaint" = "Let me look into order {order_id} right away."
    "#;

    fn turn(role: Role, text: &str, intent: Option<&str>, emotion: Option<(&str, f32)>) -> Turn {
        Turn { at: 1, role, text: text.into(), intent: intent.map(Into::into), emotion: emotion.map(|(l, score)| Emotion { label: serde_json::from_value(serde_json::json!(l)).unwrap(), score }), missed: false }
    }

    #[test]
    fn the_brief_holds_everything_the_customer_said() {
        let texts = BriefTexts::from_toml(TEXTS).unwrap();
        let turns = vec![
            turn(Role::Customer, "hi", Some("greeting"), Some(("neutral", 0.9))),
            turn(Role::Bot, "Hello! How can I help?", Some("greeting"), None),
            turn(Role::Customer, "where is 100003", Some("order_status"), Some(("neutral", 0.8))),
            turn(Role::Bot, "Order 100003 is on its way.", Some("order_status"), None),
            turn(Role::Customer, "THIS IS THE THIRD TIME, <b>unacceptable</b>!!!", Some("complaint"), Some(("angry", 0.95))),
        ];
        let facts = BTreeMap::from([("order_id".to_string(), "100003".to_string()), ("phone".into(), "+77010000000".into())]);
        let customer = CustomerInfo { id: "u_1".into(), channels: vec!["web".into()], ..Default::default() };
        let conv = Conversation { language: "en", channel: "web", turns: &turns, facts: &facts, customer: &customer, past: &[], now: 2 };
        let esc = Escalation { reason: Reason::NegativeEmotion, rule: "strong_negative_emotion".into(), priority: 89, vip: false };
        let b = build_brief(&conv, &esc, false, &texts);
        assert_eq!(b.facts["order_id"], "100003");
        assert_eq!(b.intents, ["order_status", "complaint"], "small talk left out");
        assert_eq!(b.bot_answers.len(), 2);
        assert_eq!(b.emotion.current, EmotionLabel::Angry);
        assert_eq!(b.emotion.trend, [EmotionLabel::Neutral, EmotionLabel::Neutral, EmotionLabel::Angry]);
        assert!(b.summary.starts_with("Angry or upset · Asked about: order status, complaint · Order: 100003"), "{}", b.summary);
        assert!(b.summary.contains("«THIS IS THE THIRD TIME, <b>unacceptable</b>!!!»"), "quoted as text: {}", b.summary);
        assert_eq!(b.suggested_replies.len(), 3);
        assert!(b.suggested_replies[2].contains("100003"));
        let mine = b.for_agent("Aigerim");
        assert!(mine.suggested_replies[0].starts_with("Hello, I'm Aigerim"));
    }

    #[test]
    fn suggestions_needing_an_unknown_order_are_left_out() {
        let texts = BriefTexts::from_toml(TEXTS).unwrap();
        let turns = vec![turn(Role::Customer, "awful", Some("complaint"), Some(("angry", 0.9)))];
        let facts = BTreeMap::new();
        let customer = CustomerInfo::default();
        let conv = Conversation { language: "en", channel: "web", turns: &turns, facts: &facts, customer: &customer, past: &[], now: 2 };
        let esc = Escalation { reason: Reason::NegativeEmotion, rule: "r".into(), priority: 1, vip: false };
        let b = build_brief(&conv, &esc, false, &texts);
        assert!(b.suggested_replies.iter().all(|r| !r.contains("{order_id}")));
        assert_eq!(b.suggested_replies.len(), 2);
    }
}
