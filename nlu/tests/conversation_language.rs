//! The conversation-level language decision on the journeys customers actually take.

use komek_nlu::lang::{ConversationLanguage, Lang, LanguageDetector, LanguageHint, Switch};

fn detector() -> LanguageDetector {
    LanguageDetector::default()
}

/// Runs the messages through a new conversation and returns the language after each.
fn journey(hint: Option<LanguageHint>, messages: &[&str]) -> Vec<Lang> {
    let d = detector();
    let mut conv = ConversationLanguage::new(Lang::Ru, hint);
    messages.iter().map(|m| conv.observe(&d, m).lang).collect()
}

#[test]
fn kazakh_conversation_stays_kazakh_through_short_messages() {
    let langs = journey(None, &["Сәлеметсіз бе, тапсырысым қайда?", "ok", "👍", "12345", "рахмет", "ок", "100017", "#A-12345"]);
    assert!(langs.iter().all(|l| *l == Lang::Kk), "{langs:?}");
}

#[test]
fn russian_conversation_switches_on_explicit_request() {
    let d = detector();
    let mut conv = ConversationLanguage::new(Lang::Ru, None);
    assert_eq!(conv.observe(&d, "Здравствуйте, где мой заказ?").lang, Lang::Ru);
    let decision = conv.observe(&d, "English please");
    assert_eq!((decision.lang, decision.reason, decision.changed), (Lang::En, Switch::Explicit, true));
    // And it stays English through a short reply.
    assert_eq!(conv.observe(&d, "ok").lang, Lang::En);
}

#[test]
fn russian_conversation_switches_on_a_full_english_sentence() {
    let langs = journey(None, &["Здравствуйте, где мой заказ?", "Sorry, could you answer in a language I can read?"]);
    assert_eq!(langs, [Lang::Ru, Lang::En]);
}

#[test]
fn russian_conversation_is_not_flipped_by_a_short_foreign_word() {
    let langs = journey(None, &["Здравствуйте, где мой заказ?", "ok", "thanks", "merci", "👍"]);
    assert!(langs.iter().all(|l| *l == Lang::Ru), "{langs:?}");
}

#[test]
fn telegram_hint_kk_and_salem_gives_kazakh() {
    let langs = journey(Some(LanguageHint::Telegram(Lang::Kk)), &["Сәлем"]);
    assert_eq!(langs, [Lang::Kk]);
}

#[test]
fn hint_decides_when_the_first_message_says_nothing() {
    let langs = journey(Some(LanguageHint::Browser(Lang::De)), &["👍", "12345"]);
    assert_eq!(langs, [Lang::De, Lang::De]);
    let langs = journey(None, &["👍"]);
    assert_eq!(langs, [Lang::Ru], "the configured default");
}

#[test]
fn mixed_russian_kazakh_question_is_kazakh() {
    assert_eq!(journey(None, &["Заказым қашан келеді?"]), [Lang::Kk]);
    let d = detector().detect("Заказым қашан келеді?").unwrap();
    assert_eq!(d.lang, Lang::Kk);
}

#[test]
fn a_russian_sentence_with_kazakh_words_keeps_a_kazakh_conversation() {
    let langs = journey(None, &["Сәлем, заказым қайда?", "доставка когда будет, рахмет, күтемін"]);
    assert_eq!(langs, [Lang::Kk, Lang::Kk]);
}

#[test]
fn uzbek_latin_is_uzbek_not_turkish() {
    let d = detector().detect("Buyurtmam qayerda?").unwrap();
    assert_eq!(d.lang, Lang::Uz, "{d:?}");
    assert_eq!(journey(None, &["Buyurtmam qayerda?"]), [Lang::Uz]);
    // Real Turkish stays Turkish.
    assert_eq!(detector().detect("Siparişim nerede? Henüz gelmedi.").unwrap().lang, Lang::Tr);
}

#[test]
fn every_shipped_language_is_recognised_in_a_plain_sentence() {
    let cases = [
        (Lang::Ru, "Здравствуйте, подскажите, пожалуйста, когда привезут мой заказ?"),
        (Lang::Kk, "Сәлеметсіз бе, менің тапсырысым қашан жеткізіледі?"),
        (Lang::En, "Hello, could you tell me when my order will be delivered?"),
        (Lang::Uk, "Добрий день, підкажіть, будь ласка, коли привезуть моє замовлення?"),
        (Lang::Uz, "Assalomu alaykum, buyurtmam qachon yetkazib beriladi?"),
        (Lang::Tr, "Merhaba, siparişimin ne zaman teslim edileceğini söyler misiniz?"),
        (Lang::De, "Hallo, können Sie mir sagen, wann meine Bestellung geliefert wird?"),
        (Lang::Es, "Hola, ¿podría decirme cuándo llegará mi pedido?"),
        (Lang::Fr, "Bonjour, pourriez-vous me dire quand ma commande sera livrée ?"),
        (Lang::Zh, "你好，请问我的订单什么时候送到？"),
        (Lang::Ar, "مرحبا، متى سيصل طلبي من فضلك؟"),
    ];
    let d = detector();
    for (lang, text) in cases {
        let got = d.detect(text).map(|x| x.lang);
        assert_eq!(got, Some(lang), "{text}");
    }
}

#[test]
fn explicit_switch_in_several_languages() {
    let d = detector();
    for (text, lang) in [
        ("можно на казахском?", Lang::Kk),
        ("қазақша жазыңызшы", Lang::Kk),
        ("по-русски, пожалуйста", Lang::Ru),
        ("auf Deutsch bitte", Lang::De),
        ("请说中文", Lang::Zh),
    ] {
        let mut conv = ConversationLanguage::new(Lang::En, None);
        conv.observe(&d, "Hello, where is my parcel?");
        assert_eq!(conv.observe(&d, text).lang, lang, "{text}");
    }
}

#[test]
fn a_chosen_language_holds_until_the_customer_chooses_another() {
    let langs = journey(
        None,
        &[
            "Здравствуйте",
            "Можно на казахском?",
            "Где мой заказ? Жду уже неделю",
            "where is my order 100017",
            "Пожалуйста, по-русски",
            "Тапсырысым қайда?",
        ],
    );
    assert_eq!(langs, [Lang::Ru, Lang::Kk, Lang::Kk, Lang::Kk, Lang::Ru, Lang::Ru], "{langs:?}");
}

#[test]
fn a_short_message_in_another_script_or_with_kazakh_letters_moves_an_unchosen_language() {
    assert_eq!(journey(None, &["Здравствуйте", "where is my order 100003"])[1], Lang::En);
    assert_eq!(journey(None, &["Здравствуйте", "Тапсырысым 100012 қайда?"])[1], Lang::Kk);
    // One Latin word is not enough.
    assert_eq!(journey(None, &["Здравствуйте", "thanks"])[1], Lang::Ru);
}

#[test]
fn a_short_latin_line_does_not_move_a_russian_or_kazakh_chat() {
    // Russian typed in Latin letters is everyday chat: "ok poprobuyu" is not Turkish.
    let langs = journey(None, &["privet, zabyla parol ot akkaunta, kak vosstanovit?", "ok poprobuyu"]);
    assert_eq!(langs, [Lang::Ru, Lang::Ru], "{langs:?}");
    let langs = journey(None, &["Сәлеметсіз бе, тапсырысым қайда?", "ok tusindim"]);
    assert_eq!(langs[1], Lang::Kk, "{langs:?}");
}

#[test]
fn a_short_chinese_greeting_overrules_an_english_browser() {
    let langs = journey(Some(LanguageHint::Browser(Lang::En)), &["你好"]);
    assert_eq!(langs, [Lang::Zh], "{langs:?}");
}

#[test]
fn polish_is_not_latin_letter_russian() {
    let d = detector();
    let detection = d.detect("przepraszam, czy mogę zwrócić towar?").expect("letters");
    assert_ne!((detection.lang, detection.unsupported.is_none()), (Lang::Ru, true), "{detection:?}");
    let langs = journey(None, &["де моє замовлення 100017?", "przepraszam, czy mogę zwrócić towar?"]);
    assert_eq!(langs[1], Lang::Uk, "{langs:?}");
}

#[test]
fn uzbek_in_cyrillic_is_uzbek_not_kazakh() {
    let d = detector();
    for text in ["Салом, буюртмам қаерда? рақами 100010", "ўлчами тўғри келмади, қайтармоқчиман", "илтимос, буюртмани бекор қилинг"] {
        assert_eq!(d.detect(text).map(|x| x.lang), Some(Lang::Uz), "{text}");
    }
    for text in ["Сәлеметсіз бе, тапсырысым қайда?", "тапсырыс нөмірі 100017, қашан келеді?", "где мой заказ"] {
        assert_ne!(d.detect(text).map(|x| x.lang), Some(Lang::Uz), "{text}");
    }
}
