//! A delivery address inside a message ("…to 12 Abay ave apt 5, Almaty", "г. Астана, ул. Кенесары
//! 40, кв 15", "北京市朝阳区建国路88号"): grown from the cue words of `entities.toml` (street, house,
//! apartment, city) over the numbers, names and separators next to them.

use super::lexicon::{AddressWords, WordList, content_err, merged, norm_char};
use super::{Entity, push};
use crate::NluError;
use crate::text::is_unspaced_letter;

#[derive(Clone, Debug, Default)]
pub(super) struct AddressRules {
    street: WordList,
    house: WordList,
    apartment: WordList,
    city: WordList,
    intro: WordList,
    not_part: WordList,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    Street,
    House,
    Apartment,
    City,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    /// One letter of a script without spaces (a Chinese character).
    Unspaced,
    Number,
    Comma,
    /// "-", "/", "№", "#", or the dot of an abbreviation ("ул.").
    Joiner,
    Colon,
    /// Anything that ends an address: sentence punctuation, brackets, quotes, line breaks.
    Stop,
}

#[derive(Clone, Debug)]
struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
    cue: Option<Cue>,
    /// Starts with a capital letter.
    cap: bool,
    /// A script without letter case (Arabic).
    caseless: bool,
    /// Comes right before an address ("to", "на", "改成").
    intro: bool,
    /// Never part of an address (greetings, thanks).
    not_part: bool,
    /// Already another entity.
    taken: bool,
    short: bool,
}

/// A house number or postal code has at most this many digits (longer numbers are phones, orders).
const MAX_ADDRESS_DIGITS: usize = 6;
/// Words of a street name after its cue in a caseless script ("شارع الملك فهد").
const MAX_CASELESS_NAME_WORDS: usize = 3;

impl AddressRules {
    pub fn new(table: &std::collections::BTreeMap<String, AddressWords>) -> Result<Self, NluError> {
        let list = |f: fn(&AddressWords) -> &Vec<String>| WordList::new(merged(table, f));
        let rules = Self {
            street: list(|a| &a.street)?,
            house: list(|a| &a.house)?,
            apartment: list(|a| &a.apartment)?,
            city: list(|a| &a.city)?,
            intro: list(|a| &a.intro)?,
            not_part: list(|a| &a.not_part)?,
        };
        if !table.is_empty() && rules.street.is_empty() {
            return Err(content_err("[address] lists no street words".into()));
        }
        Ok(rules)
    }

    fn cue(&self, word: &str, dot: bool) -> Option<Cue> {
        [(Cue::Street, &self.street), (Cue::House, &self.house), (Cue::Apartment, &self.apartment), (Cue::City, &self.city)]
            .into_iter()
            .find(|(_, list)| list.matches_word(word, dot))
            .map(|(c, _)| c)
    }

    /// Finds addresses in the folded text `chars` (`lower`: the same in lower case) and adds them
    /// with the original text as the value.
    pub fn extract(&self, original: &[char], chars: &[char], lower: &[char], out: &mut Vec<Entity>, taken: &mut [bool]) {
        // Every address has a number: most messages need no further look.
        if self.street.is_empty() || !chars.iter().any(char::is_ascii_digit) {
            return;
        }
        let toks = self.tokens(chars, lower, taken);
        let mut covered_to = 0;
        for seed in 0..toks.len() {
            if seed < covered_to || !matches!(toks[seed].cue, Some(Cue::Street | Cue::House | Cue::Apartment)) {
                continue;
            }
            let (a, b) = grow(&toks, seed);
            covered_to = b;
            let region = &toks[a..b];
            let has_number = region.iter().any(|t| t.kind == Kind::Number);
            let cues: Vec<Cue> = region.iter().filter_map(|t| t.cue).collect();
            let street = cues.contains(&Cue::Street);
            let kinds = [Cue::House, Cue::Apartment, Cue::City].iter().filter(|k| cues.contains(k)).count();
            if !has_number || !(street || kinds >= 2) || region.len() < 2 {
                continue;
            }
            let (start, end) = (region[0].start, region[region.len() - 1].end);
            let value: String = original[start..end].iter().collect();
            push(out, taken, "address", value.split_whitespace().collect::<Vec<_>>().join(" "), start, end);
        }
    }

    fn tokens(&self, chars: &[char], lower: &[char], taken: &[bool]) -> Vec<Tok> {
        let n = chars.len();
        let mut toks: Vec<Tok> = Vec::new();
        let mut i = 0;
        while i < n {
            let c = chars[i];
            let (end, kind) = if c.is_whitespace() {
                if c == '\n' {
                    (i + 1, Kind::Stop)
                } else {
                    i += 1;
                    continue;
                }
            } else if is_unspaced_letter(c) {
                (i + 1, Kind::Unspaced)
            } else if c.is_alphabetic() {
                let mut j = i + 1;
                while j < n
                    && (chars[j].is_alphabetic() && !is_unspaced_letter(chars[j])
                        || is_apostrophe(chars[j]) && chars.get(j + 1).is_some_and(|c| c.is_alphabetic()))
                {
                    j += 1;
                }
                (j, Kind::Word)
            } else if c.is_ascii_digit() {
                (number_end(chars, i), Kind::Number)
            } else {
                let kind = match c {
                    ',' => Kind::Comma,
                    '-' | '/' | '№' | '#' => Kind::Joiner,
                    ':' => Kind::Colon,
                    '.' if toks.last().is_some_and(|t| t.kind == Kind::Word && t.end == i) => Kind::Joiner,
                    _ => Kind::Stop,
                };
                (i + 1, kind)
            };
            let first = chars[i];
            let letters = chars[i..end].iter().filter(|c| c.is_alphabetic()).count();
            let digits = chars[i..end].iter().filter(|c| c.is_ascii_digit()).count();
            let kind = if kind == Kind::Number && digits > MAX_ADDRESS_DIGITS { Kind::Stop } else { kind };
            toks.push(Tok {
                start: i,
                end,
                kind,
                cue: None,
                cap: first.is_uppercase(),
                caseless: first.is_alphabetic() && !first.is_uppercase() && !first.is_lowercase(),
                intro: false,
                not_part: false,
                taken: taken[i..end].iter().any(|t| *t),
                short: kind == Kind::Word && letters <= 3,
            });
            i = end;
        }
        // Cue words, intros and stop words.
        for k in 0..toks.len() {
            let t = &toks[k];
            if t.kind != Kind::Word {
                continue;
            }
            let word: String = lower[t.start..t.end].iter().map(|c| norm_char(*c)).collect();
            let dot = chars.get(t.end) == Some(&'.');
            let next_is_number = toks.get(k + 1).is_some_and(|n| n.kind == Kind::Number)
                || toks.get(k + 2).is_some_and(|n| n.kind == Kind::Number) && toks[k + 1].kind == Kind::Joiner;
            // A one-letter abbreviation without its dot ("д 12") still counts before a number.
            let cue = self.cue(&word, dot || next_is_number);
            let (intro, not_part) = (self.intro.matches_word(&word, dot), self.not_part.matches_word(&word, dot));
            let t = &mut toks[k];
            t.cue = cue;
            t.intro = intro && cue.is_none();
            t.not_part = not_part && cue.is_none();
        }
        // In scripts without spaces a cue is a character or two anywhere in the run.
        let mut k = 0;
        while k < toks.len() {
            if toks[k].kind != Kind::Unspaced {
                k += 1;
                continue;
            }
            let at = toks[k].start;
            let lists = [
                (Some(Cue::Street), &self.street),
                (Some(Cue::House), &self.house),
                (Some(Cue::Apartment), &self.apartment),
                (Some(Cue::City), &self.city),
                (None, &self.intro),
            ];
            let found = lists.iter().find_map(|(cue, list)| list.anywhere_at(lower, at).map(|len| (*cue, len)));
            let Some((cue, len)) = found else {
                k += 1;
                continue;
            };
            for t in toks.iter_mut().skip(k).take_while(|t| t.end <= at + len) {
                match cue {
                    Some(c) => t.cue = Some(c),
                    None => t.intro = true,
                }
            }
            k += len.max(1);
        }
        toks
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | 'ʻ' | 'ʼ' | '’' | '‘' | '`')
}

/// A house number: digits, then "/digits" ("5/2"), a letter or two ("40а", "12B") or an ordinal
/// sign ("3º").
fn number_end(chars: &[char], i: usize) -> usize {
    let n = chars.len();
    let digits = |mut j: usize| {
        while j < n && chars[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let mut j = digits(i);
    if j + 1 < n && chars[j] == '/' && chars[j + 1].is_ascii_digit() {
        j = digits(j + 1);
    }
    let letters = chars[j..].iter().take_while(|c| c.is_alphabetic() && !is_unspaced_letter(**c)).count();
    if (1..=2).contains(&letters) {
        j += letters;
    }
    if j < n && matches!(chars[j], 'º' | 'ª' | '°') {
        j += 1;
    }
    j
}

/// The token range around a seed cue that reads as one address.
fn grow(toks: &[Tok], seed: usize) -> (usize, usize) {
    let after_street = |k: usize| {
        // The token before k (skipping an abbreviation's dot) is a street cue.
        let mut p = k;
        while p > 0 {
            p -= 1;
            if toks[p].kind == Kind::Joiner && toks[p].start + 1 == toks[p].end {
                continue;
            }
            return toks[p].cue == Some(Cue::Street);
        }
        false
    };
    let last_word = |k: usize| toks.get(k + 1).is_none_or(|t| t.kind == Kind::Stop);
    let mut b = seed + 1;
    let mut caseless_words = 0;
    while b < toks.len() {
        let t = &toks[b];
        let prev = &toks[b - 1];
        if t.cue == Some(Cue::Street) {
            caseless_words = 0;
        }
        let ok = !t.taken
            && match t.kind {
                Kind::Number | Kind::Comma | Kind::Joiner | Kind::Colon => true,
                Kind::Word if t.cue.is_some() => true,
                Kind::Word if t.not_part || t.intro => false,
                Kind::Word if t.cap => true,
                Kind::Word if t.caseless => {
                    caseless_words += 1;
                    caseless_words <= MAX_CASELESS_NAME_WORDS || prev.kind == Kind::Comma && last_word(b)
                }
                Kind::Word if after_street(b) => true,
                // "rue de la Paix", "Calle de Alcalá"
                Kind::Word if t.short => {
                    toks[b + 1..].iter().find(|n| !(n.kind == Kind::Word && n.short && !n.cap)).is_some_and(|n| n.cap || n.kind == Kind::Number)
                }
                // A city in lower case at the end ("…apt 5, almaty").
                Kind::Word => prev.kind == Kind::Comma && last_word(b),
                Kind::Unspaced => t.cue.is_some() || matches!(prev.kind, Kind::Unspaced | Kind::Number) && !t.intro || run_has_cue(toks, b),
                Kind::Stop => false,
            };
        if !ok {
            break;
        }
        b += 1;
    }
    let mut a = seed;
    while a > 0 {
        let t = &toks[a - 1];
        let next = &toks[a];
        let ok = !t.taken
            && match t.kind {
                Kind::Number | Kind::Joiner => true,
                Kind::Word if t.cue.is_some() => true,
                Kind::Word if t.not_part || t.intro => false,
                Kind::Word if t.cap => true,
                // The name before a street word ("abay ave", "Абай көшесі").
                Kind::Word => next.cue == Some(Cue::Street) && !t.caseless && !t.short,
                Kind::Comma => a >= 2 && {
                    let p = &toks[a - 2];
                    !p.taken && (p.kind == Kind::Number || p.cue.is_some() || p.cap && !p.not_part && !p.intro || p.kind == Kind::Joiner)
                },
                Kind::Unspaced => !t.intro && matches!(next.kind, Kind::Unspaced | Kind::Number),
                Kind::Colon | Kind::Stop => false,
            };
        if !ok {
            break;
        }
        a -= 1;
    }
    // No separators at the edges.
    let edge = |t: &Tok| matches!(t.kind, Kind::Comma | Kind::Joiner | Kind::Colon) && t.cue.is_none();
    while a < b && edge(&toks[a]) {
        a += 1;
    }
    // An abbreviation keeps its dot ("… 40, кв."), a sentence does not ("…, 5-пәтер.").
    let abbreviation_dot = |b: usize| {
        toks[b - 1].kind == Kind::Joiner && b >= 2 && toks[b - 2].cue.is_some() && toks[b - 2].end - toks[b - 2].start <= 4
    };
    while b > a && edge(&toks[b - 1]) && !abbreviation_dot(b) {
        b -= 1;
    }
    (a, b)
}

/// Whether the unspaced run starting at `k` holds a cue before the next separator.
fn run_has_cue(toks: &[Tok], k: usize) -> bool {
    toks[k..].iter().take_while(|t| matches!(t.kind, Kind::Unspaced | Kind::Number)).any(|t| t.cue.is_some())
}
