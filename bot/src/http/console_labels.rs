//! The console's strings with the domain's names from content: intent topics, facts and summary
//! words from `models/content/handoff/<lang>.toml`, order statuses from the replies. The brief the
//! console shows is then worded in the agent's console language, never with internal names, and
//! nothing is written twice in content.

use std::collections::HashMap;

use komek_handoff::texts::BriefTexts;
use komek_nlu::Lang;
use serde_json::Value;

use crate::backoffice::OrderStatus;
use crate::dialogue::responses::Responses;
use crate::error::BotError;

/// `strings` is the console's `/console/i18n.json`; each language's `ui` map gains `intent_<id>`,
/// `fact_<name>`, `summary_<word>` and `status_<code>` where the console's own file does not set them.
pub fn with_domain_labels(strings: &str, texts: &HashMap<Lang, BriefTexts>, responses: &Responses) -> Result<String, BotError> {
    let mut json: Value = serde_json::from_str(strings)?;
    let Some(languages) = json.get_mut("languages").and_then(Value::as_object_mut) else { return Ok(strings.to_string()) };
    for (code, file) in languages.iter_mut() {
        let (Some(lang), Some(ui)) = (Lang::from_code(code), file.get_mut("ui").and_then(Value::as_object_mut)) else { continue };
        let mut add = |key: String, value: &str| {
            ui.entry(key).or_insert_with(|| Value::String(value.to_string()));
        };
        if let Some(t) = texts.get(&lang) {
            for (id, name) in &t.intents {
                add(format!("intent_{id}"), name);
            }
            for (name, label) in &t.facts {
                add(format!("fact_{name}"), label);
            }
            let s = &t.summary;
            for (word, text) in [("asked_about", &s.asked_about), ("last_message", &s.last_message), ("past_contacts", &s.past_contacts), ("emotion", &s.emotion)] {
                add(format!("summary_{word}"), text);
            }
        }
        for status in OrderStatus::ALL {
            add(format!("status_{}", status.as_str()), &responses.status(lang, status.as_str()));
        }
    }
    Ok(serde_json::to_string(&json)?)
}
