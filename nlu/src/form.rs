//! What kind of message a text is before what it says: words, or markup, code and stack traces,
//! keyboard mash, emoji, bare links, nothing. Only words carry an intent; the rest is answered
//! with an honest clarification, never acted on (a pasted panic message is not a complaint).

use serde::{Deserialize, Serialize};

use crate::text::is_unspaced_letter;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageForm {
    /// Words (possibly with numbers, links or emoji among them).
    #[default]
    Text,
    /// HTML or Markdown rather than a message ("<script>…</script>", "**bold** and _italic_").
    Markup,
    /// Source code, a stack trace, a log line, an SQL statement.
    Code,
    /// Keyboard mash ("asdfghjkl", "фывапролд", "кккккк").
    Mash,
    /// Emoji and symbols only ("😡😡😡", "👍").
    Emoji,
    /// Links and next to no words (a bare URL, link spam).
    Link,
    /// Nothing to read: empty, whitespace or punctuation only.
    Empty,
}

impl MessageForm {
    /// Markup, code, mash and links carry no intent the bot should act on.
    pub fn is_noise(self) -> bool {
        matches!(self, MessageForm::Markup | MessageForm::Code | MessageForm::Mash | MessageForm::Link)
    }
}

/// Text beyond this many characters is judged on its beginning.
const MAX_CHARS: usize = 4000;

pub fn form_of(text: &str) -> MessageForm {
    let text = match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace() && !is_invisible(*c)).collect();
    if visible.is_empty() {
        return MessageForm::Empty;
    }
    if !visible.iter().any(|c| c.is_alphanumeric()) {
        return if visible.iter().any(|c| is_pictograph(*c)) { MessageForm::Emoji } else { MessageForm::Empty };
    }
    // Code and markup need their punctuation, links their prefixes: most messages skip the checks.
    let symbols = text.chars().filter(|c| "{}[]();=<>&|\\$_`'\"*~#".contains(*c)).count();
    if (symbols >= 2 || text.contains('\n')) && is_code(text) {
        return MessageForm::Code;
    }
    if symbols >= 1 && is_markup(text) {
        return MessageForm::Markup;
    }
    let lower_ascii = text.to_ascii_lowercase();
    if (lower_ascii.contains("http") || lower_ascii.contains("www.") || lower_ascii.contains("t.me/")) && is_links(text) {
        return MessageForm::Link;
    }
    if is_mash(text) {
        return MessageForm::Mash;
    }
    MessageForm::Text
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fe0f}' | '\u{0}'..='\u{1f}' | '\u{7f}')
}

/// Emoji and pictographic symbols (not punctuation).
fn is_pictograph(c: char) -> bool {
    matches!(c as u32,
        0x2190..=0x21ff | 0x2300..=0x23ff | 0x2460..=0x24ff | 0x25a0..=0x27bf | 0x2900..=0x297f | 0x2b00..=0x2bff
        | 0x3297 | 0x3299 | 0x1f000..=0x1faff | 0x2122 | 0x2139 | 0xa9 | 0xae)
}

/// Source code or a stack trace: telltale phrases of runtimes, file:line locations, code
/// keywords at line starts and a density of code punctuation that prose never has.
fn is_code(text: &str) -> bool {
    const TRACES: [&str; 23] = [
        "\", line ",
        "drop table",
        "select * from",
        "union select",
        "insert into",
        "delete from",
        " or 1=1",
        "panicked at",
        "traceback (most recent call last)",
        "exception in thread",
        "stack backtrace",
        "rust_backtrace",
        "uncaught ",
        "typeerror:",
        "referenceerror:",
        "syntaxerror:",
        "nullpointerexception",
        "segmentation fault",
        "core dumped",
        "error[e",
        "unwrap()",
        "undefined is not",
        "at java.",
    ];
    const KEYWORDS: [&str; 24] = [
        "fn ", "def ", "function ", "function(", "class ", "import ", "#include", "public ", "private ", "const ", "let ", "var ",
        "return ", "select ", "insert into", "drop table", "update ", "delete from", "console.log", "print(", "printf(",
        "if (", "for (", "echo ",
    ];
    let lower = text.to_lowercase();
    let mut score = 0usize;
    score += 2 * TRACES.iter().filter(|t| lower.contains(*t)).count();
    score += 2 * source_locations(&lower);
    for line in lower.lines().map(str::trim_start) {
        if KEYWORDS.iter().any(|k| line.starts_with(k)) {
            score += 1;
        }
        if line.starts_with("at ") && line.contains('(') && line.contains(':') {
            score += 2; // a JavaScript or Java stack frame
        }
        if line.ends_with(';') || line.ends_with('{') || line.ends_with("};") {
            score += 1;
        }
    }
    let trimmed = text.trim();
    if (trimmed.starts_with('{') && trimmed.ends_with('}') || trimmed.starts_with('[') && trimmed.ends_with(']'))
        && trimmed.contains("\":")
    {
        score += 4; // JSON
    }
    for token in ["=>", "->", "::", "==", "!=", "&&", "||", "();", "){", ") {", "[]", "--", "/*", "*/", "</", "${", "':", "\":", "';"] {
        if lower.contains(token) {
            score += 1;
        }
    }
    let visible = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    let symbols = text.chars().filter(|c| "{}[]();=<>&|\\$_`'\"".contains(*c)).count();
    let dense = symbols >= 6 && symbols * 100 >= visible * 15;
    score >= 4 || (score >= 2 && dense) || (symbols >= 12 && symbols * 100 >= visible * 25)
}

/// `file.ext:line` locations of source files ("src/main.rs:4:37", "app.py:12").
fn source_locations(lower: &str) -> usize {
    const EXTS: [&str; 14] = [".rs:", ".py:", ".js:", ".ts:", ".java:", ".go:", ".c:", ".cpp:", ".h:", ".rb:", ".php:", ".cs:", ".kt:", ".swift:"];
    EXTS.iter()
        .map(|e| {
            lower.match_indices(e).filter(|(i, _)| lower[i + e.len()..].starts_with(|c: char| c.is_ascii_digit())).count()
        })
        .sum()
}

/// HTML tags or Markdown constructs that make up the message rather than decorate it.
fn is_markup(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let tags = html_tags(&chars);
    let lower = text.to_lowercase();
    if tags >= 2 || ["<script", "<iframe", "<img", "<style", "<svg", "<a href", "<div", "<html", "<body", "<?xml", "<!doctype"].iter().any(|t| lower.contains(t)) {
        return true;
    }
    if text.contains("```") || ["&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;"].iter().filter(|e| lower.contains(*e)).count() >= 2 {
        return true;
    }
    // Markdown: the message is mostly emphasis, links and headings.
    let (constructs, covered) = markdown_spans(&chars);
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count().max(1);
    let heading_lines = text.lines().filter(|l| l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### ")).count();
    (constructs >= 2 && covered * 100 >= letters * 60) || (heading_lines >= 1 && constructs >= 1)
}

/// Number of `<tag …>` / `</tag>` / `<tag/>` in the text.
fn html_tags(chars: &[char]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '<' {
            let mut j = i + 1;
            if j < chars.len() && (chars[j] == '/' || chars[j] == '!') {
                j += 1;
            }
            if j < chars.len() && chars[j].is_ascii_alphabetic() {
                let close = chars[j..].iter().take(200).position(|c| *c == '>' || *c == '<');
                if let Some(k) = close.filter(|k| chars[j + k] == '>') {
                    count += 1;
                    i = j + k + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    count
}

/// Markdown constructs (`**x**`, `__x__`, `~~x~~`, `_x_`, `*x*`, `` `x` ``, `[x](y)`) and the
/// letters inside them.
fn markdown_spans(chars: &[char]) -> (usize, usize) {
    let n = chars.len();
    let (mut constructs, mut covered) = (0, 0);
    let mut i = 0;
    while i < n {
        let rest = &chars[i..];
        let delim: &[char] = match rest {
            ['*', '*', ..] => &['*', '*'],
            ['_', '_', ..] => &['_', '_'],
            ['~', '~', ..] => &['~', '~'],
            ['`', ..] => &['`'],
            ['*', ..] => &['*'],
            ['_', ..] => &['_'],
            ['[', ..] => {
                // [text](link)
                if let Some(close) = rest.iter().position(|c| *c == ']')
                    && rest.get(close + 1) == Some(&'(')
                    && let Some(end) = rest[close..].iter().position(|c| *c == ')')
                {
                    constructs += 1;
                    covered += rest[..close].iter().filter(|c| c.is_alphabetic()).count();
                    i += close + end + 1;
                    continue;
                }
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let d = delim.len();
        // An opening delimiter sits before a word, after a space or the start.
        let opens = (i == 0 || !chars[i - 1].is_alphanumeric()) && chars.get(i + d).is_some_and(|c| !c.is_whitespace());
        if opens {
            let inner = i + d;
            let close = (inner + 1..=n.saturating_sub(d)).find(|&k| {
                chars[k..k + d] == *delim && !chars[k - 1].is_whitespace() && chars.get(k + d).is_none_or(|c| !c.is_alphanumeric())
            });
            if let Some(k) = close.filter(|k| k - inner <= 200) {
                constructs += 1;
                covered += chars[inner..k].iter().filter(|c| c.is_alphabetic()).count();
                i = k + d;
                continue;
            }
        }
        i += d;
    }
    (constructs, covered)
}

/// Links and at most a word or two besides them ("https://bit.ly/x", "www.shop.kz/p/1 ?").
fn is_links(text: &str) -> bool {
    let mut links = 0;
    let mut other_letters = 0;
    for chunk in text.split_whitespace() {
        let c = chunk.to_lowercase();
        let is_link = c.starts_with("http://") || c.starts_with("https://") || c.starts_with("www.") || c.starts_with("t.me/");
        if is_link {
            links += 1;
        } else {
            other_letters += chunk.chars().filter(|c| c.is_alphabetic()).count();
        }
    }
    links >= 1 && (other_letters < 3 || links >= 3 && other_letters < 40)
}

/// Keyboard rows (QWERTY, ЙЦУКЕН) in order: neighbours on a row are what a mashing hand types.
const ROWS: [&str; 6] = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"];
const VOWELS: &str = "aeiouyаеёиоуыэюяіїєөүұәı";

/// Most letters sit in words that no language writes: runs along a keyboard row, no vowel in a
/// long word, one letter repeated.
fn is_mash(text: &str) -> bool {
    let mut letters = 0usize;
    let mut mashed = 0usize;
    let (mut words, mut mashed_words) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        let w: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        letters += w.len();
        words += 1;
        if w.iter().any(|c| is_unspaced_letter(*c)) || (word.chars().all(char::is_uppercase) && w.len() <= 5) {
            continue;
        }
        if looks_mashed(&w) {
            mashed += w.len();
            mashed_words += 1;
        }
    }
    letters >= 5 && mashed * 10 >= letters * 6 && mashed_words * 2 >= words
}

fn looks_mashed(w: &[char]) -> bool {
    let n = w.len();
    if n < 5 {
        return false;
    }
    let same = w.iter().all(|c| *c == w[0]);
    let no_vowel = !w.iter().any(|c| VOWELS.contains(*c)) && w.iter().all(|c| c.is_ascii_lowercase() || ('а'..='я').contains(c));
    let adjacent = w.windows(2).filter(|p| ROWS.iter().any(|r| neighbours(r, p[0], p[1]))).count();
    let row_run = n >= 6 && adjacent * 10 >= (n - 1) * 7;
    same || no_vowel || row_run
}

fn neighbours(row: &str, a: char, b: char) -> bool {
    let pos = |c: char| row.chars().position(|x| x == c);
    matches!((pos(a), pos(b)), (Some(i), Some(j)) if i.abs_diff(j) == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageForm::*;

    #[test]
    fn noise_is_recognised() {
        let cases = [
            ("<script>alert(1)</script>", Markup),
            ("<b>hello</b> <i>world</i>", Markup),
            ("**bold** and _italic_", Markup),
            ("# Title\n\nsome **text**", Markup),
            ("```\nlet x = 1;\n```", Code),
            ("```\nhello there\n```", Markup),
            (
                "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:4:37\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
                Code,
            ),
            ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    main()\nNameError: name 'main' is not defined", Code),
            ("TypeError: Cannot read properties of undefined (reading 'map')\n    at App (App.js:12:5)", Code),
            ("fn main() { println!(\"hi\"); }", Code),
            ("SELECT * FROM orders WHERE id = 1; DROP TABLE users; --", Code),
            ("'; DROP TABLE conversations; --", Code),
            ("{\"order\": 100017, \"items\": [1, 2, 3]}", Code),
            ("const x = () => { return 1; };", Code),
            ("asdfghjkl", Mash),
            ("фывапролд", Mash),
            ("jkfdsjkfdsjk sdfjk", Mash),
            ("кккккккк", Mash),
            ("qwertyuiop", Mash),
            ("asdkjh qwe", Mash),
            ("😡😡😡", Emoji),
            ("👍", Emoji),
            ("❤️❤️", Emoji),
            ("https://bit.ly/3xYz", Link),
            ("www.cheap-prizes.example/win https://t.me/joinchat/x https://example.com/a", Link),
            ("", Empty),
            ("   \n ", Empty),
            ("???", Empty),
            ("\u{200b}", Empty),
        ];
        let wrong: Vec<_> = cases.iter().filter(|(t, want)| form_of(t) != *want).map(|(t, _)| (t, form_of(t))).collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn real_messages_are_text() {
        if let Some(text) = [
            "где мой заказ 100017?",
            "Error 500 when I pay with Kaspi, what should I do?",
            "при оплате выдает ошибку: Payment failed (code 51)",
            "I paid :( and nothing happened",
            "заказ 100017 -> отменить?",
            "order **100017** please",
            "can you send me the link? https://shop.kz/p/123 this one is broken",
            "спасибо :) всё пришло",
            "ок",
            "100017",
            "Сәлеметсіз бе! Тапсырысым қайда?",
            "你好，我的订单100017到哪了？",
            "طلبي رقم ١٠٠٠٢٤ متى يوصل؟",
            "zdravstvuyte gde moy zakaz",
            "salem, tapsyrysym qashan keledi? nomeri 100017",
            "Bestellung 100017: wann kommt die?",
            "ВЫ ВООБЩЕ РАБОТАЕТЕ?! ЗАКАЗ ГДЕ?!",
            "ааа помогите",
            "о, богатые люди оооооооооооооооооооооооооооооооооооооо он он он его он не может",
            "hmm",
            "pls change delivery address for order 100030 to 12 Abay ave apt 5, Almaty",
            "Strengths and weaknesses of the Angstschweiß",
            "I want to return the item I bought for my son's birthday 😢",
            "price is 5 > 3 and 2 < 4",
            "мне нужна помощь -- срочно",
            "Kaspi Gold, Halyk, Visa/Mastercard: что из этого можно?",
        ]
        .iter()
        .find(|t| form_of(t) != Text)
        {
            panic!("{text:?} is {:?}", form_of(text));
        }
    }
}
