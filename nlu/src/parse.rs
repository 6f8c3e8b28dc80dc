//! The whole understanding of one message: language, intent with ranking, entities, emotion, and
//! whether the message alone calls for a person (the conversation-level policy lives in `handoff`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::NluError;
use crate::content::{Content, IntentDef};
use crate::cues::Cues;
use crate::emotion::{Emotion, STRONG_EMOTION, judge, model_probabilities, probabilities_of};
use crate::entities::{Entity, EntityExtractor};
use crate::intent::{IntentModel, OUT_OF_SCOPE, artifacts};
use crate::lang::{Lang, LanguageDetector};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LangResult {
    pub code: Lang,
    pub confidence: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub name: String,
    pub confidence: f32,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
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
    pub escalate: Escalation,
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
        let detector = LanguageDetector::new(languages);
        detector.warm_up();
        Ok(Self { detector, intents, defs: content.intents, entities, cues, emotion, default_lang: languages.first().copied().unwrap_or(Lang::Ru) })
    }

    pub fn parse(&self, text: &str, hint: Option<Lang>) -> Parse {
        let lang = match self.detector.detect(text) {
            Some(d) if hint.is_none() || d.letters >= 4 && d.confidence >= 0.5 => LangResult { code: d.lang, confidence: d.confidence },
            Some(d) => LangResult { code: hint.unwrap_or(d.lang), confidence: d.confidence.min(0.5) },
            None => LangResult { code: hint.unwrap_or(self.default_lang), confidence: 0.0 },
        };

        // The emotion model reads the same n-grams as the intent model: extract them once.
        let intent_ngrams = self.intents.featurizer.as_ngram();
        let emotion_ngrams = self.emotion.as_ref().and_then(|m| m.featurizer.as_ngram());
        let (prediction, emotion_probs) = match (intent_ngrams, emotion_ngrams, &self.emotion) {
            (Some(a), Some(b), Some(model)) if a.same_ngrams(b) => {
                let raw = a.raw(text);
                let p = self.intents.predict_features(&a.from_raw(&raw));
                (p, Some(probabilities_of(model.predict_features(&b.from_raw(&raw)))))
            }
            _ => (self.intents.predict(text), self.emotion.as_ref().map(|m| model_probabilities(m, text))),
        };
        // With no letters (a bare number, emoji) the classifier has nothing to read: out of scope,
        // and the dialogue decides from entities and context.
        let prediction = if text.chars().any(char::is_alphabetic) { prediction } else { prediction.out_of_scope() };
        let hits = self.cues.hits(text);
        let handoff_intent = self.defs.iter().find(|d| d.handoff);
        let (intent, mut ranking) = match handoff_intent {
            // An explicit request for a person wins over whatever else the message is about.
            Some(def) if hits.human > 0 && prediction.name != def.name => {
                let p = prediction.ranking.iter().find(|(n, _)| *n == def.name).map_or(0.0, |(_, p)| *p);
                (Scored { name: def.name.clone(), confidence: p.max(0.9) }, prediction.ranking.clone())
            }
            _ => (Scored { name: prediction.name.clone(), confidence: prediction.confidence }, prediction.ranking.clone()),
        };
        ranking.truncate(RANKING_LEN);
        let ranking = ranking.into_iter().map(|(name, confidence)| Scored { name, confidence }).collect();

        let emotion = judge(text, &hits, emotion_probs);
        let def = self.defs.iter().find(|d| d.name == intent.name);
        let reason = if def.is_some_and(|d| d.handoff) {
            Some(EscalationReason::CustomerRequest)
        } else if emotion.label.is_negative() && emotion.score >= STRONG_EMOTION {
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
            entities: self.entities.extract(text),
            emotion,
            escalate: Escalation { needed: reason.is_some(), reason },
        }
    }
}
