//! Russian and Kazakh the way people type them without a Cyrillic keyboard: deterministic
//! romanisations (to teach the intent model "gde moy zakaz" and "tapsyrysym qashan keledi"),
//! Kazakh without its special letters ("кашан" for "қашан"), a Latin-to-Cyrillic reading for the
//! cue words, and a spelling skeleton under which every way of writing a word looks the same.

/// A romanisation scheme; each example is romanised with one of them, chosen by its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Chat spelling: h, c, y, ya, zh, sch (Russian); q, g, n, o, u, i, y (Kazakh).
    Chat,
    /// Passport-like spelling: kh, ts, i, ia, zh, shch (Russian); ä, gh, ng, ö, ü, j (Kazakh).
    Formal,
}

impl Scheme {
    /// The scheme for a text, fixed by its content (the same text always gets the same one).
    pub fn for_text(text: &str) -> Scheme {
        if crate::lang::ngram_table::hash_str(text).is_multiple_of(2) { Scheme::Chat } else { Scheme::Formal }
    }
}

fn ru_letter(c: char, scheme: Scheme) -> Option<&'static str> {
    use Scheme::*;
    Some(match (c, scheme) {
        ('а', _) => "a",
        ('б', _) => "b",
        ('в', _) => "v",
        ('г', _) => "g",
        ('д', _) => "d",
        ('е', _) | ('э', _) => "e",
        ('ё', Chat) => "e",
        ('ё', Formal) => "yo",
        ('ж', _) => "zh",
        ('з', _) => "z",
        ('и', _) => "i",
        ('й', Chat) => "y",
        ('й', Formal) => "i",
        ('к', _) => "k",
        ('л', _) => "l",
        ('м', _) => "m",
        ('н', _) => "n",
        ('о', _) => "o",
        ('п', _) => "p",
        ('р', _) => "r",
        ('с', _) => "s",
        ('т', _) => "t",
        ('у', _) => "u",
        ('ф', _) => "f",
        ('х', Chat) => "h",
        ('х', Formal) => "kh",
        ('ц', Chat) => "c",
        ('ц', Formal) => "ts",
        ('ч', _) => "ch",
        ('ш', _) => "sh",
        ('щ', Chat) => "sch",
        ('щ', Formal) => "shch",
        ('ъ', _) => "",
        ('ы', _) => "y",
        ('ь', Chat) => "",
        ('ь', Formal) => "'",
        ('ю', Chat) => "yu",
        ('ю', Formal) => "iu",
        ('я', Chat) => "ya",
        ('я', Formal) => "ia",
        // Ukrainian letters in mixed text.
        ('і', _) | ('ї', _) => "i",
        ('є', _) => "ye",
        ('ґ', _) => "g",
        _ => return None,
    })
}

fn kk_letter(c: char, scheme: Scheme) -> Option<&'static str> {
    use Scheme::*;
    Some(match (c, scheme) {
        ('ә', Chat) => "a",
        ('ә', Formal) => "ä",
        ('ғ', Chat) => "g",
        ('ғ', Formal) => "gh",
        ('қ', _) => "q",
        ('ң', Chat) => "n",
        ('ң', Formal) => "ng",
        ('ө', Chat) => "o",
        ('ө', Formal) => "ö",
        ('ұ', _) => "u",
        ('ү', Chat) => "u",
        ('ү', Formal) => "ü",
        ('і', _) => "i",
        ('ы', _) => "y",
        ('һ', _) => "h",
        ('ж', Chat) => "zh",
        ('ж', Formal) => "j",
        ('й', _) => "i",
        ('х', _) => "h",
        ('щ', _) => "sh",
        _ => return ru_letter(c, Chat),
    })
}

/// Applies a per-letter romanisation, keeping case on the first letter and everything that is not
/// a Cyrillic letter (digits, punctuation, Latin words) as it is.
fn romanise(text: &str, letter: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        match letter(lower) {
            Some(latin) if c.is_uppercase() => {
                let mut it = latin.chars();
                if let Some(first) = it.next() {
                    out.extend(first.to_uppercase());
                    out.extend(it);
                }
            }
            Some(latin) => out.push_str(latin),
            None => out.push(c),
        }
    }
    out
}

/// Russian in Latin letters ("где мой заказ" → "gde moy zakaz").
pub fn ru_to_latin(text: &str, scheme: Scheme) -> String {
    romanise(text, |c| ru_letter(c, scheme))
}

/// Kazakh in Latin letters ("тапсырысым қашан келеді" → "tapsyrysym qashan keledi").
pub fn kk_to_latin(text: &str, scheme: Scheme) -> String {
    romanise(text, |c| kk_letter(c, scheme))
}

/// Kazakh typed on a Russian keyboard: the special letters replaced by the nearest Russian ones
/// ("қашан келеді" → "кашан келеди").
pub fn kk_to_plain_cyrillic(text: &str) -> String {
    text.chars()
        .map(|c| {
            let plain = match c.to_lowercase().next().unwrap_or(c) {
                'ә' => 'а',
                'ғ' => 'г',
                'қ' => 'к',
                'ң' => 'н',
                'ө' => 'о',
                'ұ' | 'ү' => 'у',
                'і' => 'и',
                'һ' => 'х',
                _ => return c,
            };
            if c.is_uppercase() { plain.to_uppercase().next().unwrap_or(plain) } else { plain }
        })
        .collect()
}

/// Uzbek written in Cyrillic (the older alphabet, still common) in today's Latin alphabet, which
/// the intent model is trained on: "буюртмам қаерда" → "buyurtmam qaerda".
pub fn uz_cyrillic_to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether the previous character was a consonant letter: "е" is "e" after one, else "ye".
    let mut after_consonant = false;
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin: &str = match lower {
            'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'ғ' => "gʻ", 'д' => "d",
            'е' => if after_consonant { "e" } else { "ye" },
            'ё' => "yo", 'ж' => "j", 'з' => "z", 'и' => "i", 'й' => "y", 'к' => "k", 'қ' => "q",
            'л' => "l", 'м' => "m", 'н' => "n", 'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s",
            'т' => "t", 'у' => "u", 'ў' => "oʻ", 'ф' => "f", 'х' => "x", 'ҳ' => "h", 'ц' => "ts",
            'ч' => "ch", 'ш' | 'щ' => "sh", 'ъ' => "ʼ", 'ь' => "", 'ы' => "i", 'э' => "e",
            'ю' => "yu", 'я' => "ya",
            _ => {
                out.push(c);
                after_consonant = c.is_alphabetic() && !"aeiou".contains(c.to_ascii_lowercase());
                continue;
            }
        };
        after_consonant = !matches!(lower, 'а' | 'е' | 'ё' | 'и' | 'о' | 'у' | 'ў' | 'э' | 'ю' | 'я' | 'ъ' | 'ь');
        if c.is_uppercase() {
            let mut chars = latin.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(latin);
        }
    }
    out
}

/// Reads Latin-letter Russian or Kazakh back into Cyrillic (approximately; for cue words, which
/// are matched by stem): "zdravstvuyte" → "здравствуйте", "qashan" → "қашан".
pub fn latin_to_cyrillic(text: &str, kazakh: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let lower: Vec<char> = chars[i..chars.len().min(i + 4)].iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
        let starts = |s: &str| lower.len() >= s.chars().count() && s.chars().zip(&lower).all(|(a, b)| a == *b);
        let prev_vowel = i > 0 && "aeiouy".contains(chars[i - 1].to_ascii_lowercase());
        let word_start = i == 0 || !chars[i - 1].is_alphabetic();
        let (cyr, used): (&str, usize) = if starts("shch") {
            ("щ", 4)
        } else if starts("sch") {
            ("щ", 3)
        } else if starts("zh") {
            ("ж", 2)
        } else if starts("kh") {
            ("х", 2)
        } else if starts("ch") {
            ("ч", 2)
        } else if starts("sh") {
            ("ш", 2)
        } else if starts("ts") && !kazakh {
            ("ц", 2)
        } else if starts("gh") && kazakh {
            ("ғ", 2)
        } else if starts("ng") && kazakh && lower.get(2).is_none_or(|c| !"aeiouy".contains(*c)) {
            ("ң", 2)
        } else if starts("ya") || starts("ia") && (word_start || prev_vowel) {
            ("я", 2)
        } else if starts("yu") || starts("iu") && (word_start || prev_vowel) {
            ("ю", 2)
        } else if starts("yo") {
            ("ё", 2)
        } else if starts("ye") && (word_start || prev_vowel) {
            ("е", 2)
        } else {
            let c = lower[0];
            let cyr = match c {
                'a' => "а",
                'b' => "б",
                'v' | 'w' => "в",
                'g' => "г",
                'd' => "д",
                'e' => "е",
                'z' => "з",
                'i' if kazakh => "і",
                'i' => "и",
                'y' if prev_vowel && !kazakh => "й",
                'y' => "ы",
                'j' if kazakh => "ж",
                'j' => "й",
                'k' => "к",
                'q' if kazakh => "қ",
                'q' => "к",
                'l' => "л",
                'm' => "м",
                'n' => "н",
                'o' => "о",
                'p' => "п",
                'r' => "р",
                's' => "с",
                't' => "т",
                'u' => "у",
                'f' => "ф",
                'h' | 'x' => "х",
                'c' => "ц",
                'ä' | 'á' => "ә",
                'ö' | 'ó' => "ө",
                'ü' | 'ú' => "ү",
                'ū' => "ұ",
                'ı' => "ы",
                'ñ' | 'ń' => "ң",
                'ğ' | 'ǵ' => "ғ",
                'ş' => "ш",
                'ç' => "ч",
                '\'' | 'ʼ' | '’' if i > 0 && chars[i - 1].is_alphabetic() => "ь",
                _ => {
                    out.push(chars[i]);
                    i += 1;
                    continue;
                }
            };
            (cyr, 1)
        };
        if chars[i].is_uppercase() {
            out.extend(cyr.chars().flat_map(char::to_uppercase));
        } else {
            out.push_str(cyr);
        }
        i += used;
    }
    out
}

/// The spelling skeleton of a word: Cyrillic and every romanisation of it map to the same string
/// ("здравствуйте", "zdravstvuyte" and "zdravstvuite" → "zdravstvuite"; "қашан", "кашан" and
/// "qashan" → "kashan").
pub fn skeleton(word: &str) -> String {
    // First every letter to plain Latin, then the digraphs of the romanisations folded, in one pass.
    let mut latin: Vec<u8> = Vec::with_capacity(word.len() + 4);
    let mut prev_alpha = false;
    let mut chars = word.chars().flat_map(char::to_lowercase).peekable();
    while let Some(c) = chars.next() {
        let next_alpha = chars.peek().is_some_and(|c| c.is_alphabetic());
        let s: &str = match c {
            'а' | 'ә' | 'ä' | 'á' | 'à' | 'â' => "a",
            'б' => "b",
            'в' | 'w' => "v",
            'г' | 'ғ' | 'ґ' | 'ğ' | 'ǵ' => "g",
            'д' => "d",
            'е' | 'э' | 'é' | 'è' | 'ê' => "e",
            'ё' => "io",
            'є' => "ie",
            'ж' => "j",
            'з' => "z",
            'и' | 'й' | 'ы' | 'і' | 'ї' | 'y' | 'ı' | 'ý' | 'í' => "i",
            'к' | 'қ' | 'q' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' | 'ñ' | 'ń' => "n",
            'о' | 'ө' | 'ö' | 'ó' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' | 'ў' | 'ü' | 'ú' | 'ū' => "u",
            'ф' => "f",
            'х' | 'һ' | 'x' => "h",
            'ц' => "c",
            'ч' | 'ç' => "ch",
            'ш' | 'щ' | 'ş' => "sh",
            'ю' => "iu",
            'я' => "ia",
            // "4to" (что) in chat.
            '4' if next_alpha || prev_alpha => "ch",
            c if c.is_ascii_lowercase() => {
                latin.push(c as u8);
                prev_alpha = true;
                continue;
            }
            _ => {
                prev_alpha = c.is_alphabetic();
                continue;
            }
        };
        latin.extend_from_slice(s.as_bytes());
        prev_alpha = true;
    }
    let mut out = String::with_capacity(latin.len());
    let mut i = 0;
    while i < latin.len() {
        let rest = &latin[i..];
        let (folded, used): (&[u8], usize) = match rest {
            [b's', b'h', b'c', b'h', ..] => (b"sh", 4),
            [b's', b'c', b'h', ..] => (b"sh", 3),
            [b'z', b'h', ..] => (b"j", 2),
            [b'k', b'h', ..] => (b"h", 2),
            [b't', b'z' | b's', ..] => (b"c", 2),
            [b'g', b'h', ..] => (b"g", 2),
            [b'n', b'g', ..] => (b"n", 2),
            [b'i', b'e', ..] => (b"e", 2),
            _ => (&rest[..1], 1),
        };
        for &b in folded {
            if out.as_bytes().last() != Some(&b) {
                out.push(b as char);
            }
        }
        i += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisations() {
        assert_eq!(ru_to_latin("Где мой заказ?", Scheme::Chat), "Gde moy zakaz?");
        assert_eq!(ru_to_latin("Хочу вернуть деньги", Scheme::Formal), "Khochu vernut' den'gi");
        assert_eq!(kk_to_latin("Сәлем, тапсырысым қашан келеді?", Scheme::Chat), "Salem, tapsyrysym qashan keledi?");
        assert_eq!(kk_to_latin("Тапсырыс нөмірі", Scheme::Formal), "Tapsyrys nömiri");
        assert_eq!(kk_to_plain_cyrillic("Қашан келеді? Рахмет, Әлия"), "Кашан келеди? Рахмет, Алия");
        assert_eq!(ru_to_latin("order 100017", Scheme::Chat), "order 100017");
    }

    #[test]
    fn reading_back_into_cyrillic() {
        assert_eq!(latin_to_cyrillic("zdravstvuyte gde moy zakaz", false), "здравствуйте где мой заказ");
        assert_eq!(latin_to_cyrillic("pozovite cheloveka", false), "позовите человека");
        assert_eq!(latin_to_cyrillic("qashan keledi", true), "қашан келеді");
    }

    #[test]
    fn skeletons_meet() {
        for group in [
            &["здравствуйте", "zdravstvuyte", "zdravstvuite", "Zdravstvuite"][..],
            &["қашан", "кашан", "qashan", "kashan"],
            &["тапсырысым", "tapsyrysym", "tapsirisim"],
            &["хочу", "hochu", "khochu", "xochu"],
            &["что", "chto", "4to"],
            &["пожалуйста", "pozhaluysta", "pojaluista", "pozhaluista"],
            &["нөмірі", "nomiri", "nömiri"],
            &["рахмет", "rakhmet", "rahmet"],
        ] {
            let s = skeleton(group[0]);
            for w in group {
                assert_eq!(skeleton(w), s, "{w} vs {}", group[0]);
            }
        }
        assert_ne!(skeleton("rahmet"), skeleton("rahmat"));
        assert_ne!(skeleton("qashan"), skeleton("qachon"));
    }

    #[test]
    fn uzbek_cyrillic_reads_in_latin() {
        assert_eq!(uz_cyrillic_to_latin("Салом, буюртмам қаерда?"), "Salom, buyurtmam qayerda?");
        assert_eq!(uz_cyrillic_to_latin("ўлчами тўғри келмади"), "oʻlchami toʻgʻri kelmadi");
        assert_eq!(uz_cyrillic_to_latin("Ерталаб раҳмат"), "Yertalab rahmat");
    }
}
