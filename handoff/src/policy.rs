//! When the bot hands a conversation to a person. Rules are checked in a fixed order (a request for
//! a person first: never make a customer fight the bot) and every decision names the rule that fired.
//! Thresholds, priorities, VIP customers and business rules come from `models/content/handoff-policy.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::HandoffError;
use crate::conversation::{Conversation, Role, Signal};

/// Why a conversation went to a person (the `reason` of API.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    CustomerRequest,
    NegativeEmotion,
    SensitiveIntent,
    RepeatedMisunderstanding,
    RepeatContact,
    BusinessRule,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::CustomerRequest,
        Reason::NegativeEmotion,
        Reason::SensitiveIntent,
        Reason::RepeatedMisunderstanding,
        Reason::RepeatContact,
        Reason::BusinessRule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::CustomerRequest => "customer_request",
            Reason::NegativeEmotion => "negative_emotion",
            Reason::SensitiveIntent => "sensitive_intent",
            Reason::RepeatedMisunderstanding => "repeated_misunderstanding",
            Reason::RepeatContact => "repeat_contact",
            Reason::BusinessRule => "business_rule",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl TryFrom<String> for Reason {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Reason::parse(&s).ok_or_else(|| format!("unknown handoff reason {s:?}"))
    }
}

/// A decision to hand over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub reason: Reason,
    /// The rule that fired: a built-in name or a business rule's name.
    pub rule: String,
    /// 0–100+, higher is sooner; the queue adds waiting time to it.
    pub priority: u32,
    pub vip: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    strong_emotion: f32,
    low_confidence: f32,
    misunderstandings_in_a_row: usize,
    repeat_contact_days: u32,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vip {
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    priority_bonus: u32,
}

/// A business rule: hands over when every given condition holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BusinessRule {
    name: String,
    #[serde(default)]
    vip: Option<bool>,
    #[serde(default)]
    intents: Vec<String>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    channels: Vec<String>,
    /// A negative emotion at least this strong.
    #[serde(default)]
    min_negative_emotion: Option<f32>,
    #[serde(default)]
    priority: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    thresholds: Thresholds,
    priority: BTreeMap<String, u32>,
    #[serde(default)]
    vip: Vip,
    #[serde(default)]
    rules: Vec<BusinessRule>,
}

#[derive(Clone, Debug)]
pub struct Policy {
    thresholds: Thresholds,
    priority: BTreeMap<Reason, u32>,
    vip: Vip,
    rules: Vec<BusinessRule>,
}

const DAY_MS: i64 = 86_400_000;

impl Policy {
    pub fn from_toml(text: &str) -> Result<Self, HandoffError> {
        let file: File = toml::from_str(text).map_err(|e| HandoffError::Config(e.to_string()))?;
        let mut priority = BTreeMap::new();
        for reason in Reason::ALL {
            let p = file
                .priority
                .get(reason.as_str())
                .ok_or_else(|| HandoffError::Config(format!("[priority] lacks {}", reason.as_str())))?;
            priority.insert(reason, *p);
        }
        if let Some(k) = file.priority.keys().find(|k| Reason::parse(k).is_none()) {
            return Err(HandoffError::Config(format!("[priority] has unknown reason {k:?}")));
        }
        if file.thresholds.misunderstandings_in_a_row == 0 {
            return Err(HandoffError::Config("misunderstandings_in_a_row must be at least 1".into()));
        }
        let mut vip = file.vip;
        vip.emails.iter_mut().for_each(|e| *e = e.trim().to_lowercase());
        vip.phones.iter_mut().for_each(|p| *p = digits(p));
        Ok(Self { thresholds: file.thresholds, priority, vip, rules: file.rules })
    }

    /// Whether the customer is on the VIP list (by e-mail or phone, from the profile or the facts).
    pub fn is_vip(&self, conv: &Conversation<'_>) -> bool {
        let emails = [conv.customer.email.as_deref(), conv.facts.get("email").map(String::as_str)];
        let phones = [conv.customer.phone.as_deref(), conv.facts.get("phone").map(String::as_str)];
        emails.iter().flatten().any(|e| self.vip.emails.contains(&e.trim().to_lowercase()))
            || phones.iter().flatten().map(|p| digits(p)).any(|p| !p.is_empty() && self.vip.phones.contains(&p))
    }

    /// Whether the latest customer message (`signal`, already the last customer turn of `conv`)
    /// hands the conversation over, and why.
    pub fn decide(&self, conv: &Conversation<'_>, signal: &Signal<'_>) -> Option<Escalation> {
        let vip = self.is_vip(conv);
        let negative = signal.emotion.label.is_negative();
        let escalate = |reason: Reason, rule: &str, extra: u32| {
            let bonus = if vip { self.vip.priority_bonus } else { 0 };
            Some(Escalation { reason, rule: rule.to_string(), priority: self.priority[&reason] + extra + bonus, vip })
        };
        let emotion_extra = if negative { (signal.emotion.score * 20.0) as u32 } else { 0 };

        if signal.requests_person {
            return escalate(Reason::CustomerRequest, "explicit_request", emotion_extra);
        }
        if negative && signal.emotion.score >= self.thresholds.strong_emotion {
            return escalate(Reason::NegativeEmotion, "strong_negative_emotion", emotion_extra);
        }
        if signal.sensitive {
            return escalate(Reason::SensitiveIntent, "sensitive_intent", emotion_extra);
        }
        if self.misunderstood_in_a_row(conv, signal) {
            return escalate(Reason::RepeatedMisunderstanding, "misunderstood_in_a_row", emotion_extra);
        }
        if signal.concerns_order
            && let Some(order) = signal.order_id.or(conv.facts.get("order_id").map(String::as_str)) {
                let since = conv.now - i64::from(self.thresholds.repeat_contact_days) * DAY_MS;
                if conv.past.iter().any(|p| p.started_at >= since && p.order_ids.iter().any(|o| o == order)) {
                    return escalate(Reason::RepeatContact, "same_order_within_days", emotion_extra);
                }
            }
        for rule in &self.rules {
            if self.rule_holds(rule, conv, signal, vip) {
                let mut e = escalate(Reason::BusinessRule, &rule.name, emotion_extra)?;
                if let Some(p) = rule.priority {
                    e.priority = p + emotion_extra;
                }
                return Some(e);
            }
        }
        None
    }

    /// The latest message and the ones right before it all missed.
    fn misunderstood_in_a_row(&self, conv: &Conversation<'_>, signal: &Signal<'_>) -> bool {
        let latest_missed = signal.out_of_scope || signal.confidence < self.thresholds.low_confidence;
        if !latest_missed {
            return false;
        }
        let needed = self.thresholds.misunderstandings_in_a_row;
        // The latest turn is already in `turns`; count the customer turns before it that missed.
        let earlier = conv.turns.iter().rev().filter(|t| t.role == Role::Customer).skip(1).take(needed - 1);
        let missed_before = earlier.take_while(|t| t.missed).count();
        missed_before + 1 >= needed
    }

    fn rule_holds(&self, rule: &BusinessRule, conv: &Conversation<'_>, signal: &Signal<'_>, vip: bool) -> bool {
        rule.vip.is_none_or(|v| v == vip)
            && (rule.intents.is_empty() || rule.intents.iter().any(|i| i == signal.intent))
            && (rule.languages.is_empty() || rule.languages.iter().any(|l| l == conv.language))
            && (rule.channels.is_empty() || rule.channels.iter().any(|c| c == conv.channel))
            && rule
                .min_negative_emotion
                .is_none_or(|m| signal.emotion.label.is_negative() && signal.emotion.score >= m)
    }

    /// The base priority of a reason.
    /// From this score an angry or upset message is a reason to hand over (the one source of the
    /// threshold: the NLU's own escalation hint is given the same value).
    pub fn strong_emotion(&self) -> f32 {
        self.thresholds.strong_emotion
    }

    pub fn base_priority(&self, reason: Reason) -> u32 {
        self.priority[&reason]
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{CustomerInfo, PastContact, Turn};
    use komek_nlu::emotion::{Emotion, EmotionLabel};

    fn angry(score: f32) -> Emotion {
        Emotion { label: EmotionLabel::Angry, score }
    }

    const POLICY: &str = r#"
        [thresholds]
        strong_emotion = 0.75
        low_confidence = 0.45
        misunderstandings_in_a_row = 2
        repeat_contact_days = 7
        [priority]
        customer_request = 50
        negative_emotion = 70
        sensitive_intent = 50
        repeated_misunderstanding = 40
        repeat_contact = 60
        business_rule = 60
        [vip]
        emails = ["VIP@example.com"]
        phones = ["+7 701 123 45 67"]
        priority_bonus = 20
        [[rules]]
        name = "vip_refund"
        vip = true
        intents = ["refund_status"]
    "#;

    fn signal(intent: &str) -> Signal<'_> {
        Signal {
            intent,
            confidence: 0.9,
            out_of_scope: false,
            requests_person: false,
            sensitive: false,
            concerns_order: false,
            emotion: Emotion { label: EmotionLabel::Neutral, score: 0.9 },
            order_id: None,
        }
    }

    fn turn(missed: bool) -> Turn {
        Turn { at: 0, role: Role::Customer, text: "x".into(), intent: None, emotion: None, missed }
    }

    struct Fixture {
        turns: Vec<Turn>,
        facts: BTreeMap<String, String>,
        customer: CustomerInfo,
        past: Vec<PastContact>,
    }

    impl Fixture {
        fn new() -> Self {
            Self { turns: vec![turn(false)], facts: BTreeMap::new(), customer: CustomerInfo::default(), past: vec![] }
        }
        fn conv(&self) -> Conversation<'_> {
            Conversation {
                language: "ru",
                channel: "web",
                turns: &self.turns,
                facts: &self.facts,
                customer: &self.customer,
                past: &self.past,
                now: 30 * DAY_MS,
            }
        }
    }

    #[test]
    fn a_request_for_a_person_wins_over_everything() {
        let p = Policy::from_toml(POLICY).unwrap();
        let f = Fixture::new();
        let s = Signal { requests_person: true, sensitive: true, emotion: angry(0.9), ..signal("human_agent") };
        let e = p.decide(&f.conv(), &s).unwrap();
        assert_eq!((e.reason, e.rule.as_str()), (Reason::CustomerRequest, "explicit_request"));
    }

    #[test]
    fn strong_anger_escalates_with_higher_priority_than_mild() {
        let p = Policy::from_toml(POLICY).unwrap();
        let f = Fixture::new();
        let strong = p.decide(&f.conv(), &Signal { emotion: angry(0.95), ..signal("order_status") }).unwrap();
        assert_eq!(strong.reason, Reason::NegativeEmotion);
        assert!(p.decide(&f.conv(), &Signal { emotion: angry(0.5), ..signal("order_status") }).is_none());
        let request = p.decide(&f.conv(), &Signal { requests_person: true, ..signal("human_agent") }).unwrap();
        assert!(strong.priority > request.priority);
    }

    #[test]
    fn two_misses_in_a_row_escalate_one_does_not() {
        let p = Policy::from_toml(POLICY).unwrap();
        let mut f = Fixture::new();
        let miss = Signal { out_of_scope: true, ..signal("oos") };
        f.turns = vec![turn(false), turn(true)];
        assert!(p.decide(&f.conv(), &miss).is_none(), "the first miss is answered by the bot");
        f.turns = vec![turn(true), turn(true)];
        assert_eq!(p.decide(&f.conv(), &miss).unwrap().reason, Reason::RepeatedMisunderstanding);
        let unsure = Signal { confidence: 0.2, ..signal("store_hours") };
        assert_eq!(p.decide(&f.conv(), &unsure).unwrap().reason, Reason::RepeatedMisunderstanding);
    }

    #[test]
    fn repeat_contact_about_the_same_order_within_the_window() {
        let p = Policy::from_toml(POLICY).unwrap();
        let mut f = Fixture::new();
        f.facts.insert("order_id".into(), "100017".into());
        let s = Signal { concerns_order: true, ..signal("order_status") };
        let contact = |days_ago: i64, order: &str| PastContact {
            conversation_id: "c_old".into(),
            started_at: 30 * DAY_MS - days_ago * DAY_MS,
            intents: vec!["order_status".into()],
            order_ids: vec![order.into()],
            handed_off: false,
        };
        f.past = vec![contact(10, "100017"), contact(2, "100099")];
        assert!(p.decide(&f.conv(), &s).is_none(), "old contact or another order");
        f.past.push(contact(3, "100017"));
        let e = p.decide(&f.conv(), &s).unwrap();
        assert_eq!((e.reason, e.rule.as_str()), (Reason::RepeatContact, "same_order_within_days"));
    }

    #[test]
    fn vip_business_rule_names_itself() {
        let p = Policy::from_toml(POLICY).unwrap();
        let mut f = Fixture::new();
        assert!(p.decide(&f.conv(), &signal("refund_status")).is_none());
        f.facts.insert("phone".into(), "+77011234567".into());
        let e = p.decide(&f.conv(), &signal("refund_status")).unwrap();
        assert_eq!((e.reason, e.rule.as_str(), e.vip), (Reason::BusinessRule, "vip_refund", true));
        assert_eq!(e.priority, 80);
        f.facts.clear();
        f.customer.email = Some("vip@EXAMPLE.com".into());
        assert!(p.decide(&f.conv(), &signal("refund_status")).is_some(), "VIP by profile e-mail");
    }

    #[test]
    fn sensitive_intents_escalate() {
        let p = Policy::from_toml(POLICY).unwrap();
        let f = Fixture::new();
        let e = p.decide(&f.conv(), &Signal { sensitive: true, ..signal("cancel_order") }).unwrap();
        assert_eq!(e.reason, Reason::SensitiveIntent);
    }

    #[test]
    fn bad_config_is_named() {
        let e = Policy::from_toml("[thresholds]\nstrong_emotion = 1").unwrap_err();
        assert!(e.to_string().contains("missing field"), "{e}");
    }
}
