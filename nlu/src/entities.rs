//! Entities in customer text: order ids, phone numbers, emails and dates, with character spans.
//! Rules, not a model: these have shapes, and a wrong order number costs a customer more than a
//! missed one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::NluError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// `order_id`, `phone`, `email` or `date`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Normalised value: digits of an order or phone (phones keep a leading +), the e-mail in lower
    /// case, a date as `YYYY-MM-DD`, `MM-DD` or `+N days` (relative).
    pub value: String,
    /// Character offsets (Unicode scalar values) in the original text, end exclusive.
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct Lexicon {
    #[serde(default)]
    relative_dates: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    months: BTreeMap<String, Vec<String>>,
}

/// The shipped entity words (a business may load its own with [`EntityExtractor::from_toml`]).
static DEFAULT_LEXICON: &str = include_str!("../../models/content/entities.toml");

#[derive(Clone, Debug)]
pub struct EntityExtractor {
    relative: Vec<(String, i32)>,
    months: Vec<(String, u32)>,
}

impl Default for EntityExtractor {
    fn default() -> Self {
        Self::from_toml(DEFAULT_LEXICON).expect("shipped entities.toml is valid")
    }
}

impl EntityExtractor {
    pub fn from_toml(text: &str) -> Result<Self, NluError> {
        let lex: Lexicon =
            toml::from_str(text).map_err(|e| NluError::Content { file: "entities.toml".into(), message: e.to_string() })?;
        let mut relative = Vec::new();
        for (key, words) in lex.relative_dates {
            let offset = match key.as_str() {
                "today" => 0,
                "tomorrow" => 1,
                "yesterday" => -1,
                other => {
                    return Err(NluError::Content {
                        file: "entities.toml".into(),
                        message: format!("unknown relative date {other:?} (today, tomorrow, yesterday)"),
                    });
                }
            };
            relative.extend(words.into_iter().map(|w| (w.to_lowercase(), offset)));
        }
        let mut months = Vec::new();
        for (key, words) in lex.months {
            let m: u32 = key.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(|| NluError::Content {
                file: "entities.toml".into(),
                message: format!("month {key:?} must be 1..12"),
            })?;
            months.extend(words.into_iter().map(|w| (w.to_lowercase(), m)));
        }
        Ok(Self { relative, months })
    }

    pub fn extract(&self, text: &str) -> Vec<Entity> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut taken = vec![false; chars.len()];
        emails(&chars, &mut out, &mut taken);
        numbers(&chars, &mut out, &mut taken);
        self.dates(&chars, &mut out, &mut taken);
        out.sort_by_key(|e| (e.start, e.end));
        out
    }

    fn dates(&self, chars: &[char], out: &mut Vec<Entity>, taken: &mut [bool]) {
        let words = words(chars);
        for (k, &(s, e)) in words.iter().enumerate() {
            if taken[s..e].iter().any(|t| *t) {
                continue;
            }
            let w: String = chars[s..e].iter().flat_map(|c| c.to_lowercase()).collect();
            if let Some((_, off)) = self.relative.iter().find(|(r, _)| *r == w) {
                push(out, taken, "date", format!("{off:+} days"), s, e);
                continue;
            }
            let Some((_, month)) = self.months.iter().find(|(m, _)| w.starts_with(m.as_str())) else { continue };
            // "12 марта" or "March 12": a day number right before or after.
            let day_at = |i: Option<&(usize, usize)>| {
                i.and_then(|&(ds, de)| {
                    let d: String = chars[ds..de].iter().collect();
                    d.parse::<u32>().ok().filter(|d| (1..=31).contains(d) && de - ds <= 2).map(|d| (d, ds, de))
                })
            };
            let before = k.checked_sub(1).and_then(|i| day_at(words.get(i)));
            let after = day_at(words.get(k + 1));
            if let Some((day, ds, de)) = before.or(after) {
                let (start, end) = (ds.min(s), de.max(e));
                push(out, taken, "date", format!("{month:02}-{day:02}"), start, end);
            }
        }
    }
}

fn push(out: &mut Vec<Entity>, taken: &mut [bool], kind: &str, value: String, start: usize, end: usize) {
    taken[start..end].iter_mut().for_each(|t| *t = true);
    out.push(Entity { kind: kind.into(), value, start, end });
}

/// Maximal runs of letters or of digits.
fn words(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let digit = c.is_ascii_digit();
            let s = i;
            while i < chars.len() && chars[i].is_alphanumeric() && chars[i].is_ascii_digit() == digit {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

fn emails(chars: &[char], out: &mut Vec<Entity>, taken: &mut [bool]) {
    let is_local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let is_domain = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
    for at in (0..chars.len()).filter(|i| chars[*i] == '@') {
        let mut s = at;
        while s > 0 && is_local(chars[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < chars.len() && is_domain(chars[e]) {
            e += 1;
        }
        while e > at + 1 && chars[e - 1] == '.' {
            e -= 1;
        }
        let domain: String = chars[at + 1..e].iter().collect();
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && domain.rsplit('.').next().is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
        if s < at && valid_domain && !taken[s..e].iter().any(|t| *t) {
            let value: String = chars[s..e].iter().flat_map(|c| c.to_lowercase()).collect();
            push(out, taken, "email", value, s, e);
        }
    }
}

/// Order ids (`#A-12345`, `№100017`, 6–10 digits), phone numbers (+7 701 234 56 78, 8 (701) 234-56-78)
/// and numeric dates (25.12.2026, 2026-12-25, 25/12).
fn numbers(chars: &[char], out: &mut Vec<Entity>, taken: &mut [bool]) {
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if taken[i] {
            i += 1;
            continue;
        }
        let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
        // "#A-12345" / "A-12345" style order ids.
        if !prev_alnum && (chars[i] == '#' || chars[i].is_ascii_uppercase()) {
            let mut j = i + usize::from(chars[i] == '#');
            let letters_start = j;
            while j < n && chars[j].is_ascii_alphabetic() && j - letters_start < 3 {
                j += 1;
            }
            if j > letters_start && j < n && chars[j] == '-' {
                let digits_start = j + 1;
                let mut k = digits_start;
                while k < n && chars[k].is_ascii_digit() {
                    k += 1;
                }
                let boundary = k >= n || !chars[k].is_alphanumeric();
                if (4..=10).contains(&(k - digits_start)) && boundary {
                    let value: String = chars[letters_start..k].iter().collect::<String>().to_uppercase();
                    push(out, taken, "order_id", value, i, k);
                    i = k;
                    continue;
                }
            }
        }
        if !(chars[i].is_ascii_digit() || chars[i] == '+') || prev_alnum {
            i += 1;
            continue;
        }
        // A run of digits with the separators people put in phones and dates.
        let mut j = i + usize::from(chars[i] == '+');
        let mut digits = String::new();
        let mut seps = String::new();
        let mut end = j;
        while j < n {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits.push(c);
                j += 1;
                end = j;
            } else if is_sep(c) {
                // Up to three separators in a row ("8 (701) 234"), then a digit must follow.
                let mut k = j;
                while k < n && k - j < 3 && is_sep(chars[k]) {
                    k += 1;
                }
                if k < n && chars[k].is_ascii_digit() {
                    seps.extend(&chars[j..k]);
                    j = k;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if end < n && chars[end].is_alphabetic() {
            i = end;
            continue;
        }
        if let Some(date) = numeric_date(&chars[i..end]) {
            push(out, taken, "date", date, i, end);
        } else if is_phone(chars[i] == '+', &digits, &seps) {
            let value = if chars[i] == '+' { format!("+{digits}") } else { digits };
            push(out, taken, "phone", value, i, end);
        } else if seps.is_empty() && (6..=10).contains(&digits.len()) {
            let after_hash = i > 0 && (chars[i - 1] == '#' || chars[i - 1] == '№');
            let start = if after_hash { i - 1 } else { i };
            push(out, taken, "order_id", digits, start, end);
        }
        i = end.max(i + 1);
    }
}

fn is_sep(c: char) -> bool {
    " -().\u{a0}/".contains(c)
}

fn is_phone(plus: bool, digits: &str, seps: &str) -> bool {
    let n = digits.len();
    if plus {
        return (10..=15).contains(&n);
    }
    // Without +: 11 digits starting 7 or 8 (Kazakhstan, Russia), 12 starting 998 (Uzbekistan),
    // or any 10–15 digits written with separators as phones are.
    (n == 11 && (digits.starts_with('7') || digits.starts_with('8')))
        || (n == 12 && digits.starts_with("998"))
        || ((10..=15).contains(&n) && !seps.is_empty())
}

fn numeric_date(s: &[char]) -> Option<String> {
    let text: String = s.iter().collect();
    let parts: Vec<&str> = text.split(['.', '/', '-']).collect();
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let sep_ok = text.chars().filter(|c| !c.is_ascii_digit()).all(|c| ".-/".contains(c));
    if !sep_ok {
        return None;
    }
    let num = |p: &str| p.parse::<u32>().ok();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (num(y), num(m)?, num(d)?),
        [d, m, y] if y.len() == 4 || y.len() == 2 => {
            let y = num(y)?;
            (Some(if y < 100 { 2000 + y } else { y }), num(m)?, num(d)?)
        }
        [d, m] if d.len() <= 2 && m.len() <= 2 => (None, num(m)?, num(d)?),
        _ => return None,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(match y {
        Some(y) if (1900..=2100).contains(&y) => format!("{y:04}-{m:02}-{d:02}"),
        Some(_) => return None,
        None => format!("{m:02}-{d:02}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(text: &str) -> Vec<(String, String)> {
        EntityExtractor::default().extract(text).into_iter().map(|e| (e.kind, e.value)).collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn order_ids() {
        assert_eq!(ents("где мой заказ 100017?"), [pair("order_id", "100017")]);
        assert_eq!(ents("order #A-12345 please"), [pair("order_id", "A-12345")]);
        assert_eq!(ents("заказ №4815162"), [pair("order_id", "4815162")]);
        assert_eq!(ents("ticket 12345"), []);
    }

    #[test]
    fn spans_are_character_offsets() {
        let e = EntityExtractor::default().extract("Заказым 100017 қашан");
        assert_eq!((e[0].start, e[0].end), (8, 14));
    }

    #[test]
    fn phones_emails_dates() {
        assert_eq!(ents("мой номер +7 701 234 56 78"), [pair("phone", "+77012345678")]);
        assert_eq!(ents("звоните 8 (701) 234-56-78"), [pair("phone", "87012345678")]);
        assert_eq!(ents("mail: Aida.K@Example.kz."), [pair("email", "aida.k@example.kz")]);
        assert_eq!(ents("доставка 25.12.2026"), [pair("date", "2026-12-25")]);
        assert_eq!(ents("deliver on March 12"), [pair("date", "03-12")]);
        assert_eq!(ents("12 наурыз"), [pair("date", "03-12")]);
        assert_eq!(ents("привезите завтра"), [pair("date", "+1 days")]);
        assert_eq!(ents("may I ask about my email"), []);
    }

    #[test]
    fn odd_input() {
        for t in ["", "@", "@@.", "+", "#-", "#A-", "1.2.3.4.5", "99999999999999999999999", "a@b.c", "\u{202e}100017"] {
            let _ = ents(t);
        }
        assert_eq!(ents("\u{202e}100017"), [pair("order_id", "100017")]);
    }
}
