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

impl Emotion {
    /// No emotion to speak of.
    pub fn neutral() -> Self {
        Emotion { label: EmotionLabel::Neutral, score: 1.0 }
    }
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

/// Below this much evidence a message is neutral.
const MIN_SIGNAL: f32 = 0.35;
/// A label weaker than this is reported as neutral: an agent (and the handoff brief) should not
/// read "angry 30%" into a routine question (chosen on nlu/tests/data/emotion_chat_dev.jsonl).
const MIN_LABEL_SCORE: f32 = 0.4;

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

/// Neutral examples in every language for the emotion model, from the bot's own training content:
/// the public emotion data has neutral lines only in English, which taught the model that any
/// other language is emotional. Examples of sensitive intents (complaints) and any with an emotion
/// cue are left out; the typed variants of Russian and Kazakh are included.
pub fn neutral_examples(content: &crate::content::Content, cues: &crate::cues::Cues) -> Vec<crate::intent::Labelled> {
    let calm: Vec<crate::content::ContentExample> = content
        .examples
        .iter()
        .filter(|e| !content.intent(&e.intent).is_some_and(|d| d.sensitive))
        .filter(|e| {
            let h = cues.hits(&e.text);
            h.anger + h.upset + h.repeat + h.positive == 0
        })
        .cloned()
        .collect();
    crate::intent::augment::augment(&calm)
        .into_iter()
        .map(|l| crate::intent::Labelled { text: l.text, label: "neutral".into() })
        .collect()
}

/// Weighs the evidence of one message: cue hits, typography and (when present) the model.
pub fn judge(text: &str, hits: &CueHits, model: Option<[f32; 4]>) -> Emotion {
    let Typography { shouting, loud_words, exclaiming, sad_face, irony } = typography(text);
    let [m_angry, _, m_positive, m_upset] = model.unwrap_or([0.0; 4]).map(|p| MODEL_WEIGHT * (p - MODEL_FLOOR).max(0.0));
    let strength = |s: f32| 1.0 - (-s).exp();
    let neutral = |rest: f32| Emotion { label: EmotionLabel::Neutral, score: 1.0 - strength(rest) };
    // A polite request for a person is not an emotion: words of anger or distress, repeated
    // effort or typography make it one, the model's reading of "operator" does not.
    let emotional_words = hits.anger + hits.upset + hits.repeat > 0;
    if hits.human > 0 && !emotional_words && !shouting && !loud_words && !exclaiming && !sad_face {
        return neutral(0.0);
    }
    // Praise or thanks with a clap beside a bad outcome or a long wait is sarcasm: "great service,
    // the box came open", "thanks a lot, a month waiting 👏".
    let sarcasm = (hits.praise > 0 || irony) && (hits.problem > 0 || hits.repeat > 0);
    // "Wrong item AGAIN": a bad outcome that happened before is anger, not a report.
    let again = if hits.repeat > 0 && hits.problem > 0 { 0.5 } else { 0.0 };
    let anger = hits.anger as f32
        + if sarcasm { (hits.praise + hits.problem).max(1) as f32 } else { 0.0 }
        + 0.5 * hits.repeat as f32
        + again
        + if shouting { 1.0 } else if loud_words { LOUD_WORDS } else { 0.0 }
        + if exclaiming { 0.4 } else { 0.0 }
        + m_angry;
    let upset = hits.upset as f32 + 0.3 * hits.repeat as f32 + if sad_face { SAD_FACE } else { 0.0 } + m_upset;
    let positive = if hits.anger + hits.upset > 0 || sarcasm || sad_face { 0.0 } else { hits.positive as f32 + m_positive };
    let (label, signal) = [(EmotionLabel::Angry, anger), (EmotionLabel::Upset, upset), (EmotionLabel::Positive, positive)]
        .into_iter()
        .fold((EmotionLabel::Neutral, 0.0f32), |best, (l, s)| if s > best.1 { (l, s) } else { best });
    if signal < MIN_SIGNAL || strength(signal) < MIN_LABEL_SCORE {
        return neutral(anger.max(upset).max(positive));
    }
    Emotion { label, score: strength(signal) }
}

/// Some words in capitals in a message otherwise typed normally: anger enough to label it, not to
/// hand it over without other signs (advertising copy shouts its words too).
const LOUD_WORDS: f32 = 0.7;
/// The weight of a chat frown ("((", ":(") alone: enough to label a message upset, not to hand over.
const SAD_FACE: f32 = 0.6;

/// What the way a message is typed says, apart from its words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Typography {
    /// Mostly capitals over at least 8 cased letters.
    shouting: bool,
    /// Two or more words in capitals with 10 capital letters between them ("WHERE IS MY REFUND
    /// after two weeks", not "DHL SMS").
    loud_words: bool,
    /// A run of "!" and "?" of two or more with a "!" in it ("!!", "?!"), or of three "?".
    exclaiming: bool,
    /// The chat frown: "((" left unclosed, ":(" or ":-(".
    sad_face: bool,
    /// A clap or an upside-down smile, which beside a bad outcome is ironic.
    irony: bool,
}

fn typography(text: &str) -> Typography {
    let mut upper = 0usize;
    let mut cased = 0usize;
    let (mut run, mut bang_in_run, mut exclaiming) = (0usize, false, false);
    // Words in capitals: (letters in the current word, all capitals so far), then the totals.
    let (mut word_cased, mut word_all_upper) = (0usize, true);
    let (mut caps_words, mut caps_letters, mut longest_caps) = (0usize, 0usize, 0usize);
    let mut end_word = |cased: usize, all_upper: bool| {
        if cased >= 2 && all_upper {
            caps_words += 1;
            caps_letters += cased;
            longest_caps = longest_caps.max(cased);
        }
    };
    let (mut open, mut close) = (0usize, 0usize);
    let mut irony = false;
    for c in text.chars().take(4000) {
        if c.is_uppercase() {
            upper += 1;
            cased += 1;
            word_cased += 1;
        } else if c.is_lowercase() {
            cased += 1;
            word_cased += 1;
            word_all_upper = false;
        } else if !c.is_alphanumeric() {
            end_word(word_cased, word_all_upper);
            (word_cased, word_all_upper) = (0, true);
        }
        match c {
            '!' | '！' | '?' | '？' => {
                run += 1;
                bang_in_run |= c == '!' || c == '！';
                exclaiming |= run >= 2 && bang_in_run || run >= 3;
            }
            c if c.is_whitespace() => {}
            _ => (run, bang_in_run) = (0, false),
        }
        match c {
            '(' => open += 1,
            ')' => close += 1,
            '👏' | '🙃' => irony = true,
            _ => {}
        }
    }
    end_word(word_cased, word_all_upper);
    let shouting = cased >= 8 && upper * 10 >= cased * 7;
    let loud_words = !shouting && caps_words >= 2 && caps_letters >= 10 && longest_caps >= 4;
    let sad_face = (text.contains("((") && open > close) || text.contains(":(") || text.contains(":-(");
    Typography { shouting, loud_words, exclaiming, sad_face, irony }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn praise_beside_a_bad_outcome_is_sarcasm() {
        let hits = CueHits { positive: 1, praise: 1, problem: 1, ..CueHits::default() };
        assert_eq!(judge("great service, half of it is missing", &hits, Some([0.0, 0.0, 0.9, 0.0])).label, EmotionLabel::Angry);
        let praise = CueHits { positive: 1, ..CueHits::default() };
        assert_eq!(judge("great service", &praise, Some([0.0, 0.0, 0.9, 0.0])).label, EmotionLabel::Positive);
    }

    #[test]
    fn typography_alone_can_make_anger() {
        let e = judge("ГДЕ МОЙ ЗАКАЗ!!!", &CueHits::default(), None);
        assert_eq!(e.label, EmotionLabel::Angry);
        // The shipped handoff policy's strong-emotion threshold.
        assert!(e.score >= 0.75, "{e:?}");
        assert_eq!(judge("где мой заказ", &CueHits::default(), None).label, EmotionLabel::Neutral);
        assert_eq!(judge("", &CueHits::default(), None).label, EmotionLabel::Neutral);
        assert!(typography("это вообще нормально?!").exclaiming);
        assert!(typography("что?? !").exclaiming);
        assert!(!typography("что??").exclaiming);
        assert!(typography("где возврат???").exclaiming);
        // Words in capitals shout; acronyms do not.
        assert!(typography("WHERE IS MY REFUND, it has been two weeks").loud_words);
        assert!(!typography("ПВЗ DHL SMS работают сегодня?").loud_words);
    }

    #[test]
    fn clap_beside_a_wait_is_sarcasm_and_a_frown_is_upset() {
        let wait = CueHits { positive: 2, repeat: 1, ..CueHits::default() };
        assert_eq!(judge("thanks a lot, a month waiting 👏👏", &wait, Some([0.0, 0.0, 0.9, 0.0])).label, EmotionLabel::Angry);
        let thanks = CueHits { positive: 2, ..CueHits::default() };
        assert_eq!(judge("thanks a lot 👏👏", &thanks, Some([0.0, 0.0, 0.9, 0.0])).label, EmotionLabel::Positive);
        assert_eq!(judge("не могу войти в кабинет((", &CueHits::default(), None).label, EmotionLabel::Upset);
        assert_eq!(judge("см. условия (пункт 3 (б))", &CueHits::default(), None).label, EmotionLabel::Neutral);
        // Again and a bad outcome.
        let again = CueHits { repeat: 1, problem: 1, ..CueHits::default() };
        assert_eq!(judge("wrong item again", &again, None).label, EmotionLabel::Angry);
    }

    #[test]
    fn a_polite_request_for_a_person_is_neutral() {
        let human = CueHits { human: 1, ..CueHits::default() };
        let model_says_angry = Some([0.8, 0.0, 0.1, 0.1]);
        let e = judge("kann ich mit nem echten Mitarbeiter sprechen?", &human, model_says_angry);
        assert_eq!(e.label, EmotionLabel::Neutral);
        let angry = CueHits { human: 1, anger: 1, ..CueHits::default() };
        assert_eq!(judge("вы мошенники, дайте человека", &angry, None).label, EmotionLabel::Angry);
        assert_eq!(judge("ДАЙТЕ ЧЕЛОВЕКА НЕМЕДЛЕННО", &human, None).label, EmotionLabel::Angry);
    }

    #[test]
    fn a_weak_label_is_neutral() {
        // The model alone, a little more angry than not: no label for the agent to misread.
        let e = judge("во сколько вы открываетесь?", &CueHits::default(), Some([0.5, 0.2, 0.2, 0.1]));
        assert_eq!(e.label, EmotionLabel::Neutral, "{e:?}");
    }
}
