//! Character-level facts shared by the rules: decimal digits of every script, the typographic
//! variants people type for ASCII punctuation, and scripts written without spaces between words.

/// The zero of every run of ten decimal digits (Unicode general category Nd, up to Unicode 16):
/// ASCII, Arabic-Indic, Persian, Devanagari, Bengali, …, fullwidth, mathematical. Unicode data,
/// not content: every Nd digit is one of these plus 0..=9.
const DIGIT_ZEROS: [u32; 74] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0,
    0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0,
    0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x116D0, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
    0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The value of a decimal digit of any script ('٣', '۳', '３', '३' → 3).
pub fn digit_value(c: char) -> Option<u32> {
    let c = c as u32;
    if c < 0x80 {
        return (0x30..=0x39).contains(&c).then(|| c - 0x30);
    }
    let i = DIGIT_ZEROS.partition_point(|z| *z <= c);
    let zero = DIGIT_ZEROS[i.checked_sub(1)?];
    (c - zero < 10).then(|| c - zero)
}

/// The ASCII character a typed character stands for where it matters to numbers and addresses:
/// digits of every script, fullwidth forms (＃ → #), dashes (– — − → -), the spaces of typography
/// (no-break, thin, ideographic) and the Arabic comma. Everything else is returned as is, so a
/// folded text has the same character offsets as the original.
pub fn fold_char(c: char) -> char {
    if let Some(d) = digit_value(c) {
        return char::from_digit(d, 10).unwrap_or(c);
    }
    match c {
        // Fullwidth ASCII (！ … ～).
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xff01 + 0x21).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' => '-',
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => ' ',
        '،' | '、' => ',',
        '٫' => '.',
        c => c,
    }
}

/// Whether `c` is a letter of a script written without spaces between words (Chinese, Japanese,
/// Thai, …): a number may touch such letters and still be a number of its own.
pub fn is_unspaced_letter(c: char) -> bool {
    matches!(c as u32,
        0x0e00..=0x0eff          // Thai, Lao
        | 0x1000..=0x109f        // Myanmar
        | 0x1780..=0x17ff        // Khmer
        | 0x3040..=0x30ff        // Hiragana, Katakana
        | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3134f // Han
        | 0x31f0..=0x31ff | 0xff66..=0xff9f // Katakana extensions, halfwidth
    )
}

/// Whether `c` is an Arabic-script letter (Arabic writers often join a number to the word before).
pub fn is_arabic_letter(c: char) -> bool {
    c.is_alphabetic() && matches!(c as u32, 0x600..=0x6ff | 0x750..=0x77f | 0x8a0..=0x8ff | 0xfb50..=0xfdff | 0xfe70..=0xfeff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script() {
        for zero in DIGIT_ZEROS {
            for k in 0..10 {
                let c = char::from_u32(zero + k).unwrap();
                assert!(c.is_numeric(), "U+{:04X} is not numeric", zero + k);
                assert_eq!(digit_value(c), Some(k), "U+{:04X}", zero + k);
            }
        }
        assert_eq!(digit_value('٣'), Some(3));
        assert_eq!(digit_value('۷'), Some(7));
        assert_eq!(digit_value('３'), Some(3));
        assert_eq!(digit_value('५'), Some(5));
        for c in ['a', '²', '½', 'Ⅻ', '〇', '十', ' ', '\u{10ffff}'] {
            assert_eq!(digit_value(c), None, "{c:?}");
        }
        // No two runs overlap and the table is sorted (the lookup relies on it).
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[1] >= w[0] + 10));
    }

    #[test]
    fn folding_keeps_one_char_per_char() {
        let text = "№ １００ ０１７ – ١٠٠٠٢٤\u{a0}۱۰";
        let folded: String = text.chars().map(fold_char).collect();
        assert_eq!(folded, "№ 100 017 - 100024 10");
        assert_eq!(folded.chars().count(), text.chars().count());
    }
}
