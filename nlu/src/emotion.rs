//! The customer's emotion in one message: angry, upset, neutral or positive, with a score.
//! Evidence: cue words per language (`models/content/cues`), repeated-effort phrases ("third time I
//! write"), and typography (SHOUTING, "!!!").

use serde::{Deserialize, Serialize};

use crate::cues::CueHits;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmotionLabel {
    Angry,
    Upset,
    Neutral,
    Positive,
}

impl EmotionLabel {
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

/// Weighs the evidence of one message.
pub fn judge(text: &str, hits: &CueHits) -> Emotion {
    let (shouting, exclaiming) = typography(text);
    let anger = hits.anger as f32 + 0.5 * hits.repeat as f32 + if shouting { 1.0 } else { 0.0 } + if exclaiming { 0.4 } else { 0.0 };
    let upset = hits.upset as f32 + 0.3 * hits.repeat as f32;
    let positive = if anger + upset > 0.0 { 0.0 } else { hits.positive as f32 };
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
        let e = judge("ГДЕ МОЙ ЗАКАЗ!!!", &CueHits::default());
        assert_eq!(e.label, EmotionLabel::Angry);
        assert!(e.score >= STRONG_EMOTION, "{e:?}");
        assert_eq!(judge("где мой заказ", &CueHits::default()).label, EmotionLabel::Neutral);
        assert_eq!(judge("", &CueHits::default()).label, EmotionLabel::Neutral);
    }
}
