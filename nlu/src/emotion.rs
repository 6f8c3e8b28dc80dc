//! The customer's emotion in one message: angry, upset, neutral or positive, with a score.
//! Evidence: cue words per language (`models/content/cues`), repeated-effort phrases ("third time I
//! write"), and typography (SHOUTING, "!!!").

use serde::{Deserialize, Serialize};

use crate::cues::CueHits;
use crate::intent::IntentModel;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmotionLabel {
    Angry,
    Upset,
    Neutral,
    Positive,
}

impl EmotionLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            EmotionLabel::Angry => "angry",
            EmotionLabel::Upset => "upset",
            EmotionLabel::Neutral => "neutral",
            EmotionLabel::Positive => "positive",
        }
    }

    pub fn is_negative(self) -> bool {
        matches!(self, EmotionLabel::Angry | EmotionLabel::Upset)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Emotion {
    pub label: EmotionLabel,
    /// Strength of the label in 0..=1 (for neutral: how free of other signals the text is).
    pub score: f32,
}

/// From this score on an angry or upset message is a reason to hand over to a person.
pub const STRONG_EMOTION: f32 = 0.75;
/// Below this much evidence a message is neutral.
const MIN_SIGNAL: f32 = 0.35;

/// Labels of the emotion model, in the order of its (sorted) classes.
pub const MODEL_LABELS: [&str; 4] = ["angry", "neutral", "positive", "upset"];

/// How much a model probability counts against one cue word: a confident model alone can label a
/// message, but takes a cue or typography as well to make it strong enough for a handoff.
const MODEL_WEIGHT: f32 = 1.5;
const MODEL_FLOOR: f32 = 0.25;

/// The emotion model's probabilities for (angry, neutral, positive, upset).
pub fn model_probabilities(model: &IntentModel, text: &str) -> [f32; 4] {
    probabilities_of(model.predict(text))
}

/// The (angry, neutral, positive, upset) probabilities of an emotion-model prediction.
pub fn probabilities_of(p: crate::intent::IntentPrediction) -> [f32; 4] {
    let mut out = [0f32; 4];
    for (name, prob) in p.ranking {
        if let Some(i) = MODEL_LABELS.iter().position(|l| *l == name) {
            out[i] = prob;
        }
    }
    out
}

/// Weighs the evidence of one message: cue hits, typography and (when present) the model.
pub fn judge(text: &str, hits: &CueHits, model: Option<[f32; 4]>) -> Emotion {
    let (shouting, exclaiming) = typography(text);
    let [m_angry, _, m_positive, m_upset] = model.unwrap_or([0.0; 4]).map(|p| MODEL_WEIGHT * (p - MODEL_FLOOR).max(0.0));
    let anger = hits.anger as f32
        + 0.5 * hits.repeat as f32
        + if shouting { 1.0 } else { 0.0 }
        + if exclaiming { 0.4 } else { 0.0 }
        + m_angry;
    let upset = hits.upset as f32 + 0.3 * hits.repeat as f32 + m_upset;
    let positive = if hits.anger + hits.upset > 0 { 0.0 } else { hits.positive as f32 + m_positive };
    let strength = |s: f32| 1.0 - (-s).exp();
    let (label, signal) = [(EmotionLabel::Angry, anger), (EmotionLabel::Upset, upset), (EmotionLabel::Positive, positive)]
        .into_iter()
        .fold((EmotionLabel::Neutral, 0.0f32), |best, (l, s)| if s > best.1 { (l, s) } else { best });
    if signal < MIN_SIGNAL {
        return Emotion { label: EmotionLabel::Neutral, score: 1.0 - strength(anger.max(upset).max(positive)) };
    }
    Emotion { label, score: strength(signal) }
}

/// (mostly capitals over at least 8 cased letters, two or more "!" in a row)
fn typography(text: &str) -> (bool, bool) {
    let mut upper = 0usize;
    let mut cased = 0usize;
    let mut bangs = 0usize;
    let mut max_bangs = 0usize;
    for c in text.chars().take(4000) {
        if c.is_uppercase() {
            upper += 1;
            cased += 1;
        } else if c.is_lowercase() {
            cased += 1;
        }
        if c == '!' || c == '！' {
            bangs += 1;
            max_bangs = max_bangs.max(bangs);
        } else if !c.is_whitespace() {
            bangs = 0;
        }
    }
    (cased >= 8 && upper * 10 >= cased * 7, max_bangs >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typography_alone_can_make_anger() {
        let e = judge("ГДЕ МОЙ ЗАКАЗ!!!", &CueHits::default(), None);
        assert_eq!(e.label, EmotionLabel::Angry);
        assert!(e.score >= STRONG_EMOTION, "{e:?}");
        assert_eq!(judge("где мой заказ", &CueHits::default(), None).label, EmotionLabel::Neutral);
        assert_eq!(judge("", &CueHits::default(), None).label, EmotionLabel::Neutral);
    }
}
