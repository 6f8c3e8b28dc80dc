//! Lexical cues per language from `models/content/cues/<lang>.toml` (and `emoji.toml`, of no
//! language): anger, distress, repeated effort, praise and explicit requests for a person. Matching follows the files' header: lower
//! case; an entry with a space, or in a script without spaces between words (CJK, Arabic), matches
//! anywhere; a single word matches any word that starts with it.

use std::path::Path;

use serde::Deserialize;

use crate::NluError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    Anger,
    Upset,
    Repeat,
    Positive,
    Human,
    Praise,
    Problem,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    lang: String,
    #[serde(default)]
    anger: Vec<String>,
    #[serde(default)]
    upset: Vec<String>,
    #[serde(default)]
    repeat: Vec<String>,
    #[serde(default)]
    positive: Vec<String>,
    #[serde(default)]
    human: Vec<String>,
    /// Praise of the service ("great service", "well done"): beside a bad outcome it is sarcasm.
    #[serde(default)]
    praise: Vec<String>,
    /// A bad outcome stated as a fact ("half is missing", "came open").
    #[serde(default)]
    problem: Vec<String>,
}

/// Counts of cue hits in one text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CueHits {
    pub anger: u32,
    pub upset: u32,
    pub repeat: u32,
    pub positive: u32,
    pub human: u32,
    pub praise: u32,
    pub problem: u32,
}

impl CueHits {
    /// The larger count of each kind (two readings of one text).
    pub fn max(self, other: CueHits) -> CueHits {
        CueHits {
            anger: self.anger.max(other.anger),
            upset: self.upset.max(other.upset),
            repeat: self.repeat.max(other.repeat),
            positive: self.positive.max(other.positive),
            human: self.human.max(other.human),
            praise: self.praise.max(other.praise),
            problem: self.problem.max(other.problem),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Cues {
    /// Single-word stems by their text: a word matches each of its prefixes found here.
    stems: crate::fast_map::FastMap<String, Vec<Cue>>,
    longest_stem: usize,
    /// Phrases and entries of scripts without spaces, matched as substrings, indexed by their
    /// first character so a text is scanned once.
    phrases: crate::fast_map::FastMap<char, Vec<(String, Cue)>>,
}

impl Cues {
    /// Loads every `*.toml` in `dir` (all languages: customers mix them).
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        let files = crate::content::toml_files(dir)?;
        let mut cues = Cues::default();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| NluError::Io { path: path.display().to_string(), source })?;
            cues.add_file(&text).map_err(|message| NluError::Content { file: path.display().to_string(), message })?;
        }
        Ok(cues)
    }

    fn add_file(&mut self, text: &str) -> Result<(), String> {
        let file: CueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        // "any": cues of no language (emoji).
        if file.lang != "any" && crate::lang::Lang::from_code(&file.lang).is_none() {
            return Err(format!("unsupported language {:?}", file.lang));
        }
        for (list, kind) in [
            (file.anger, Cue::Anger),
            (file.upset, Cue::Upset),
            (file.repeat, Cue::Repeat),
            (file.positive, Cue::Positive),
            (file.human, Cue::Human),
            (file.praise, Cue::Praise),
            (file.problem, Cue::Problem),
        ] {
            for entry in list {
                let e = normalise(&entry);
                if e.is_empty() {
                    return Err(format!("empty {kind:?} cue"));
                }
                let anywhere = e.contains(' ') || e.chars().any(|c| (c as u32) >= 0x600 && !is_cyrillic_or_latin(c));
                if anywhere {
                    let first = e.chars().next().unwrap_or(' ');
                    self.phrases.entry(first).or_default().push((e, kind));
                } else {
                    self.longest_stem = self.longest_stem.max(e.chars().count());
                    let kinds = self.stems.entry(e).or_default();
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
            }
        }
        Ok(())
    }

    pub fn hits(&self, text: &str) -> CueHits {
        let norm = normalise(text);
        let mut hits = CueHits::default();
        let mut count = |kind: Cue| match kind {
            Cue::Anger => hits.anger += 1,
            Cue::Upset => hits.upset += 1,
            Cue::Repeat => hits.repeat += 1,
            Cue::Positive => hits.positive += 1,
            Cue::Human => hits.human += 1,
            Cue::Praise => hits.praise += 1,
            Cue::Problem => hits.problem += 1,
        };
        // Each stem counts once per text, like a phrase.
        let mut seen: Vec<&str> = Vec::new();
        for start in word_starts(&norm) {
            let rest = &norm[start..];
            for (chars, (end, c)) in rest.char_indices().skip(1).chain([(rest.len(), ' ')]).enumerate() {
                let prefix = &rest[..end];
                if chars + 1 > self.longest_stem {
                    break;
                }
                if let Some((stem, kinds)) = self.stems.get_key_value(prefix)
                    && !seen.contains(&stem.as_str()) {
                        seen.push(stem);
                        kinds.iter().for_each(|k| count(*k));
                    }
                if !(c.is_alphanumeric() || c == '\'' || c == '-') {
                    break;
                }
            }
        }
        // A phrase counts once per text; an emoji up to `EMOJI_REPEATS` times, since "😡😡😡" is
        // how chat raises its voice.
        let mut found: Vec<&str> = Vec::new();
        for (i, c) in norm.char_indices() {
            let Some(candidates) = self.phrases.get(&c) else { continue };
            for (phrase, kind) in candidates {
                if !norm[i..].starts_with(phrase.as_str()) {
                    continue;
                }
                let allowed = if is_emoji(phrase) { EMOJI_REPEATS } else { 1 };
                if found.iter().filter(|f| **f == phrase.as_str()).count() < allowed {
                    found.push(phrase);
                    count(*kind);
                }
            }
        }
        hits
    }
}

/// How many times one emoji may count in a text.
const EMOJI_REPEATS: usize = 3;

/// A cue that is a single pictograph (no letters or digits).
fn is_emoji(phrase: &str) -> bool {
    let mut chars = phrase.chars();
    chars.next().is_some_and(|c| !c.is_alphanumeric() && (c as u32) >= 0x2000) && chars.all(|c| !c.is_alphanumeric())
}

fn is_cyrillic_or_latin(c: char) -> bool {
    matches!(c as u32, 0x400..=0x52f | 0x1e00..=0x1eff)
}

/// Lower case with apostrophe variants unified, invisible formatting characters dropped and
/// whitespace collapsed, so "ТРЕТИЙ  раз" and "третий раз" match alike.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().take(4000).flat_map(char::to_lowercase) {
        let c = match c {
            'ʻ' | '‘' | '’' | '`' | 'ʼ' => '\'',
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{307}' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_string()
}

/// Byte offsets where words start (a word: letters, digits, ' and -).
fn word_starts(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_word = false;
    for (i, c) in s.char_indices() {
        let is_word = c.is_alphanumeric() || c == '\'' || c == '-';
        if is_word && !prev_word {
            out.push(i);
        }
        prev_word = is_word;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues() -> Cues {
        Cues::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content/cues")).unwrap()
    }

    #[test]
    fn finds_requests_for_a_person_and_anger() {
        let c = cues();
        assert!(c.hits("позовите оператора пожалуйста").human > 0);
        assert!(c.hits("I want to talk to a real person").human > 0);
        assert!(c.hits("тірі адаммен сөйлескім келеді").human > 0);
        assert!(c.hits("вы обманщики, верните деньги").anger > 0);
        assert_eq!(c.hits("где мой заказ 100017").anger, 0);
        // Repeated emoji raise the voice, up to a point; repeated words do not.
        assert_eq!(c.hits("😡").anger, 1);
        assert_eq!(c.hits("😡😡😡😡😡").anger, 3);
        assert_eq!(c.hits("").human, 0);
    }
}
