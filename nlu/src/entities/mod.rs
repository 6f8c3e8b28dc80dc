//! Entities in customer text: order ids, phone numbers, e-mails, dates and delivery addresses, with
//! character spans. Rules, not a model: these have shapes, and a wrong order number costs a
//! customer more than a missed one. Digits of every script count ("١٠٠٠٢٤", "１００１７"); the words
//! the rules need (markers, address words, month names) live in `models/content/entities.toml`.

mod address;
mod lexicon;
mod numbers;

use serde::{Deserialize, Serialize};

use crate::NluError;
use crate::text::fold_char;
use address::AddressRules;
use lexicon::{Lexicon, WordList, content_err, lower, merged};
use numbers::{NumberWords, numbers};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// `order_id`, `phone`, `email`, `date` or `address`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Normalised value: the ASCII digits of an order; a phone as `+<country><number>` where the
    /// country is certain (+7 for 8 701 …), else its digits; the e-mail in lower case; a date as
    /// `YYYY-MM-DD`, `MM-DD` or `+N days` (relative); an address as written (spaces collapsed).
    pub value: String,
    /// Character offsets (Unicode scalar values) in the original text, end exclusive.
    pub start: usize,
    pub end: usize,
}

/// The shipped entity words (a business may load its own with [`EntityExtractor::from_toml`]).
static DEFAULT_LEXICON: &str = include_str!("../../../models/content/entities.toml");

#[derive(Clone, Debug)]
pub struct EntityExtractor {
    relative: Vec<(String, i32)>,
    months: Vec<(String, u32)>,
    order_markers: WordList,
    phone_markers: WordList,
    currency: WordList,
    address: AddressRules,
}

impl Default for EntityExtractor {
    fn default() -> Self {
        Self::from_toml(DEFAULT_LEXICON).expect("shipped entities.toml is valid")
    }
}

impl EntityExtractor {
    pub fn from_toml(text: &str) -> Result<Self, NluError> {
        let lex = Lexicon::parse(text)?;
        let mut relative = Vec::new();
        for (key, words) in &lex.relative_dates {
            let offset = match key.as_str() {
                "today" => 0,
                "tomorrow" => 1,
                "yesterday" => -1,
                other => return Err(content_err(format!("unknown relative date {other:?} (today, tomorrow, yesterday)"))),
            };
            relative.extend(words.iter().map(|w| (w.to_lowercase(), offset)));
        }
        let mut months = Vec::new();
        for (key, words) in &lex.months {
            let m: u32 = key
                .parse()
                .ok()
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(|| content_err(format!("month {key:?} must be 1..12")))?;
            months.extend(words.iter().map(|w| (w.to_lowercase(), m)));
        }
        Ok(Self {
            relative,
            months,
            order_markers: WordList::new(merged(&lex.order_markers, |v| v))?,
            phone_markers: WordList::new(merged(&lex.phone_markers, |v| v))?,
            currency: WordList::new(merged(&lex.currency, |v| v))?,
            address: AddressRules::new(&lex.address)?,
        })
    }

    pub fn extract(&self, text: &str) -> Vec<Entity> {
        self.extract_expecting(text, None)
    }

    /// The entities of a message that answers the bot's question for `expecting` (an entity type
    /// such as `order_id`): then digits in groups ("100 017") are read as one order number even
    /// without a marker word.
    pub fn extract_expecting(&self, text: &str, expecting: Option<&str>) -> Vec<Entity> {
        let original: Vec<char> = text.chars().collect();
        let chars: Vec<char> = original.iter().map(|c| fold_char(*c)).collect();
        let low: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
        let mut out = Vec::new();
        let mut taken = vec![false; chars.len()];
        emails(&chars, &mut out, &mut taken);
        let words = NumberWords {
            order_markers: &self.order_markers,
            phone_markers: &self.phone_markers,
            currency: &self.currency,
            expecting_order: expecting == Some("order_id"),
        };
        // Addresses first, so a postcode or house number is not taken for an order — except in
        // writing without spaces, where an address grows over the whole sentence
        // ("订单号100016的收货地址改成…12号5室") and must not swallow the order it is about.
        if chars.iter().any(|c| is_unspaced_script(*c)) {
            numbers(&chars, &low, &words, &mut out, &mut taken);
            self.address.extract(&original, &chars, &low, &mut out, &mut taken);
        } else {
            self.address.extract(&original, &chars, &low, &mut out, &mut taken);
            numbers(&chars, &low, &words, &mut out, &mut taken);
        }
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

/// Scripts written without spaces between words (Chinese, Japanese).
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(text: &str) -> Vec<(String, String)> {
        EntityExtractor::default().extract(text).into_iter().map(|e| (e.kind, e.value)).collect()
    }

    fn of(text: &str, kind: &str) -> Vec<String> {
        EntityExtractor::default().extract(text).into_iter().filter(|e| e.kind == kind).map(|e| e.value).collect()
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
    fn order_numbers_in_every_script_and_layout() {
        let cases = [
            ("你好，我的订单100017到哪了？", "100017"),
            ("订单号：100024，什么时候发货", "100024"),
            ("طلبي رقم ١٠٠٠٢٤ متى يوصل؟", "100024"),
            ("سفارش من ۱۰۰۰۲۴ کجاست", "100024"),
            ("رقم الطلب100031", "100031"),
            ("注文番号は１００１７です。 order １０００１７", "100017"),
            ("मेरा ऑर्डर १०००१७ कहाँ है", "100017"),
            ("Тапсырысым 100017-ге не болды?", "100017"),
            ("siparişim 100017'yi ne zaman alırım", "100017"),
            ("Bestellnummer: 100 017", "100017"),
            ("№ 100 017", "100017"),
            ("order no. 100-017", "100017"),
            ("заказ100017 где", "100017"),
            ("sipariş no 100 017", "100017"),
            ("нөмірі 100 031", "100031"),
            ("commande n° 100-017", "100017"),
            ("номер моего заказа 100 017", "100017"),
        ];
        for (text, want) in cases {
            assert_eq!(of(text, "order_id"), [want], "{text}");
        }
    }

    #[test]
    fn order_markers_in_all_eleven_languages() {
        for text in [
            "заказ № 100 017 где?",
            "тапсырыс нөмірі 100 017",
            "order # 100-017 please",
            "де моє замовлення № 100 017",
            "buyurtma raqami 100 017",
            "sipariş no: 100 017",
            "Bestellnummer 100-017",
            "pedido nº 100 017",
            "commande n° 100 017",
            "订单号 100 017",
            "رقم الطلب ١٠٠ ٠١٧",
        ] {
            assert_eq!(of(text, "order_id"), ["100017"], "{text}");
        }
    }

    #[test]
    fn spans_stay_in_original_characters() {
        let text = "طلبي رقم ١٠٠٠٢٤ متى";
        let e = EntityExtractor::default().extract(text);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[e[0].start..e[0].end].iter().collect::<String>(), "١٠٠٠٢٤");
        let e = EntityExtractor::default().extract("Заказым 100017 қашан");
        assert_eq!((e[0].start, e[0].end), (8, 14));
        let e = EntityExtractor::default().extract("#100017");
        assert_eq!((e[0].start, e[0].end), (0, 7));
    }

    #[test]
    fn separate_numbers_are_never_glued() {
        assert_eq!(of("заказы 100017 100018", "order_id"), ["100017", "100018"]);
        assert_eq!(of("orders 100017, 100018 and 100019", "order_id"), ["100017", "100018", "100019"]);
        assert_eq!(of("заказы 100 017 и 100 018", "order_id"), ["100017", "100018"]);
        assert_eq!(of("100017/100018", "order_id"), ["100017", "100018"]);
        // Groups without a marker are not an order number unless the bot asked for one.
        assert_eq!(of("я купил 100 017 штук", "order_id"), Vec::<String>::new());
        let x = EntityExtractor::default();
        let asked: Vec<String> = x.extract_expecting("100 017", Some("order_id")).into_iter().map(|e| e.value).collect();
        assert_eq!(asked, ["100017"]);
        assert_eq!(of("ABC1234567", "order_id"), Vec::<String>::new());
    }

    #[test]
    fn amounts_are_not_orders() {
        assert_eq!(of("я заплатил 150000 тг за заказ", "order_id"), Vec::<String>::new());
        assert_eq!(of("paid $120000 for order 100017", "order_id"), ["100017"]);
        assert_eq!(of("250000₸ списали", "order_id"), Vec::<String>::new());
    }

    #[test]
    fn phones_in_local_formats() {
        let cases = [
            ("мой номер +7 701 555 66 77", "+77015556677"),
            ("звоните 8 (701) 555-66-77", "+77015556677"),
            ("номер не помню, могу телефон дать 8 701 555 66 77", "+77015556677"),
            ("87015556677", "+77015556677"),
            ("телефон 7015556677", "+77015556677"),
            ("numaram +90 532 123 45 67", "+905321234567"),
            ("Handy: +49 151 1234567", "+491511234567"),
            ("raqamim +998 90 123 45 67", "+998901234567"),
            ("998901234567 shu raqam", "+998901234567"),
            ("手机号 +86 138 0013 8000", "+8613800138000"),
            ("جوالي ٠٥٠١٢٣٤٥٦٧ رقم الهاتف", "0501234567"),
            ("call me at 0044 20 7946 0958", "+442079460958"),
        ];
        for (text, want) in cases {
            assert_eq!(of(text, "phone"), [want], "{text}");
        }
        assert_eq!(of("order 100017", "phone"), Vec::<String>::new());
    }

    #[test]
    fn phone_and_order_in_one_message() {
        assert_eq!(ents("заказ 100017, тел +7 701 555 66 77"), [pair("order_id", "100017"), pair("phone", "+77015556677")]);
        assert_eq!(ents("87015556677 100017"), [pair("phone", "+77015556677"), pair("order_id", "100017")]);
    }

    #[test]
    fn emails_and_dates() {
        assert_eq!(ents("mail: Aida.K@Example.kz."), [pair("email", "aida.k@example.kz")]);
        assert_eq!(ents("почта ａｉｄａ＠mail.ru"), [pair("email", "aida@mail.ru")]);
        assert_eq!(ents("доставка 25.12.2026"), [pair("date", "2026-12-25")]);
        assert_eq!(ents("التوصيل ٢٥/١٢/٢٠٢٦"), [pair("date", "2026-12-25")]);
        assert_eq!(ents("deliver on March 12"), [pair("date", "03-12")]);
        assert_eq!(ents("12 наурыз"), [pair("date", "03-12")]);
        assert_eq!(ents("привезите завтра"), [pair("date", "+1 days")]);
        assert_eq!(ents("may I ask about my email"), []);
    }

    #[test]
    fn addresses_in_every_language() {
        let cases = [
            ("pls change delivery address for order 100030 to 12 Abay ave apt 5, Almaty", "12 Abay ave apt 5, Almaty"),
            ("change address to 12 abay ave apt 5, almaty", "12 abay ave apt 5, almaty"),
            ("г. Астана, ул. Кенесары 40, кв 15", "г. Астана, ул. Кенесары 40, кв 15"),
            ("Адресті ауыстыру керек, жаңа адрес: Абай даңғылы 10, 5-пәтер. Заказ #A-20931", "Абай даңғылы 10, 5-пәтер"),
            ("поменяйте адрес на ул абая 10 кв 5 пожалуйста", "ул абая 10 кв 5"),
            ("Мекенжайды өзгертіңіз: Абай даңғылы 12, 5 пәтер, Алматы", "Абай даңғылы 12, 5 пәтер, Алматы"),
            ("жаңа мекенжай Сейфуллин көшесі 31, 12 пәтер", "Сейфуллин көшесі 31, 12 пәтер"),
            ("змініть адресу на вул. Хрещатик 22, кв. 5, Київ", "вул. Хрещатик 22, кв. 5, Київ"),
            ("yangi manzil: Toshkent sh., Amir Temur ko'chasi 15, 23-xonadon", "Toshkent sh., Amir Temur ko'chasi 15, 23-xonadon"),
            ("yeni adresim Atatürk Cad. No:12 Daire 5 Kadıköy/İstanbul", "Atatürk Cad. No:12 Daire 5 Kadıköy/İstanbul"),
            ("Bitte an Hauptstraße 5, 10115 Berlin liefern", "Hauptstraße 5, 10115 Berlin"),
            ("la nueva dirección es Calle Mayor 5, 3º B, Madrid", "Calle Mayor 5, 3º B, Madrid"),
            ("livrez au 12 rue de la Paix, 75002 Paris svp", "12 rue de la Paix, 75002 Paris"),
            ("请把地址改成北京市朝阳区建国路88号3号楼501室", "北京市朝阳区建国路88号3号楼501室"),
            ("العنوان الجديد: شارع الملك فهد ١٢، شقة ٥، الرياض", "شارع الملك فهد ١٢، شقة ٥، الرياض"),
        ];
        for (text, want) in cases {
            assert_eq!(of(text, "address"), [want], "{text}");
        }
        let all = ents("pls change delivery address for order 100030 to 12 Abay ave apt 5, Almaty");
        assert_eq!(all, [pair("order_id", "100030"), pair("address", "12 Abay ave apt 5, Almaty")]);
    }

    #[test]
    fn the_order_and_the_address_apart() {
        // Unspaced Chinese: the address must not swallow the order it is about.
        assert_eq!(of("订单号100016的收货地址改成阿拉木图市阿拜大街12号5室", "order_id"), ["100016"]);
        // A postcode at the start of the new address is not a second order.
        let text = "заказ 100022, адрес поменяйте пожалуйста. новый: 050062, Алматы, мкр Жетысу-2, дом 65, кв 7";
        assert_eq!(of(text, "order_id"), ["100022"]);
    }

    #[test]
    fn no_address_without_one() {
        for text in [
            "где мой заказ 100017",
            "I live on the 5th floor",
            "дом 2 раза звонил",
            "St. Petersburg delivery?",
            "I ordered 2 things from the shop on Abay street",
            "кв 5",
            "what are your opening hours on Saturday",
        ] {
            assert_eq!(of(text, "address"), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn odd_input() {
        for t in ["", "@", "@@.", "+", "#-", "#A-", "1.2.3.4.5", "99999999999999999999999", "a@b.c", "\u{202e}100017", "ул.", "路号", "- - -", "+ 1", "abc+7", "abc+", "tel+77015556677x"] {
            let _ = ents(t);
        }
        assert_eq!(ents("\u{202e}100017"), [pair("order_id", "100017")]);
        // A "+" glued to a word once stopped the scan from moving on (found by tests/properties.rs).
        assert!(ents("abc+7 заказ 100017").contains(&pair("order_id", "100017")));
    }
}
