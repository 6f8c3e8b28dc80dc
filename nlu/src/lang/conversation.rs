//! The language of a conversation: per-message detections weighed against channel hints, the
//! language so far and explicit requests, so that "ok", "👍" or "рахмет" never flip it.

use serde::{Deserialize, Serialize};

use super::script::{Script, letter_languages};
use super::switch::requested_language;
use super::{Detection, Lang, LanguageDetector};

/// A message must have at least this many words and letters, and this confidence, to move an
/// established conversation to another language.
const CLEAR_MIN_WORDS: usize = 3;
const CLEAR_MIN_LETTERS: usize = 10;
const CLEAR_MIN_CONFIDENCE: f32 = 0.75;
/// The first message of a conversation decides with less, unless a channel hint disagrees.
const FIRST_MIN_LETTERS: usize = 4;
const FIRST_MIN_CONFIDENCE: f32 = 0.6;

/// Where the channel says the customer's language is likely to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LanguageHint {
    /// Telegram's `language_code` of the user.
    Telegram(Lang),
    /// The browser locale of the web widget (or one the customer picked in it).
    Browser(Lang),
}

impl LanguageHint {
    pub fn lang(self) -> Lang {
        match self {
            LanguageHint::Telegram(l) | LanguageHint::Browser(l) => l,
        }
    }
}

/// Why the conversation is in its language after a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Switch {
    /// The customer asked for the language ("English please").
    Explicit,
    /// The message is clearly written in it.
    Detected,
    /// Nothing clear enough to change: the language so far stays.
    Kept,
    /// No language so far and nothing clear: the channel hint.
    Hint,
    /// No language so far, no hint: the configured default.
    Default,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LanguageDecision {
    pub lang: Lang,
    /// True when this message changed the conversation's language.
    pub changed: bool,
    pub reason: Switch,
    /// The message on its own.
    pub detection: Option<Detection>,
}

/// The conversation-level decision; keep one per conversation (it is small and serialisable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationLanguage {
    current: Option<Lang>,
    hint: Option<LanguageHint>,
    default: Lang,
    /// Messages so far that agreed with the current language.
    agreeing: u32,
    /// The customer chose the language (asked for it, or picked it): detection no longer moves it,
    /// only another explicit choice does.
    #[serde(default)]
    pinned: bool,
}

impl ConversationLanguage {
    pub fn new(default: Lang, hint: Option<LanguageHint>) -> Self {
        Self { current: None, hint, default, agreeing: 0, pinned: false }
    }

    /// The language to answer in now.
    pub fn current(&self) -> Lang {
        self.current.or(self.hint.map(LanguageHint::lang)).unwrap_or(self.default)
    }

    /// Whether a message has established the language (rather than a hint or the default).
    pub fn is_established(&self) -> bool {
        self.current.is_some()
    }

    pub fn set_hint(&mut self, hint: LanguageHint) {
        self.hint = Some(hint);
    }

    /// An explicit switch made outside the text (a language picker, an intent with a target).
    pub fn switch_to(&mut self, lang: Lang) -> bool {
        let changed = self.current() != lang;
        self.current = Some(lang);
        self.agreeing = 0;
        self.pinned = true;
        changed
    }

    /// Takes the customer's next message into account and returns the language to answer in.
    pub fn observe(&mut self, detector: &LanguageDetector, text: &str) -> LanguageDecision {
        let before = self.current();
        let detection = detector.detect(text);

        if let Some(lang) = requested_language(text).filter(|l| detector.languages().contains(l)) {
            self.switch_to(lang);
            return LanguageDecision { lang, changed: lang != before, reason: Switch::Explicit, detection };
        }

        if self.pinned {
            return LanguageDecision { lang: before, changed: false, reason: Switch::Kept, detection };
        }
        let words = count_words(text);
        // A language the bot does not speak is no evidence for one it does.
        let evidence = detection.as_ref().filter(|d| d.unsupported.is_none());
        let reason = match (evidence, self.current) {
            (None, None) => self.fallback_reason(),
            (None, Some(_)) => Switch::Kept,
            (Some(d), None) => {
                if self.first_message_decides(d, words, text) {
                    self.current = Some(d.lang);
                    Switch::Detected
                } else {
                    self.fallback_reason()
                }
            }
            (Some(d), Some(current)) => {
                if d.lang == current {
                    self.agreeing += 1;
                    Switch::Kept
                } else if (is_clear(d, words) || self.plainly_other(d, current, words, text))
                    && !(current == Lang::Kk && has_kazakh_letters(text))
                {
                    self.current = Some(d.lang);
                    self.agreeing = 0;
                    Switch::Detected
                } else {
                    Switch::Kept
                }
            }
        };
        let lang = self.current();
        LanguageDecision { lang, changed: lang != before, reason, detection }
    }

    /// A short message that still cannot be in the current language: another script altogether
    /// ("where is my order 100003" in a Russian conversation), or Kazakh-only letters in a
    /// conversation that is not Kazakh ("Тапсырысым 100012 қайда?").
    fn plainly_other(&self, d: &Detection, current: Lang, words: usize, text: &str) -> bool {
        // Russian and Kazakh are everyday chat in Latin letters too ("ok poprobuyu"): a Latin line
        // of two words in such a conversation is no evidence for a Latin-script language.
        let romanizable = matches!(current, Lang::Ru | Lang::Kk) && is_latin(text);
        let other_script = words >= if romanizable { CLEAR_MIN_WORDS } else { 2 }
            && !written_in_script_of(current, text)
            && d.letters >= FIRST_MIN_LETTERS
            && d.confidence >= 0.5;
        let kazakh = d.lang == Lang::Kk && current != Lang::Kk && has_kazakh_letters(text) && d.confidence >= FIRST_MIN_CONFIDENCE;
        other_script || kazakh
    }

    fn fallback_reason(&self) -> Switch {
        if self.hint.is_some() { Switch::Hint } else { Switch::Default }
    }

    /// The first message sets the language unless it is too short to say; when a channel hint
    /// exists, the message must be clear to overrule it, or agree with it.
    fn first_message_decides(&self, d: &Detection, words: usize, text: &str) -> bool {
        match self.hint.map(LanguageHint::lang) {
            Some(h) if h == d.lang => true,
            // A hint for a language the text cannot be written in (Cyrillic under an English
            // browser) says nothing about this message.
            Some(h) if !written_in_script_of(h, text) => {
                d.letters >= min_letters_to_decide(d.lang, text) && d.confidence >= FIRST_MIN_CONFIDENCE
            }
            Some(_) if d.lang == Lang::Kk && has_kazakh_letters(text) => true,
            Some(h) if d.runner_up.is_some_and(|(l, c)| l == h && c >= 0.2) => false,
            Some(_) => is_clear(d, words),
            None => d.letters >= min_letters_to_decide(d.lang, text) && d.confidence >= FIRST_MIN_CONFIDENCE,
        }
    }
}

/// Letters a first message needs to set its language: fewer when its script is written by that
/// language alone ("你好呀" can only be Chinese among the supported languages).
fn min_letters_to_decide(lang: Lang, text: &str) -> usize {
    let mut scripts = text.chars().filter_map(Script::of);
    let only = scripts.next().filter(|first| scripts.all(|s| s == *first));
    match only {
        Some(s) if s.languages() == [lang] => 2,
        _ => FIRST_MIN_LETTERS,
    }
}

fn is_latin(text: &str) -> bool {
    let mut scripts = text.chars().filter_map(Script::of).peekable();
    scripts.peek().is_some() && scripts.all(|s| s == Script::Latin)
}

fn is_clear(d: &Detection, words: usize) -> bool {
    words >= CLEAR_MIN_WORDS && d.letters >= CLEAR_MIN_LETTERS && d.confidence >= CLEAR_MIN_CONFIDENCE
}

fn count_words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).count()
}

fn written_in_script_of(lang: Lang, text: &str) -> bool {
    text.chars().filter_map(Script::of).any(|s| s.languages().contains(&lang))
}

fn has_kazakh_letters(text: &str) -> bool {
    text.chars().flat_map(char::to_lowercase).any(|c| letter_languages(c) == [Lang::Kk])
}
