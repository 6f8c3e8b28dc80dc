//! `models/content/dialogue.toml`: which action handles each intent and which buttons go under which
//! reply. Checked against the intents and the replies at load, so a typo fails at start.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use komek_nlu::content::IntentDef;
use serde::Deserialize;

use super::responses::Responses;
use crate::error::BotError;

/// What the code can do for an intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Reply,
    Close,
    OrderStatus,
    RefundStatus,
    Return,
    ChangeAddress,
    Subscribe,
    Handoff,
    LanguageChange,
    OutOfScope,
}

impl Action {
    /// Actions that work on an order and so need its number.
    pub fn needs_order(self) -> bool {
        matches!(self, Action::OrderStatus | Action::RefundStatus | Action::Return | Action::ChangeAddress | Action::Subscribe)
    }

    /// Actions the bot may still take while the customer waits for a person: answers and look-ups
    /// that neither end the conversation nor need a person.
    pub fn routine(self) -> bool {
        matches!(self, Action::Reply | Action::LanguageChange) || (self.needs_order() && self != Action::ChangeAddress)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentEntry {
    action: Action,
    #[serde(default)]
    reply: Option<String>,
    /// Pleasantries ("hello", "thanks"): when the same message also asks for something else, the
    /// bot answers that instead.
    #[serde(default)]
    small_talk: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    menu: Vec<String>,
    intents: BTreeMap<String, IntentEntry>,
    #[serde(default)]
    buttons: BTreeMap<String, Vec<String>>,
    /// Topic → the intents a message that only names the topic may mean ("a question about money").
    #[serde(default)]
    topics: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug)]
pub struct Script {
    intents: HashMap<String, IntentEntry>,
    /// Reply key → button ids, with "menu" expanded.
    buttons: HashMap<String, Vec<String>>,
    out_of_scope: String,
    /// Intents that ask for a person (intents.toml `handoff`).
    person: Vec<String>,
    /// Sorted by name: topics are offered in a stable order.
    topics: BTreeMap<String, Vec<String>>,
}

impl Script {
    pub fn load(path: &Path, intents: &[IntentDef], responses: &Responses) -> Result<Self, BotError> {
        let err = |message: String| BotError::Content { file: path.display().to_string(), message };
        let text = std::fs::read_to_string(path).map_err(|source| BotError::Io { path: path.display().to_string(), source })?;
        let file: File = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        let mut replies = Vec::new();
        for def in intents {
            let entry = file.intents.get(&def.name).ok_or_else(|| err(format!("intent {:?} has no action", def.name)))?;
            if matches!(entry.action, Action::Reply | Action::Close) {
                let key = entry.reply.as_deref().unwrap_or(&def.name);
                if !responses.has_reply(key) {
                    return Err(err(format!("intent {:?} replies with {key:?}, which some language lacks", def.name)));
                }
                replies.push(key);
            }
        }
        if let Some(name) = file.intents.keys().find(|n| !intents.iter().any(|d| &d.name == *n)) {
            return Err(err(format!("{name:?} is not an intent of intents.toml")));
        }
        let out_of_scope = file
            .intents
            .iter()
            .find(|(_, e)| e.action == Action::OutOfScope)
            .map(|(n, _)| n.clone())
            .ok_or_else(|| err("no intent has the action out_of_scope".into()))?;
        let mut buttons = HashMap::new();
        for (key, ids) in &file.buttons {
            let mut expanded = Vec::new();
            for id in ids {
                let ids: &[String] = if id == "menu" { &file.menu } else { std::slice::from_ref(id) };
                for id in ids {
                    if !responses.has_button(id) {
                        return Err(err(format!("button {id:?} (under {key:?}) has no label in some language")));
                    }
                    if !expanded.contains(id) {
                        expanded.push(id.clone());
                    }
                }
            }
            buttons.insert(key.clone(), expanded);
        }
        for (topic, ids) in &file.topics {
            if let Some(id) = ids.iter().find(|id| !file.intents.contains_key(*id) || !responses.has_button(id)) {
                return Err(err(format!("topic {topic:?}: {id:?} is not an intent with a button label")));
            }
        }
        let labels: Vec<&str> = buttons.values().flatten().map(String::as_str).collect();
        responses.check_used(&replies, &labels)?;
        let person = intents.iter().filter(|d| d.handoff).map(|d| d.name.clone()).collect();
        Ok(Self { intents: file.intents.into_iter().collect(), buttons, out_of_scope, person, topics: file.topics })
    }

    pub fn action(&self, intent: &str) -> Action {
        self.intents.get(intent).map_or(Action::OutOfScope, |e| e.action)
    }

    pub fn is_small_talk(&self, intent: &str) -> bool {
        self.intents.get(intent).is_some_and(|e| e.small_talk)
    }

    /// Whether the intent is a request for a person.
    pub fn asks_for_person(&self, intent: &str) -> bool {
        self.person.iter().any(|p| p == intent)
    }

    pub fn knows(&self, intent: &str) -> bool {
        self.intents.contains_key(intent)
    }

    /// The reply key of a `reply`/`close` intent.
    pub fn reply_key<'a>(&'a self, intent: &'a str) -> &'a str {
        self.intents.get(intent).and_then(|e| e.reply.as_deref()).unwrap_or(intent)
    }

    pub fn buttons(&self, reply_key: &str) -> &[String] {
        self.buttons.get(reply_key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The intent handled by `action` (the first in name order when several are).
    pub fn intent_for(&self, action: Action) -> Option<&str> {
        let mut names: Vec<&String> = self.intents.iter().filter(|(_, e)| e.action == action).map(|(n, _)| n).collect();
        names.sort();
        names.first().map(|n| n.as_str())
    }

    /// The topics of `[topics]`, sorted.
    pub fn topic_names(&self) -> impl Iterator<Item = &str> {
        self.topics.keys().map(String::as_str)
    }

    /// The intents a message naming `topic` may mean (empty for an unknown topic).
    pub fn topic_intents(&self, topic: &str) -> &[String] {
        self.topics.get(topic).map_or(&[], Vec::as_slice)
    }

    pub fn out_of_scope_intent(&self) -> &str {
        &self.out_of_scope
    }
}
