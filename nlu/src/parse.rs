//! The whole understanding of one message: language, intent with ranking, entities, emotion, and
//! whether the message alone calls for a person (the conversation-level policy lives in `handoff`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::NluError;
use crate::content::{Content, IntentDef};
use crate::cues::Cues;
use crate::cues::CueHits;
use crate::emotion::{Emotion, judge, model_probabilities, probabilities_of};
use crate::entities::{Entity, EntityExtractor};
use crate::form::{MessageForm, form_of};
use crate::intent::{IntentModel, OUT_OF_SCOPE, artifacts};
use crate::lang::script::Script;
use crate::lang::{ConversationLanguage, Lang, LanguageDecision, LanguageDetector, Switch, requested_language, translit};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LangResult {
    pub code: Lang,
    pub confidence: f32,
    /// Russian or Kazakh typed in Latin letters ("zdravstvuyte", "salem"): `code` is the language,
    /// and replies go in its Cyrillic script.
    #[serde(default)]
    pub romanized: bool,
    /// A language the bot does not speak (ISO 639-1: "ja", "it", "ky", …); `code` is then the hint
    /// or the default language, with confidence 0.
    #[serde(default)]
    pub unsupported: Option<String>,
}

impl LangResult {
    fn new(code: Lang, confidence: f32) -> Self {
        Self { code, confidence, romanized: false, unsupported: None }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub name: String,
    pub confidence: f32,
    /// The intent's action threshold (calibrated on held-out training content): below it the
    /// dialogue should ask a one-tap clarification rather than act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f32>,
}

impl Scored {
    fn new(name: &str, confidence: f32) -> Self {
        Self { name: name.to_string(), confidence, threshold: None }
    }

    /// Confident enough to act on: at or above its threshold (no threshold: always).
    pub fn is_sure(&self) -> bool {
        self.threshold.is_none_or(|t| self.confidence >= t)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// The customer asked for a person.
    CustomerRequest,
    /// Strong anger or distress.
    NegativeEmotion,
    /// An intent the content marks as sensitive (e.g. cancellations, complaints).
    SensitiveIntent,
}

/// The parse's own suggestion to escalate, from this one message; the bot's policy
/// (`komek_handoff::Escalation`) decides with the whole conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EscalationHint {
    pub needed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<EscalationReason>,
}

/// The parse of one message (the JSON of `POST /api/v1/nlu/parse` and `komek nlu parse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parse {
    pub lang: LangResult,
    pub intent: Scored,
    pub ranking: Vec<Scored>,
    pub entities: Vec<Entity>,
    pub emotion: Emotion,
    pub escalate: EscalationHint,
    /// What kind of message it is: `text`, or `markup`, `code`, `mash`, `emoji`, `link`, `empty`
    /// (markup, code, mash and links always parse as out of scope).
    #[serde(default)]
    pub form: MessageForm,
}

/// How many ranked intents a parse carries.
const RANKING_LEN: usize = 5;

/// Everything needed to parse messages, loaded once.
pub struct Nlu {
    pub detector: LanguageDetector,
    pub intents: IntentModel,
    pub defs: Vec<IntentDef>,
    pub entities: EntityExtractor,
    pub cues: Cues,
    /// Four-way emotion classifier (`models/emotion`), if trained.
    pub emotion: Option<IntentModel>,
    /// Used when a message has no letters and no hint is given.
    pub default_lang: Lang,
    /// From this emotion score on an angry or upset message alone calls for a person. Read from
    /// `content/handoff-policy.toml` (`[thresholds] strong_emotion`), the one source the handoff
    /// policy reads too; `None` (no policy file) means emotion alone never escalates a parse.
    pub strong_emotion: Option<f32>,
}

impl Nlu {
    /// Loads content and trained artifacts from a models folder (`content/`, `intent/`).
    pub fn load(models: &Path, languages: &[Lang]) -> Result<Self, NluError> {
        let content = Content::load(&models.join("content"))?;
        let (intents, _) = artifacts::load(&models.join("intent")).map_err(|e| {
            NluError::Model(format!("{e} (train the model with `komek train`)"))
        })?;
        for label in &intents.labels {
            if content.intent(label).is_none() {
                return Err(NluError::Model(format!("the model knows intent {label:?} that the content lacks; run `komek train`")));
            }
        }
        let entities_path = models.join("content/entities.toml");
        let entities = match std::fs::read_to_string(&entities_path) {
            Ok(text) => EntityExtractor::from_toml(&text)?,
            Err(_) => EntityExtractor::default(),
        };
        let cues = Cues::load(&models.join("content/cues"))?;
        let emotion = match artifacts::load(&models.join("emotion")) {
            Ok((model, _)) => Some(model),
            Err(NluError::Io { .. }) => None,
            Err(e) => return Err(e),
        };
        let strong_emotion = read_strong_emotion(&models.join("content/handoff-policy.toml"))?;
        let detector = LanguageDetector::new(languages);
        detector.warm_up();
        Ok(Self {
            detector,
            intents,
            defs: content.intents,
            entities,
            cues,
            emotion,
            default_lang: languages.first().copied().unwrap_or(Lang::Ru),
            strong_emotion,
        })
    }

    /// Sets the strong-emotion threshold (e.g. from a handoff policy loaded elsewhere).
    pub fn set_strong_emotion(&mut self, threshold: f32) {
        self.strong_emotion = Some(threshold);
    }

    pub fn parse(&self, text: &str, hint: Option<Lang>) -> Parse {
        self.parse_expecting(text, hint, None)
    }

    /// The parse of a message that may answer the bot's question for `expecting` (an entity type
    /// such as `order_id`): "100 017" then is the order number even without a marker word.
    pub fn parse_expecting(&self, text: &str, hint: Option<Lang>, expecting: Option<&str>) -> Parse {
        let form = form_of(text);
        let detection = self.detector.detect(text);
        let unsupported = detection.as_ref().and_then(|d| d.unsupported);
        let romanized = detection.as_ref().is_some_and(|d| d.romanized);
        let lang = match &detection {
            // Not a language the bot speaks: the channel's or the default, and no confidence.
            Some(d) if d.unsupported.is_some() => LangResult::new(hint.unwrap_or(self.default_lang), 0.0),
            Some(d) if hint.is_none() || d.letters >= 4 && d.confidence >= 0.5 => LangResult::new(d.lang, d.confidence),
            Some(d) => LangResult::new(hint.unwrap_or(d.lang), d.confidence.min(0.5)),
            None => LangResult::new(hint.unwrap_or(self.default_lang), 0.0),
        };
        let lang = LangResult { romanized, unsupported: unsupported.map(str::to_string), ..lang };

        // Uzbek in Cyrillic is read in the Latin alphabet the models learnt.
        let uzbek_latin;
        let model_text = if lang.code == Lang::Uz && text.chars().any(|c| Script::of(c) == Some(Script::Cyrillic)) {
            uzbek_latin = translit::uz_cyrillic_to_latin(text);
            uzbek_latin.as_str()
        } else {
            text
        };
        // The emotion model reads the same n-grams as the intent model: extract them once.
        let intent_ngrams = self.intents.featurizer.as_ngram();
        let emotion_ngrams = self.emotion.as_ref().and_then(|m| m.featurizer.as_ngram());
        let (prediction, emotion_probs) = match (intent_ngrams, emotion_ngrams, &self.emotion) {
            (Some(a), Some(b), Some(model)) if a.same_ngrams(b) => {
                let raw = a.raw(model_text);
                let p = self.intents.predict_features(&a.from_raw(&raw));
                (p, Some(probabilities_of(model.predict_features(&b.from_raw(&raw)))))
            }
            _ => (self.intents.predict(model_text), self.emotion.as_ref().map(|m| model_probabilities(m, model_text))),
        };
        // With no letters (a bare number, emoji) the classifier has nothing to read; markup, code,
        // mash and bare links are not requests; a language the bot does not speak is not
        // understood. Out of scope, and the dialogue decides from entities and context.
        let readable = text.chars().any(char::is_alphabetic) && !form.is_noise() && unsupported.is_none();
        let prediction = if readable { prediction } else { prediction.out_of_scope() };
        let mut hits = self.cues.hits(text);
        if romanized {
            // Cue words are written in Cyrillic: read "pozovite operatora" as "позовите оператора".
            let cyrillic = translit::latin_to_cyrillic(text, lang.code == Lang::Kk);
            hits = hits.max(self.cues.hits(&cyrillic));
        }
        if matches!(form, MessageForm::Code | MessageForm::Link | MessageForm::Mash) {
            // Words inside code or spam ("TaskManager", "operator") are not the customer's.
            hits = CueHits::default();
        }
        let handoff_intent = self.defs.iter().find(|d| d.handoff);
        let (intent, mut ranking) = match handoff_intent {
            // An explicit request for a person wins over whatever else the message is about, and a
            // cue word confirms the model's own unsure reading of one.
            Some(def) if hits.human > 0 => {
                let p = prediction.ranking.iter().find(|(n, _)| *n == def.name).map_or(0.0, |(_, p)| *p);
                (Scored::new(&def.name, p.max(0.9)), prediction.ranking.clone())
            }
            _ => (Scored::new(&prediction.name, prediction.confidence), prediction.ranking.clone()),
        };
        ranking.truncate(RANKING_LEN);
        let threshold = |s: Scored| Scored { threshold: self.intents.threshold(&s.name), ..s };
        let ranking = ranking.into_iter().map(|(name, confidence)| threshold(Scored::new(&name, confidence))).collect();
        let intent = threshold(intent);

        let emotion = match form {
            MessageForm::Code | MessageForm::Link | MessageForm::Mash => Emotion::neutral(),
            _ => judge(text, &hits, emotion_probs),
        };
        let def = self.defs.iter().find(|d| d.name == intent.name);
        let reason = if def.is_some_and(|d| d.handoff) {
            Some(EscalationReason::CustomerRequest)
        } else if emotion.label.is_negative() && self.strong_emotion.is_some_and(|t| emotion.score >= t) {
            Some(EscalationReason::NegativeEmotion)
        } else if def.is_some_and(|d| d.sensitive) && intent.name != OUT_OF_SCOPE {
            Some(EscalationReason::SensitiveIntent)
        } else {
            None
        };
        Parse {
            lang,
            intent,
            ranking,
            entities: self.entities.extract_expecting(text, expecting),
            emotion,
            escalate: EscalationHint { needed: reason.is_some(), reason },
            form,
        }
    }

    /// Takes a customer message into the conversation's language like
    /// [`ConversationLanguage::observe`], but a message made of what carries no language (an
    /// address, order and phone numbers, e-mails, names) or one that answers the bot's question
    /// for `expecting` in a word or two never moves it: "г. Астана, ул. Кенесары 40, кв 15" keeps a
    /// Russian conversation Russian.
    pub fn observe_language(&self, state: &mut ConversationLanguage, text: &str, expecting: Option<&str>) -> LanguageDecision {
        let words = language_evidence_words(text, &self.entities.extract_expecting(text, expecting));
        let answer_only = expecting.is_some() && words <= ANSWER_WORDS;
        if (words == 0 || answer_only) && requested_language(text).is_none() && state.is_established() {
            let detection = self.detector.detect(text);
            return LanguageDecision { lang: state.current(), changed: false, reason: Switch::Kept, detection };
        }
        state.observe(&self.detector, text)
    }
}

/// A reply to the bot's question of up to this many words (besides its entities and names) is an
/// answer, not a sign of the customer's language.
const ANSWER_WORDS: usize = 3;

/// Words of a message that tell its language: not inside an entity, not a name (a capitalised
/// word inside a sentence), not an abbreviation of one or two letters.
fn language_evidence_words(text: &str, entities: &[Entity]) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut i = 0;
    let mut sentence_start = true;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            if matches!(chars[i], '.' | '!' | '?' | '\n') {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        let in_entity = entities.iter().any(|e| e.start <= start && i <= e.end);
        let name = chars[start].is_uppercase() && !sentence_start;
        sentence_start = false;
        if !in_entity && !name && i - start > 2 {
            count += 1;
        }
    }
    count
}

/// `[thresholds] strong_emotion` of a handoff policy file; `None` when there is no such file.
fn read_strong_emotion(path: &Path) -> Result<Option<f32>, NluError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(NluError::Io { path: path.display().to_string(), source }),
    };
    let content_err = |message: String| NluError::Content { file: path.display().to_string(), message };
    let table: toml::Table = toml::from_str(&text).map_err(|e| content_err(e.to_string()))?;
    let value = table
        .get("thresholds")
        .and_then(|t| t.get("strong_emotion"))
        .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        .ok_or_else(|| content_err("[thresholds] strong_emotion (a number) is missing".into()))?;
    Ok(Some(value as f32))
}
