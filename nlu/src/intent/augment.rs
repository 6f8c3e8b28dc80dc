//! Training content as customers type it: every Russian and Kazakh example also in Latin letters
//! (one of two romanisations, fixed by the text), and every Kazakh one also without its special
//! letters, so the model reads "gde moy zakaz", "tapsyrysym qashan keledi" and "кашан келеди" as
//! it reads the Cyrillic originals. Deterministic: the same content gives the same training set.

use std::collections::HashSet;

use super::model::Labelled;
use crate::content::ContentExample;
use crate::lang::Lang;
use crate::lang::translit::{Scheme, kk_to_latin, kk_to_plain_cyrillic, ru_to_latin};

/// What the augmentation does, for the artifact key (a change retrains).
pub const AUGMENTATION: &str = "ru:latin(chat|formal) kk:latin(chat|formal)+plain-cyrillic v1";

/// The examples with their typed variants, originals first, no text twice.
pub fn augment(examples: &[ContentExample]) -> Vec<Labelled> {
    let mut seen: HashSet<String> = examples.iter().map(|e| e.text.to_lowercase()).collect();
    let mut out: Vec<Labelled> = examples.iter().map(|e| Labelled { text: e.text.clone(), label: e.intent.clone() }).collect();
    for e in examples {
        let scheme = Scheme::for_text(&e.text);
        let variants = match e.lang {
            Lang::Ru => vec![ru_to_latin(&e.text, scheme)],
            Lang::Kk => vec![kk_to_latin(&e.text, scheme), kk_to_plain_cyrillic(&e.text)],
            _ => Vec::new(),
        };
        for v in variants {
            if seen.insert(v.to_lowercase()) {
                out.push(Labelled { text: v, label: e.intent.clone() });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_russian_and_kazakh_only() {
        let ex = |text: &str, lang| ContentExample { text: text.into(), lang, intent: "order_status".into() };
        let out = augment(&[ex("где мой заказ", Lang::Ru), ex("тапсырысым қашан келеді", Lang::Kk), ex("where is my order", Lang::En)]);
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 6, "{texts:?}");
        assert!(texts.contains(&"тапсырысым кашан келеди"));
        assert!(texts.iter().any(|t| t.starts_with("gde moy zakaz") || t.starts_with("gde moi zakaz")), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("tapsyrysym qashan")), "{texts:?}");
        assert_eq!(augment(&[ex("где мой заказ", Lang::Ru)]).len(), augment(&[ex("где мой заказ", Lang::Ru)]).len());
    }
}
