//! Languages the bot does not speak, named rather than mapped onto the nearest one it does: by
//! script (Japanese kana, Hangul, Devanagari, Hebrew, Georgian, Armenian, Greek, Thai, …), by the
//! letters of related languages in Cyrillic (Kyrgyz, Serbian, Macedonian, Belarusian) and Arabic
//! script (Persian, Urdu), and by whatlang for Latin-script languages (Italian, Polish, …).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Frequent Kyrgyz words that Kazakh and Russian do not write this way.
static KYRGYZ_CUES: &str = include_str!("../../../models/langid/ky-cues.txt");
/// Frequent words of Latin-script languages the bot does not speak.
static FOREIGN_CUES: &str = include_str!("../../../models/langid/foreign-cues.txt");

fn word_set(text: &'static str) -> HashSet<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_lowercase).collect()
}

fn kyrgyz_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| word_set(KYRGYZ_CUES))
}

/// Foreign cue words with the languages they belong to.
fn foreign_words() -> &'static HashMap<String, Vec<&'static str>> {
    static WORDS: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut out: HashMap<String, Vec<&'static str>> = HashMap::new();
        for line in FOREIGN_CUES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let Some((code, words)) = line.split_once(':') else { continue };
            for w in words.split_whitespace() {
                out.entry(w.to_lowercase()).or_default().push(code.trim());
            }
        }
        out
    })
}

/// ISO 639-1 code of the language a script of its own points to.
fn script_code(c: char) -> Option<&'static str> {
    Some(match c as u32 {
        0x3040..=0x30ff | 0x31f0..=0x31ff | 0xff66..=0xff9f => "ja",
        0x1100..=0x11ff | 0x3130..=0x318f | 0xac00..=0xd7af => "ko",
        0x900..=0x97f => "hi",
        0x980..=0x9ff => "bn",
        0xa00..=0xa7f => "pa",
        0xa80..=0xaff => "gu",
        0xb00..=0xb7f => "or",
        0xb80..=0xbff => "ta",
        0xc00..=0xc7f => "te",
        0xc80..=0xcff => "kn",
        0xd00..=0xd7f => "ml",
        0xd80..=0xdff => "si",
        0xe00..=0xe7f => "th",
        0xe80..=0xeff => "lo",
        0xf00..=0xfff => "bo",
        0x1000..=0x109f => "my",
        0x10a0..=0x10ff | 0x1c90..=0x1cbf | 0x2d00..=0x2d2f => "ka",
        0x1200..=0x139f => "am",
        0x1780..=0x17ff => "km",
        0x1800..=0x18af => "mn",
        0x590..=0x5ff | 0xfb1d..=0xfb4f => "he",
        0x530..=0x58f => "hy",
        0x370..=0x3ff | 0x1f00..=0x1fff => "el",
        0x700..=0x74f => "syr",
        0x780..=0x7bf => "dv",
        _ => return None,
    })
}

/// The language of a script the bot does not read, when its letters make up most of the text.
/// Japanese mixes kana with Han characters: a share of kana is enough.
pub(super) fn by_script(text: &str) -> Option<&'static str> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let (mut letters, mut han) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()).take(2000) {
        letters += 1;
        if matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff) {
            han += 1;
        }
        if let Some(code) = script_code(c) {
            match counts.iter_mut().find(|(k, _)| *k == code) {
                Some((_, n)) => *n += 1,
                None => counts.push((code, 1)),
            }
        }
    }
    let (code, n) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    let share_of = if code == "ja" { n + han } else { n };
    let japanese = code == "ja" && n >= 2 && n * 100 >= (n + han) * 15;
    ((code != "ja" || japanese) && share_of * 2 >= letters).then_some(code)
}

/// Cyrillic languages other than Russian, Kazakh and Ukrainian, by their letters (and Kyrgyz by
/// its words, since its letters ө ү ң are Kazakh too). `words` are lower case.
pub(super) fn cyrillic(words: &[Vec<char>]) -> Option<&'static str> {
    let has = |set: &[char]| words.iter().filter(|w| w.iter().any(|c| set.contains(c))).count();
    let n = words.len().max(1);
    let kazakh_only = has(&['ә', 'ғ', 'қ', 'ұ', 'һ', 'і']);
    if has(&['ѓ', 'ќ', 'ѕ']) > 0 && has(&['ј', 'љ', 'њ', 'џ']) * 3 >= n {
        return Some("mk");
    }
    if has(&['ђ', 'ћ', 'ј', 'љ', 'њ', 'џ']) * 3 >= n {
        return Some("sr");
    }
    if has(&['ў']) > 0 && kazakh_only == has(&['і']) && has(&['ў', 'і']) * 3 >= n && has(&['и', 'щ', 'ъ', 'қ', 'ҳ']) == 0 {
        return Some("be");
    }
    if has(&['җ']) > 0 && has(&['ә', 'ө', 'ү', 'ң']) > 0 {
        return Some("tt");
    }
    if has(&['ҙ', 'ҡ', 'ҫ']) > 0 {
        return Some("ba");
    }
    if kazakh_only == 0 {
        let ky = kyrgyz_words();
        let cues = words.iter().filter(|w| ky.contains(&w.iter().collect::<String>())).count();
        let marked = has(&['ө', 'ү', 'ң']);
        if cues >= 2 || (cues == 1 && marked >= 1) {
            return Some("ky");
        }
    }
    None
}

/// Persian and Urdu, by the letters Arabic does not write (typed on their own keyboards).
pub(super) fn arabic(words: &[Vec<char>]) -> Option<&'static str> {
    let has = |set: &[char]| words.iter().filter(|w| w.iter().any(|c| set.contains(c))).count();
    let n = words.len().max(1);
    let urdu = has(&['ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ۓ', 'ھ']);
    let persian = has(&['پ', 'چ', 'ژ', 'گ', 'ک', 'ی']);
    if urdu * 3 >= n && urdu > 0 {
        Some("ur")
    } else if persian * 5 >= n * 2 && persian > 0 {
        Some("fa")
    } else {
        None
    }
}

/// What hints at a Latin-script language the bot does not speak: a letter none of the spoken
/// languages writes (Polish ł, Czech ř, Portuguese ã, Nordic ø, …), and the frequent words of such
/// languages (the language with the most of them, and how many).
pub(super) struct ForeignHints {
    pub letter: bool,
    pub words: usize,
    pub best: Option<(&'static str, usize)>,
}

pub(super) fn foreign_hints(words: &[Vec<char>]) -> ForeignHints {
    let cues = foreign_words();
    let mut per: Vec<(&'static str, usize)> = Vec::new();
    let mut total = 0;
    for w in words {
        let Some(codes) = cues.get(&w.iter().collect::<String>()) else { continue };
        total += 1;
        for code in codes {
            match per.iter_mut().find(|(c, _)| c == code) {
                Some((_, n)) => *n += 1,
                None => per.push((code, 1)),
            }
        }
    }
    ForeignHints { letter: has_foreign_latin_letter(words), words: total, best: per.into_iter().max_by_key(|(_, n)| *n) }
}

fn has_foreign_latin_letter(words: &[Vec<char>]) -> bool {
    words.iter().flatten().any(|c| {
        matches!(
            c,
            'ą' | 'ę' | 'ł' | 'ż' | 'ź' | 'ś' | 'ć' | 'ř' | 'ě' | 'ů' | 'ť' | 'ď' | 'ň' | 'ľ' | 'ĺ' | 'ŕ' | 'ő' | 'ű'
                | 'ș' | 'ț' | 'ţ' | 'ă' | 'ã' | 'õ' | 'ø' | 'å' | 'ơ' | 'ư' | 'đ' | 'ā' | 'ē' | 'ī' | 'ų' | 'ė' | 'į'
                | 'ð' | 'þ' | 'ì' | 'ò' | 'ə' | 'č' | 'š' | 'ž'
        )
    })
}

/// whatlang's confidence from which its answer counts (chosen on xSID and XED development lines;
/// short messages are never asked).
const WHATLANG_MIN_CONFIDENCE: f64 = 0.5;

/// The Latin-script languages whatlang is asked about besides the spoken ones: those customers of
/// a shop in Central Asia and the CIS most plausibly write (every extra language costs time).
pub(super) const LATIN_OTHERS: [whatlang::Lang; 14] = {
    use whatlang::Lang::*;
    [Ita, Por, Pol, Nld, Ces, Ron, Hun, Ind, Vie, Aze, Fin, Swe, Lit, Hrv]
};

/// Two frequent words of one foreign language, with whatlang agreeing, name it however short the
/// message ("Ciao, dov'è il mio ordine?").
const AGREEING_WORDS: usize = 2;

/// A Latin-script language whatlang names, outside the ones the bot speaks: with confidence, or in
/// agreement with the foreign words of the message.
pub(super) fn latin(text: &str, hints: &ForeignHints, detector: &whatlang::Detector, supported: &[whatlang::Lang]) -> Option<&'static str> {
    let info = detector.detect(text)?;
    if info.script() != whatlang::Script::Latin || supported.contains(&info.lang()) {
        return None;
    }
    let code = iso_639_1(info.lang())?;
    let agrees = hints.best.is_some_and(|(c, n)| c == code && n >= AGREEING_WORDS);
    (agrees || info.confidence() > WHATLANG_MIN_CONFIDENCE).then_some(code)
}

fn iso_639_1(l: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match l {
        Por => "pt",
        Ita => "it",
        Pol => "pl",
        Nld => "nl",
        Ces => "cs",
        Slk => "sk",
        Ron => "ro",
        Hun => "hu",
        Fin => "fi",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Hrv => "hr",
        Slv => "sl",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Vie => "vi",
        Ind => "id",
        Tgl => "tl",
        Jav => "jv",
        Aze => "az",
        Tuk => "tk",
        Afr => "af",
        Lat => "la",
        Cat => "ca",
        Epo => "eo",
        Cym => "cy",
        Zul => "zu",
        Sna => "sn",
        Aka => "ak",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<char>> {
        text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase().chars().collect()).collect()
    }

    #[test]
    fn scripts_of_their_own() {
        assert_eq!(by_script("注文した商品はいつ届きますか"), Some("ja"));
        assert_eq!(by_script("我的订单什么时候到"), None, "Chinese is spoken");
        assert_eq!(by_script("我的订单の状态"), None, "one kana in Chinese is not Japanese");
        assert_eq!(by_script("주문 언제 와요"), Some("ko"));
        assert_eq!(by_script("где мой заказ"), None);
        assert_eq!(by_script("order 100017 מתי מגיע"), Some("he"));
    }

    #[test]
    fn cyrillic_and_arabic_neighbours() {
        assert_eq!(cyrillic(&words("саламатсызбы, буйрутмам качан келет")), Some("ky"));
        assert_eq!(cyrillic(&words("тапсырысым қашан келеді")), None);
        assert_eq!(cyrillic(&words("салем, тапсырысым кашан келеди")), None, "Kazakh without its letters");
        assert_eq!(cyrillic(&words("где мой заказ")), None);
        assert_eq!(cyrillic(&words("кога ће стићи моја поруџбина")), Some("sr"));
        assert_eq!(arabic(&words("سفارش من کی می‌رسد")), Some("fa"));
        assert_eq!(arabic(&words("متى يصل طلبي")), None);
    }
}
