//! Numbers in a message, read from the folded text (digits of every script as ASCII): order ids
//! (`#A-12345`, `№100017`, 6–10 digits, "№ 100 017" after a marker), phone numbers in local and
//! international formats, and numeric dates.

use super::lexicon::WordList;
use super::{Entity, push};
use crate::text::{is_arabic_letter, is_unspaced_letter};

/// What the number rules need besides the text.
pub(super) struct NumberWords<'a> {
    pub order_markers: &'a WordList,
    pub phone_markers: &'a WordList,
    pub currency: &'a WordList,
    /// The dialogue waits for an order number: digits written in groups ("100 017") are one.
    pub expecting_order: bool,
}

/// A run of digits with the separators people put in phones and dates, cut where a group could be
/// a number of its own.
struct Segment {
    start: usize,
    end: usize,
    plus: bool,
    digits: String,
    /// The separators inside, in order.
    seps: String,
    groups: usize,
}

/// Order ids are this long (in digits).
const ORDER_DIGITS: std::ops::RangeInclusive<usize> = 6..=10;
/// A letter suffix this short may stick to a number ("100017ге", "100017nolu").
const MAX_SUFFIX_LETTERS: usize = 4;

pub(super) fn numbers(chars: &[char], lower: &[char], words: &NumberWords, out: &mut Vec<Entity>, taken: &mut [bool]) {
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if taken[i] {
            i += 1;
            continue;
        }
        if let Some(end) = alpha_order_id(chars, i, out, taken) {
            i = end;
            continue;
        }
        let c = chars[i];
        let starts = c.is_ascii_digit() || (c == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if !starts || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '+')) {
            i += 1;
            continue;
        }
        // A number glued to a word: fine after letters of unspaced scripts and Arabic, and after a
        // marker ("заказ100017", "no100017"); otherwise it is part of a code ("abc123456").
        let mut marked_by_word = None;
        if i > 0 && chars[i - 1].is_alphabetic() && !is_unspaced_letter(chars[i - 1]) && !is_arabic_letter(chars[i - 1]) {
            let mut s = i;
            while s > 0 && chars[s - 1].is_alphabetic() {
                s -= 1;
            }
            let word: String = lower[s..i].iter().collect();
            if words.order_markers.matches_word(&word, false) {
                marked_by_word = Some(Kind::Order);
            } else if words.phone_markers.matches_word(&word, false) {
                marked_by_word = Some(Kind::Phone);
            } else {
                // At least one step: a "+" glued to a word ("abc+7") is no digit to skip.
                i = skip_digits(chars, i).max(i + 1);
                continue;
            }
        }
        let (end, segments) = run(chars, i);
        // Letters glued after the number: a short suffix (Kazakh and Turkish case endings) or an
        // unspaced script; a longer word makes it a code.
        if end < n && chars[end].is_alphabetic() && !is_unspaced_letter(chars[end]) && !is_arabic_letter(chars[end]) {
            let suffix = chars[end..].iter().take_while(|c| c.is_alphabetic()).count();
            if suffix > MAX_SUFFIX_LETTERS {
                i = end.max(i + 1);
                continue;
            }
        }
        for seg in segments {
            classify(chars, lower, words, marked_by_word, &seg, out, taken);
        }
        i = end.max(i + 1);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Order,
    Phone,
}

fn classify(
    chars: &[char],
    lower: &[char],
    words: &NumberWords,
    marked_by_word: Option<Kind>,
    seg: &Segment,
    out: &mut Vec<Entity>,
    taken: &mut [bool],
) {
    let (start, end) = (seg.start, seg.end);
    // "#100017" and "№100017" include their sign.
    let sign = start > 0 && matches!(chars[start - 1], '#' | '№');
    let before = &lower[..if sign { start - 1 } else { start }];
    if let Some(date) = numeric_date(&chars[start..end]) {
        push(out, taken, "date", date, start, end);
        return;
    }
    let phone_marked = marked_by_word == Some(Kind::Phone) || words.phone_markers.introduces(before);
    if is_phone(seg.plus, &seg.digits, &seg.seps) || (phone_marked && (10..=15).contains(&seg.digits.len())) {
        push(out, taken, "phone", normalise_phone(seg.plus, &seg.digits), start, end);
        return;
    }
    if seg.plus || !ORDER_DIGITS.contains(&seg.digits.len()) || is_amount(chars, lower, words.currency, start, end) {
        return;
    }
    let order_marked = sign || marked_by_word == Some(Kind::Order) || words.order_markers.introduces(before);
    // Digits in groups ("100 017", "100-017") are one order number only where a marker or the
    // dialogue says so; groups long enough to be numbers of their own were never joined (`run`).
    let grouped_ok = seg.seps.chars().all(|c| c == ' ' || c == '-') && (order_marked || words.expecting_order);
    if seg.groups == 1 || grouped_ok {
        let s = if sign { start - 1 } else { start };
        push(out, taken, "order_id", seg.digits.clone(), s, end);
    }
}

/// `#A-12345` / `A-12345` style ids (letters, a dash, 4–10 digits); returns where it ends.
fn alpha_order_id(chars: &[char], i: usize, out: &mut Vec<Entity>, taken: &mut [bool]) -> Option<usize> {
    let n = chars.len();
    let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
    if prev_alnum || !(chars[i] == '#' || chars[i].is_ascii_uppercase()) {
        return None;
    }
    let letters_start = i + usize::from(chars[i] == '#');
    let mut j = letters_start;
    while j < n && chars[j].is_ascii_alphabetic() && j - letters_start < 3 {
        j += 1;
    }
    if j == letters_start || j >= n || chars[j] != '-' {
        return None;
    }
    let digits_start = j + 1;
    let mut k = digits_start;
    while k < n && chars[k].is_ascii_digit() {
        k += 1;
    }
    let boundary = k >= n || !chars[k].is_alphanumeric();
    if !((4..=10).contains(&(k - digits_start)) && boundary) {
        return None;
    }
    let value: String = chars[letters_start..k].iter().collect::<String>().to_uppercase();
    push(out, taken, "order_id", value, i, k);
    Some(k)
}

fn skip_digits(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn is_sep(c: char) -> bool {
    " -().\u{a0}/".contains(c)
}

/// The run of digits and separators from `i` (up to three separators in a row, then a digit),
/// cut into segments: a group of six digits or more is a number of its own ("100017 100018" are two
/// orders), except inside an international phone number ("+49 151 1234567").
fn run(chars: &[char], i: usize) -> (usize, Vec<Segment>) {
    let n = chars.len();
    let plus = chars[i] == '+';
    let mut j = i + usize::from(plus);
    // (start, end) of every digit group, and the separators before each group but the first.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut seps: Vec<String> = Vec::new();
    loop {
        let g = j;
        while j < n && chars[j].is_ascii_digit() {
            j += 1;
        }
        groups.push((g, j));
        let mut k = j;
        while k < n && k - j < 3 && is_sep(chars[k]) {
            k += 1;
        }
        if k > j && k < n && chars[k].is_ascii_digit() {
            seps.push(chars[j..k].iter().collect());
            j = k;
        } else {
            break;
        }
    }
    let end = groups.last().map_or(j, |g| g.1);
    // Cut around long groups.
    let mut cuts: Vec<(usize, usize)> = Vec::new(); // ranges of group indices
    let mut from = 0;
    for (k, (s, e)) in groups.iter().enumerate() {
        if e - s >= *ORDER_DIGITS.start() && groups.len() > 1 {
            if from < k {
                cuts.push((from, k));
            }
            cuts.push((k, k + 1));
            from = k + 1;
        }
    }
    if from < groups.len() {
        cuts.push((from, groups.len()));
    }
    // An international number keeps its long group ("+49 151 1234567").
    if plus && cuts.len() > 1 {
        let digits = |a: usize, b: usize| groups[a..b].iter().map(|(s, e)| e - s).sum::<usize>();
        let (a, b) = cuts[0];
        let (_, c) = cuts[1];
        if digits(a, b) < 10 && (10..=15).contains(&digits(a, c)) {
            cuts.splice(0..2, [(a, c)]);
        }
    }
    let segments = cuts
        .into_iter()
        .map(|(a, b)| {
            let start = if a == 0 { i } else { groups[a].0 };
            Segment {
                start,
                end: groups[b - 1].1,
                plus: plus && a == 0,
                digits: groups[a..b].iter().flat_map(|(s, e)| chars[*s..*e].iter()).collect(),
                seps: seps[a..b - 1].concat(),
                groups: b - a,
            }
        })
        .collect();
    (end, segments)
}

/// A number with a currency word or sign right before or after it is an amount ("150000 тг").
fn is_amount(chars: &[char], lower: &[char], currency: &WordList, start: usize, end: usize) -> bool {
    let after: String = lower[end..].iter().skip_while(|c| **c == ' ').take_while(|c| !c.is_whitespace() && !c.is_ascii_digit()).collect();
    let after = after.trim_end_matches(['.', ',', '!', '?', ')']);
    let mut b = start;
    while b > 0 && chars[b - 1] == ' ' {
        b -= 1;
    }
    let mut s = b;
    while s > 0 && !chars[s - 1].is_whitespace() && !chars[s - 1].is_ascii_digit() {
        s -= 1;
    }
    let before: String = lower[s..b].iter().collect();
    let before = before.trim_start_matches(['(', ',']);
    (!after.is_empty() && currency.matches_word(after, false)) || (!before.is_empty() && currency.matches_word(before, false))
}

fn is_phone(plus: bool, digits: &str, seps: &str) -> bool {
    let n = digits.len();
    if plus {
        return (10..=15).contains(&n);
    }
    // Without +: 11 digits starting 7 or 8 (Kazakhstan, Russia), 12 starting 998 (Uzbekistan),
    // a 00 international prefix, or any 10–15 digits written with separators as phones are.
    (n == 11 && (digits.starts_with('7') || digits.starts_with('8')))
        || (n == 12 && digits.starts_with("998"))
        || ((12..=17).contains(&n) && digits.starts_with("00"))
        || ((10..=15).contains(&n) && !seps.is_empty())
}

/// One spelling per phone number where the country is certain: +7 for Kazakhstan and Russia
/// (8 701 … and 7 701 … as well as 701 … and 9xx … without a prefix), + for 00 and 998 prefixes;
/// other local numbers keep their digits.
fn normalise_phone(plus: bool, digits: &str) -> String {
    if plus {
        return format!("+{digits}");
    }
    match digits.len() {
        _ if digits.starts_with("00") => format!("+{}", &digits[2..]),
        11 if digits.starts_with('7') || digits.starts_with('8') => format!("+7{}", &digits[1..]),
        12 if digits.starts_with("998") => format!("+{digits}"),
        10 if digits.starts_with('7') || digits.starts_with('9') => format!("+7{digits}"),
        _ => digits.to_string(),
    }
}

pub(super) fn numeric_date(s: &[char]) -> Option<String> {
    let text: String = s.iter().collect();
    let parts: Vec<&str> = text.split(['.', '/', '-']).collect();
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
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
