//! The words of the brief in one language (`models/content/handoff/<lang>.toml`): labels for the
//! summary and suggested first replies for the agent.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::HandoffError;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub asked_about: String,
    pub last_message: String,
    pub past_contacts: String,
    pub emotion: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefTexts {
    pub lang: String,
    pub reasons: BTreeMap<String, String>,
    pub intents: BTreeMap<String, String>,
    pub facts: BTreeMap<String, String>,
    pub summary: Summary,
    pub suggested: BTreeMap<String, String>,
}

/// Placeholders a suggested reply may use.
const PLACEHOLDERS: &[&str] = &["agent", "order_id"];

impl BriefTexts {
    pub fn from_toml(text: &str) -> Result<Self, HandoffError> {
        let t: BriefTexts = toml::from_str(text).map_err(|e| HandoffError::Config(e.to_string()))?;
        for reason in crate::Reason::ALL {
            if !t.reasons.contains_key(reason.as_str()) {
                return Err(HandoffError::Config(format!("[reasons] lacks {}", reason.as_str())));
            }
        }
        if !t.suggested.contains_key("opener") {
            return Err(HandoffError::Config("[suggested] lacks opener".into()));
        }
        for (key, value) in &t.suggested {
            let mut rest = value.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else { break };
                let name = &rest[open + 1..open + close];
                if !PLACEHOLDERS.contains(&name) {
                    return Err(HandoffError::Config(format!("[suggested] {key}: unknown placeholder {{{name}}}")));
                }
                rest = &rest[open + close + 1..];
            }
        }
        Ok(t)
    }

    pub fn reason<'a>(&'a self, reason: &'a str) -> &'a str {
        self.reasons.get(reason).map_or(reason, String::as_str)
    }

    pub fn intent<'a>(&'a self, intent: &'a str) -> &'a str {
        self.intents.get(intent).map_or(intent, String::as_str)
    }

    pub fn fact<'a>(&'a self, name: &'a str) -> &'a str {
        self.facts.get(name).map_or(name, String::as_str)
    }
}
