//! The bot's content in `models/content/`: intents and training examples per language, in TOML a
//! business can edit. Loading validates everything and names the file and the problem.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::NluError;
use crate::intent::{Labelled, OUT_OF_SCOPE};
use crate::lang::Lang;

/// One intent from `intents.toml`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentDef {
    #[serde(skip)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Entities the dialogue must collect before acting (e.g. `order_id`).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Goes to a human agent (the handoff policy decides how fast).
    #[serde(default)]
    pub sensitive: bool,
    /// Always goes to a human at once (an explicit request for a person).
    #[serde(default)]
    pub handoff: bool,
    /// Changes something for the customer (an address, a return): acted on only when the model is
    /// sure (a stricter action threshold, like sensitive and handoff intents).
    #[serde(default)]
    pub careful: bool,
}

/// A training example with its language.
#[derive(Clone, Debug, PartialEq)]
pub struct ContentExample {
    pub text: String,
    pub lang: Lang,
    pub intent: String,
}

#[derive(Clone, Debug)]
pub struct Content {
    pub dir: PathBuf,
    /// In file order.
    pub intents: Vec<IntentDef>,
    pub examples: Vec<ContentExample>,
    /// SHA-256 over every content file, to tell whether trained artifacts are still current.
    pub hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamplesFile {
    lang: String,
    intents: BTreeMap<String, Vec<String>>,
}

impl Content {
    /// Loads and validates `dir/intents.toml` and `dir/examples/*.toml`.
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        let intents_path = dir.join("intents.toml");
        let intents_text = read(&intents_path)?;
        let mut hasher = Sha256::new();
        hasher.update(intents_text.as_bytes());
        let intents = parse_intents(&intents_path, &intents_text)?;
        let names: HashSet<&str> = intents.iter().map(|i| i.name.as_str()).collect();

        let examples_dir = dir.join("examples");
        let files = toml_files(&examples_dir)?;
        if files.is_empty() {
            return Err(content_err(&examples_dir, "no example files (<lang>.toml)".into()));
        }
        let mut examples = Vec::new();
        for path in &files {
            let text = read(path)?;
            hasher.update(path.file_name().unwrap_or_default().as_encoded_bytes());
            hasher.update(text.as_bytes());
            examples.extend(parse_examples(path, &text, &names)?);
        }
        let hash = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self { dir: dir.to_path_buf(), intents, examples, hash })
    }

    pub fn intent(&self, name: &str) -> Option<&IntentDef> {
        self.intents.iter().find(|i| i.name == name)
    }

    /// The examples as classifier training data.
    pub fn training_data(&self) -> Vec<Labelled> {
        self.examples.iter().map(|e| Labelled { text: e.text.clone(), label: e.intent.clone() }).collect()
    }
}

/// The `*.toml` files of a content folder, sorted by name.
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, NluError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| NluError::Io { path: dir.display().to_string(), source })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, NluError> {
    std::fs::read_to_string(path).map_err(|source| NluError::Io { path: path.display().to_string(), source })
}

fn content_err(path: &Path, message: String) -> NluError {
    NluError::Content { file: path.display().to_string(), message }
}

fn parse_intents(path: &Path, text: &str) -> Result<Vec<IntentDef>, NluError> {
    // Keep the file order: parse as an ordered table of tables.
    let table: toml::Table = toml::from_str(text).map_err(|e| content_err(path, e.to_string()))?;
    let mut order: Vec<(usize, String)> = table.keys().map(|k| (text.find(&format!("[{k}]")).unwrap_or(usize::MAX), k.clone())).collect();
    order.sort();
    let mut out = Vec::new();
    for (_, name) in order {
        if name.trim().is_empty() || name.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
            return Err(content_err(path, format!("intent name {name:?} must be ASCII letters, digits and _")));
        }
        let value = table[&name].clone();
        let mut def: IntentDef =
            value.try_into().map_err(|e: toml::de::Error| content_err(path, format!("intent {name}: {}", e.message())))?;
        def.name = name;
        out.push(def);
    }
    if out.is_empty() {
        return Err(content_err(path, "no intents".into()));
    }
    if !out.iter().any(|i| i.name == OUT_OF_SCOPE) {
        return Err(content_err(path, format!("the out-of-scope intent `{OUT_OF_SCOPE}` must be listed")));
    }
    Ok(out)
}

fn parse_examples(path: &Path, text: &str, intents: &HashSet<&str>) -> Result<Vec<ContentExample>, NluError> {
    let file: ExamplesFile = toml::from_str(text).map_err(|e| content_err(path, e.to_string()))?;
    let lang = Lang::from_code(&file.lang)
        .filter(|l| l.code() == file.lang)
        .ok_or_else(|| content_err(path, format!("unsupported language {:?}", file.lang)))?;
    if path.file_stem().is_some_and(|s| s != lang.code()) {
        return Err(content_err(path, format!("file of language {:?} must be named {}.toml", file.lang, lang.code())));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (intent, texts) in file.intents {
        if !intents.contains(intent.as_str()) {
            return Err(content_err(path, format!("unknown intent {intent:?} (not in intents.toml)")));
        }
        for (i, t) in texts.iter().enumerate() {
            let trimmed = t.trim();
            if trimmed.is_empty() {
                return Err(content_err(path, format!("intent {intent}: example {} is empty", i + 1)));
            }
            let key = trimmed.to_lowercase();
            if !seen.insert(key) {
                return Err(content_err(path, format!("intent {intent}: duplicate example {trimmed:?}")));
            }
            out.push(ContentExample { text: trimmed.to_string(), lang, intent: intent.clone() });
        }
    }
    Ok(out)
}
