//! Explicit requests to continue in another language ("English please", "қазақша жазыңызшы").

use std::sync::OnceLock;

use super::Lang;

static LANGUAGE_NAMES: &str = include_str!("../../../models/langid/language-names.txt");

/// A request names one language in a short message; longer texts mention languages for other
/// reasons ("I ordered a German dictionary") and are left to the intent model.
const MAX_REQUEST_WORDS: usize = 6;

struct Names {
    /// (language, stem), longest stems first so "по-русски" is tried before "русск".
    stems: Vec<(Lang, String)>,
    /// Country names that begin like a language name ("germany").
    exclude: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut out = Vec::new();
        let mut exclude = Vec::new();
        for line in LANGUAGE_NAMES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let Some((code, names)) = line.split_once(':') else { continue };
            if code == "exclude" {
                exclude.extend(names.split(',').map(normalise).filter(|n| !n.is_empty()));
                continue;
            }
            let Some(lang) = Lang::from_code(code) else { continue };
            for name in names.split(',').map(normalise).filter(|n| !n.is_empty()) {
                out.push((lang, name));
            }
        }
        out.sort_by_key(|o| std::cmp::Reverse(o.1.chars().count()));
        Names { stems: out, exclude }
    })
}

/// Lower case, Turkish dotted I folded, apostrophe variants unified, whitespace collapsed.
fn normalise(s: &str) -> String {
    let lower: String = s.trim().to_lowercase().chars().filter(|c| *c != '\u{307}').collect();
    let unified: String = lower.chars().map(|c| if matches!(c, 'ʻ' | '‘' | '’' | '`') { '\'' } else { c }).collect();
    unified.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The language a short message explicitly asks for, if it names exactly one.
pub fn requested_language(text: &str) -> Option<Lang> {
    let norm = normalise(text);
    let words = norm.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'')).filter(|w| !w.is_empty()).count();
    if words == 0 || words > MAX_REQUEST_WORDS {
        return None;
    }
    named_language(text)
}

/// The one language a text names, whatever its length (`None` for none or several): the target of
/// a longer request to switch that the intent model recognised as one.
pub fn named_language(text: &str) -> Option<Lang> {
    let norm = normalise(text);
    let mut found: Option<Lang> = None;
    let names = names();
    for (lang, stem) in &names.stems {
        if mentions(&norm, stem, &names.exclude) {
            match found {
                Some(l) if l != *lang => return None,
                _ => found = Some(*lang),
            }
        }
    }
    found
}

/// Whether a text names any language at all ("please in English, my Arabic is weak"): a request
/// to switch without one is not a request to switch.
pub fn names_a_language(text: &str) -> bool {
    let norm = normalise(text);
    let names = names();
    names.stems.iter().any(|(_, stem)| mentions(&norm, stem, &names.exclude))
}

/// Whether `stem` starts a word of `text` (CJK and Arabic stems may stand anywhere), unless that
/// word is an excluded country name.
fn mentions(text: &str, stem: &str, exclude: &[String]) -> bool {
    let anywhere = stem.chars().next().is_some_and(|c| !c.is_alphabetic() || c as u32 >= 0x600);
    text.match_indices(stem).any(|(i, _)| {
        let starts_word = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let rest = &text[i..];
        anywhere || (starts_word && !exclude.iter().any(|x| rest.starts_with(x.as_str())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_many_languages() {
        assert_eq!(requested_language("English please"), Some(Lang::En));
        assert_eq!(requested_language("можно на казахском?"), Some(Lang::Kk));
        assert_eq!(requested_language("қазақша жазыңызшы"), Some(Lang::Kk));
        assert_eq!(requested_language("говорите по-русски"), Some(Lang::Ru));
        assert_eq!(requested_language("Türkçe konuşabilir miyiz"), Some(Lang::Tr));
        assert_eq!(requested_language("o'zbek tilida yozing"), Some(Lang::Uz));
        assert_eq!(requested_language("请说中文"), Some(Lang::Zh));
        assert_eq!(requested_language("تكلم العربية من فضلك"), Some(Lang::Ar));
    }

    #[test]
    fn no_request_without_a_single_language_in_a_short_message() {
        assert_eq!(requested_language("где мой заказ"), None);
        assert_eq!(requested_language("English or Russian?"), None);
        assert_eq!(
            requested_language("I bought an English dictionary last week and it has not arrived yet"),
            None
        );
        assert_eq!(requested_language(""), None);
        assert_eq!(requested_language("do you deliver to Kazakhstan?"), None);
        assert_eq!(requested_language("shipping to Germany"), None);
    }

    #[test]
    fn a_longer_request_names_its_language() {
        let text = "aslında İngilizce devam edebilir miyiz? benim için daha kolay, english please";
        assert_eq!(requested_language(text), None);
        assert_eq!(named_language(text), Some(Lang::En));
        assert_eq!(named_language("English or Russian, whichever"), None);
    }
}
