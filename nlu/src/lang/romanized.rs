//! Russian and Kazakh typed in Latin letters ("zdravstvuyte gde moy zakaz", "salem, tapsyrysym
//! qashan keledi") and Kazakh typed with Russian letters ("тапсырысым кашан келеди"), recognised
//! by their frequent words (`models/langid/{ru,kk}-words.txt`) under the spelling skeleton of
//! [`super::translit::skeleton`], which every way of spelling a word shares.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Lang;
use super::translit::skeleton;

static RU_WORDS: &str = include_str!("../../../models/langid/ru-words.txt");
static KK_WORDS: &str = include_str!("../../../models/langid/kk-words.txt");

struct Skeletons {
    ru: HashSet<String>,
    kk: HashSet<String>,
}

fn skeletons() -> &'static Skeletons {
    static SETS: OnceLock<Skeletons> = OnceLock::new();
    SETS.get_or_init(|| {
        let read = |text: &str| -> HashSet<String> {
            text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(skeleton).collect()
        };
        Skeletons { ru: read(RU_WORDS), kk: read(KK_WORDS) }
    })
}

/// Skeletons at least this long may decide a message of one or two words alone ("spasibo",
/// "rahmet", "salem"); shorter ones collide with words of other languages too easily.
const LONE_WORD_SKELETON: usize = 5;

/// Words of a Latin-letter message that are Russian or Kazakh words typed without Cyrillic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Evidence {
    pub ru: usize,
    pub kk: usize,
    /// Words of both lists ("zakaz", "nomer").
    pub both: usize,
    /// Some hit is long enough to decide a short message alone.
    pub long_hit: bool,
    /// Kazakh chat writes қ as q, which Russian romanisation never uses.
    pub q: bool,
    /// Words of three letters or more that are on no list, and how many of them have a q (not in
    /// "qu"): Russian typed in Latin letters has none of those; Uzbek has many.
    pub unknown: usize,
    pub unknown_q: usize,
    /// A letter no romanisation of Russian or Kazakh uses (Polish "ę", "ł", Czech "ř"…): the
    /// message is in another Latin-script language, whatever words it shares with Russian.
    pub foreign_letter: bool,
}

impl Evidence {
    pub fn hits(&self) -> usize {
        self.ru + self.kk + self.both
    }
}

/// `words`: lower-case letter runs of the message.
pub(super) fn evidence(words: &[Vec<char>]) -> Evidence {
    let sets = skeletons();
    let mut e = Evidence { foreign_letter: words.iter().flatten().any(|c| FOREIGN_LETTERS.contains(c)), ..Evidence::default() };
    for w in words.iter().filter(|w| w.len() >= 2) {
        let word: String = w.iter().collect();
        let s = skeleton(&word);
        let (ru, kk) = (sets.ru.contains(&s), sets.kk.contains(&s));
        let q = w.iter().enumerate().any(|(i, c)| *c == 'q' && w.get(i + 1) != Some(&'u'));
        match (ru, kk) {
            (true, false) => e.ru += 1,
            (false, true) => e.kk += 1,
            (true, true) => e.both += 1,
            (false, false) => {
                if w.len() >= 3 {
                    e.unknown += 1;
                    e.unknown_q += usize::from(q);
                }
                continue;
            }
        }
        e.long_hit |= s.chars().count() >= LONE_WORD_SKELETON;
        e.q |= q;
    }
    e
}

/// Latin letters of other languages that neither Russian chat romanisation nor any Kazakh Latin
/// alphabet (2017, 2018, 2021) writes.
const FOREIGN_LETTERS: &[char] = &['ą', 'ę', 'ł', 'ś', 'ź', 'ż', 'ć', 'ř', 'ě', 'ů', 'ő', 'ű', 'ø', 'å', 'ß', 'ã', 'õ'];

/// Whether a Latin-letter message is Russian or Kazakh, with a confidence: one long known word
/// decides a message of one or two words, otherwise two known words and a third of the words.
pub(super) fn decide(e: &Evidence, words: usize, allow: &[Lang]) -> Option<(Lang, f32)> {
    let hits = e.hits();
    if e.foreign_letter {
        return None;
    }
    // One or two words: all of them known, one long enough ("spasibo", "ok rahmet").
    let enough = if words <= 2 { e.unknown == 0 && e.long_hit } else { hits >= 2 && hits * 10 >= words * 3 };
    if !enough {
        return None;
    }
    // Kazakh has the more words, or as many, or writes q; a q in an unknown word is Uzbek when
    // nothing Kazakh is there (Russian romanisation has no q).
    let kazakh = e.kk >= e.ru && e.kk > 0 || e.q;
    if !kazakh && e.unknown_q > 0 {
        return None;
    }
    let lang = match (kazakh, allow.contains(&Lang::Kk), allow.contains(&Lang::Ru)) {
        (true, true, _) | (false, true, false) => Lang::Kk,
        (_, _, true) => Lang::Ru,
        _ => return None,
    };
    let share = hits as f32 / words.max(1) as f32;
    Some((lang, (0.5 + 0.5 * share).min(0.95)))
}

/// Kazakh words typed with Russian letters (no Kazakh-only letter in them) in Cyrillic text.
pub(super) fn plain_kazakh_words(words: &[Vec<char>]) -> usize {
    let sets = skeletons();
    words
        .iter()
        .filter(|w| w.iter().all(|c| matches!(c, 'а'..='я' | 'ё')))
        .map(|w| skeleton(&w.iter().collect::<String>()))
        .filter(|s| s.chars().count() >= LONE_WORD_SKELETON && sets.kk.contains(s))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<char>> {
        text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase().chars().collect()).collect()
    }

    fn lang_of(text: &str) -> Option<Lang> {
        let w = words(text);
        decide(&evidence(&w), w.len(), &Lang::ALL).map(|(l, _)| l)
    }

    #[test]
    fn latin_letter_russian_and_kazakh() {
        assert_eq!(lang_of("zdravstvuyte gde moy zakaz"), Some(Lang::Ru));
        assert_eq!(lang_of("privet, pochemu ne prishel moi zakaz?"), Some(Lang::Ru));
        assert_eq!(lang_of("spasibo"), Some(Lang::Ru));
        assert_eq!(lang_of("salem, tapsyrysym qashan keledi? nomeri 100017"), Some(Lang::Kk));
        assert_eq!(lang_of("rakhmet"), Some(Lang::Kk));
        assert_eq!(lang_of("where is my order"), None);
        assert_eq!(lang_of("buyurtmam qachon keladi"), None);
        assert_eq!(lang_of("siparişim nerede kaldı"), None);
        assert_eq!(lang_of("ikki marta"), None);
        assert_eq!(lang_of("boshqa tovar yuboribsizlar"), None);
        // Polish shares "towar" and "czy" skeletons with Russian, but not its letters.
        assert_eq!(lang_of("przepraszam, czy mogę zwrócić towar?"), None);
        assert_eq!(lang_of("Sálemetsiz be, tapsyrysty qaıtarǵym keledi"), Some(Lang::Kk));
    }
}
