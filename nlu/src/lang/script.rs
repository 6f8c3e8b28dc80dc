//! Scripts and the letters that point to one language (or a few) among the supported ones.

use super::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Han,
}

impl Script {
    pub fn id(self) -> u8 {
        match self {
            Script::Latin => 1,
            Script::Cyrillic => 2,
            Script::Arabic => 3,
            Script::Han => 4,
        }
    }

    pub fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Script::Latin,
            2 => Script::Cyrillic,
            3 => Script::Arabic,
            4 => Script::Han,
            _ => return None,
        })
    }

    pub fn of(c: char) -> Option<Script> {
        match c as u32 {
            0x41..=0x5a | 0x61..=0x7a | 0xc0..=0x24f | 0x1e00..=0x1eff | 0x2bb | 0x2bc => {
                (c != '×' && c != '÷').then_some(Script::Latin)
            }
            0x400..=0x52f | 0x1c80..=0x1c8f | 0x2de0..=0x2dff | 0xa640..=0xa69f => Some(Script::Cyrillic),
            0x600..=0x6ff | 0x750..=0x77f | 0x8a0..=0x8ff | 0xfb50..=0xfdff | 0xfe70..=0xfeff => {
                Some(Script::Arabic)
            }
            0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2fa1f => Some(Script::Han),
            _ => None,
        }
    }

    /// Languages of the full set written in this script.
    pub fn languages(self) -> &'static [Lang] {
        match self {
            Script::Latin => &[Lang::En, Lang::Tr, Lang::De, Lang::Es, Lang::Fr, Lang::Uz],
            Script::Cyrillic => &[Lang::Ru, Lang::Kk, Lang::Uk],
            Script::Arabic => &[Lang::Ar],
            Script::Han => &[Lang::Zh],
        }
    }
}

/// Lower-case letters that, among the supported languages, are written by these languages only.
/// Used like a reader would: a word with "қ" is Kazakh, a word with "ї" Ukrainian.
pub fn letter_languages(c: char) -> &'static [Lang] {
    match c {
        'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' => &[Lang::Kk],
        'ґ' | 'є' | 'ї' => &[Lang::Uk],
        'і' => &[Lang::Kk, Lang::Uk],
        'ё' | 'ы' | 'э' | 'ъ' => &[Lang::Ru, Lang::Kk],
        'ğ' | 'ı' | 'ş' => &[Lang::Tr],
        'ß' | 'ä' => &[Lang::De],
        'ñ' | '¿' | '¡' | 'á' | 'í' | 'ó' | 'ú' => &[Lang::Es],
        'œ' | 'æ' | 'à' | 'è' | 'ê' | 'ë' | 'ï' | 'ô' | 'ù' | 'ÿ' => &[Lang::Fr],
        'î' | 'â' | 'û' => &[Lang::Fr, Lang::Tr],
        'é' => &[Lang::Es, Lang::Fr],
        'ç' => &[Lang::Fr, Lang::Tr],
        'ö' | 'ü' => &[Lang::De, Lang::Tr],
        // Uzbek Latin: oʻ gʻ (modifier letter turned comma / apostrophe forms).
        'ʻ' | 'ʼ' => &[Lang::Uz],
        _ => &[],
    }
}
