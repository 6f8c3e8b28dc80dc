//! The shipped NLU on messages written the way customers write: digits of other scripts, several
//! facts in one message, noise that is not a request, Russian and Kazakh in Latin letters,
//! languages the bot does not speak, emotions in chat spelling.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use komek_nlu::emotion::EmotionLabel;
use komek_nlu::eval::{evaluate_emotions, read_jsonl};
use komek_nlu::form::MessageForm;
use komek_nlu::lang::{ConversationLanguage, Lang};
use komek_nlu::parse::{EscalationReason, Parse};
use komek_nlu::Nlu;

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn nlu() -> &'static Nlu {
    static NLU: OnceLock<Nlu> = OnceLock::new();
    NLU.get_or_init(|| Nlu::load(&models_dir(), &Lang::ALL).expect("shipped models (run `komek train`)"))
}

fn parse(text: &str) -> Parse {
    nlu().parse(text, None)
}

fn values(p: &Parse, kind: &str) -> Vec<String> {
    p.entities.iter().filter(|e| e.kind == kind).map(|e| e.value.clone()).collect()
}

#[test]
fn order_numbers_in_other_scripts_are_read() {
    for (text, want) in [
        ("你好，我的订单100017到哪了？", "100017"),
        ("طلبي رقم ١٠٠٠٢٤ متى يوصل؟", "100024"),
        ("заказ １００１７５ где", "100175"),
        ("сипариш ۱۰۰۰۲۴", "100024"),
        ("нөмірі 100 031", "100031"),
        ("订单号100017", "100017"),
        ("No. 100-017", "100017"),
    ] {
        let p = parse(text);
        assert_eq!(values(&p, "order_id"), [want], "{text}");
    }
    assert_eq!(parse("你好，我的订单100017到哪了？").intent.name, "order_status");
}

#[test]
fn everything_in_one_message_is_found() {
    let p = parse("change delivery address for order 100030 to 12 Abay ave apt 5, Almaty");
    assert_eq!(p.intent.name, "change_address");
    assert_eq!(values(&p, "order_id"), ["100030"]);
    assert_eq!(values(&p, "address"), ["12 Abay ave apt 5, Almaty"]);
    let p = parse("номер не помню, могу телефон дать 8 701 555 66 77");
    assert_eq!(values(&p, "phone"), ["+77015556677"]);
    assert!(values(&p, "order_id").is_empty());
    let p = parse("где мои заказы 100017 и 100024?");
    assert_eq!(values(&p, "order_id"), ["100017", "100024"], "all orders, for a 'which one?'");
}

#[test]
fn an_answer_to_the_bots_question_is_read_as_such() {
    let p = nlu().parse_expecting("100 017", Some(Lang::Ru), Some("order_id"));
    assert_eq!(values(&p, "order_id"), ["100017"]);
    assert!(values(&parse("100 017"), "order_id").is_empty(), "without the question, two numbers");
}

#[test]
fn noise_is_not_a_request() {
    let noise = [
        ("<script>alert(1)</script>", MessageForm::Markup),
        ("**bold** and _italic_", MessageForm::Markup),
        (
            "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:4:37\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            MessageForm::Code,
        ),
        ("Exception in thread \"main\" java.lang.NullPointerException\n\tat com.shop.OrderManager.cancel(OrderManager.java:42)", MessageForm::Code),
        ("asdfghjkl", MessageForm::Mash),
        ("фывапролдж", MessageForm::Mash),
        ("https://bit.ly/3xYz", MessageForm::Link),
    ];
    for (text, form) in noise {
        let p = parse(text);
        assert_eq!(p.form, form, "{text}");
        assert_eq!(p.intent.name, "oos", "{text}");
        assert!(!p.escalate.needed, "{text}: {:?}", p.escalate);
        assert_ne!(p.emotion.label, EmotionLabel::Angry, "{text}");
    }
    let p = parse("😡😡😡");
    assert_eq!((p.form, p.emotion.label), (MessageForm::Emoji, EmotionLabel::Angry));
    assert_eq!(parse("😢").emotion.label, EmotionLabel::Upset);
    assert_eq!(parse("где мой заказ 100017?").form, MessageForm::Text);
    // A request in markup is still a request for a person.
    assert_eq!(parse("<b>позовите оператора</b>").intent.name, "human_agent");
}

#[test]
fn russian_and_kazakh_in_latin_letters() {
    let examples = read_jsonl(&data("romanized.jsonl")).unwrap();
    let (mut right, mut total) = (0, 0);
    for e in &examples {
        let gold = Lang::from_code(e.lang.as_deref().unwrap()).unwrap();
        let p = parse(&e.text);
        if matches!(gold, Lang::Ru | Lang::Kk) {
            total += 1;
            right += usize::from(p.lang.code == gold && p.lang.romanized);
        } else {
            assert!(!p.lang.romanized, "{} is {gold}, not romanized ({:?})", e.text, p.lang);
        }
    }
    assert!(right * 100 >= total * 85, "romanized Russian and Kazakh recognised: {right}/{total}");
    let p = parse("salem, tapsyrysym qashan keledi? nomeri 100017");
    assert_eq!((p.lang.code, p.lang.romanized), (Lang::Kk, true));
    assert_eq!(p.intent.name, "order_status");
    assert_eq!(values(&p, "order_id"), ["100017"]);
    assert!(!p.escalate.needed, "{:?}", p.escalate);
    // Cue words are read through the Cyrillic: a Latin-letter request for a person is one.
    let p = parse("pozovite operatora pozhaluysta");
    assert_eq!((p.lang.code, p.intent.name.as_str()), (Lang::Ru, "human_agent"));
}

#[test]
fn the_intent_model_reads_latin_letters_and_kazakh_without_its_letters() {
    let examples = read_jsonl(&data("romanized_intents.jsonl")).unwrap();
    let right = examples.iter().filter(|e| parse(&e.text).intent.name == *e.intent.as_ref().unwrap()).count();
    assert!(right * 100 >= examples.len() * 90, "{right}/{}", examples.len());
}

#[test]
fn kazakh_typed_with_russian_letters_is_kazakh() {
    for text in ["салем, тапсырысым кашан келеди?", "менин заказым кайда?", "рахмет, тусиндим"] {
        assert_eq!(parse(text).lang.code, Lang::Kk, "{text}");
    }
    for text in ["где мой заказ", "спасибо, понял", "можно вернуть товар?"] {
        assert_eq!(parse(text).lang.code, Lang::Ru, "{text}");
    }
}

#[test]
fn languages_the_bot_does_not_speak_are_named() {
    for (text, code) in [
        ("注文した商品はいつ届きますか？", "ja"),
        ("제 주문은 언제 도착하나요?", "ko"),
        ("मेरा ऑर्डर कब आएगा?", "hi"),
        ("מתי תגיע ההזמנה שלי?", "he"),
        ("როდის მოვა ჩემი შეკვეთა?", "ka"),
        ("Երբ կհասնի իմ պատվերը", "hy"),
        ("Πότε θα φτάσει η παραγγελία μου;", "el"),
        ("คำสั่งซื้อของฉันจะมาถึงเมื่อไหร่", "th"),
        ("Саламатсызбы, менин буйрутмам качан келет?", "ky"),
        ("Ciao, quando arriva il mio ordine? Grazie mille", "it"),
        ("Dzień dobry, gdzie jest moje zamówienie?", "pl"),
        ("سلام، سفارش من کی می‌رسد؟ لطفا پیگیری کنید", "fa"),
    ] {
        let p = nlu().parse(text, Some(Lang::Ru));
        assert_eq!(p.lang.unsupported.as_deref(), Some(code), "{text}");
        assert_eq!(p.lang.code, Lang::Ru, "{text}: the channel's language, not the nearest one");
        assert_eq!(p.intent.name, "oos", "{text}");
        assert!(!p.escalate.needed, "{text}");
    }
    // Nothing the bot speaks is called foreign.
    for file in ["romanized_intents.jsonl", "emotion_chat_dev.jsonl"] {
        for e in read_jsonl(&data(file)).unwrap() {
            assert_eq!(parse(&e.text).lang.unsupported, None, "{}", e.text);
        }
    }
    // And a conversation does not move to the nearest language.
    let mut conv = ConversationLanguage::new(Lang::Ru, None);
    nlu().observe_language(&mut conv, "здравствуйте, где мой заказ?", None);
    let d = nlu().observe_language(&mut conv, "注文した商品はいつ届きますか？", None);
    assert_eq!((d.lang, d.changed), (Lang::Ru, false));
}

#[test]
fn an_address_or_a_number_does_not_move_the_conversation() {
    let mut conv = ConversationLanguage::new(Lang::Ru, None);
    assert_eq!(nlu().observe_language(&mut conv, "здравствуйте, хочу изменить адрес доставки", None).lang, Lang::Ru);
    for text in ["г. Астана, ул. Кенесары 40, кв 15", "Кенесары 40", "100017", "Айгерим Сапарова"] {
        let d = nlu().observe_language(&mut conv, text, Some("address"));
        assert_eq!((d.lang, d.changed), (Lang::Ru, false), "{text}");
    }
    // A clear sentence in another language still switches.
    let d = nlu().observe_language(&mut conv, "Тапсырысым қашан келеді, айтыңызшы?", None);
    assert_eq!(d.lang, Lang::Kk);
}

#[test]
fn intents_carry_their_action_thresholds() {
    let n = nlu();
    for label in n.intents.labels.iter().filter(|l| *l != "oos") {
        let t = n.intents.threshold(label).unwrap_or_else(|| panic!("{label} has no threshold"));
        assert!((0.4..=0.9).contains(&t), "{label}: {t}");
    }
    let p = parse("хочу отменить заказ 100017");
    assert_eq!(p.intent.threshold, n.intents.threshold(&p.intent.name));
    assert!(p.ranking.iter().all(|r| r.name == "oos" || r.threshold.is_some()));
    // Acting on a careful intent needs more confidence than on a routine one.
    let t = |name: &str| n.intents.threshold(name).unwrap();
    assert!(t("cancel_order") > t("order_status"), "{} vs {}", t("cancel_order"), t("order_status"));
}

#[test]
fn emotion_in_chat_messages() {
    let examples = read_jsonl(&data("emotion_chat_dev.jsonl")).unwrap();
    let report = evaluate_emotions(&examples, |t| parse(t).emotion.label);
    assert!(report.negative_f1 >= 0.9, "negative-emotion F1 {:.3} on the development chat set", report.negative_f1);
    let p = parse("шо за бардак, вже місяць чекаю замовлення 100017!!! дайте менеджера");
    assert_eq!(p.emotion.label, EmotionLabel::Angry);
    assert_eq!(p.intent.name, "human_agent");
}

#[test]
fn a_polite_request_for_a_person_is_not_angry() {
    for text in [
        "kann ich mit nem echten Mitarbeiter sprechen?",
        "можно поговорить с живым оператором?",
        "позовите, пожалуйста, менеджера",
        "оператормен сөйлессем бола ма?",
        "can I talk to a real person please?",
        "можна поговорити з оператором?",
        "operator bilan gaplashsam bo'ladimi?",
        "bir temsilciyle görüşebilir miyim lütfen?",
        "¿puedo hablar con una persona, por favor?",
        "je peux parler à un conseiller s'il vous plaît ?",
        "可以转人工客服吗？",
        "ممكن أتكلم مع موظف خدمة العملاء؟",
    ] {
        let p = parse(text);
        assert_eq!(p.intent.name, "human_agent", "{text}");
        assert_eq!(p.emotion.label, EmotionLabel::Neutral, "{text}: {:?}", p.emotion);
        assert_eq!(p.escalate.reason, Some(EscalationReason::CustomerRequest), "{text}");
    }
}

#[test]
fn the_strong_emotion_threshold_comes_from_the_policy() {
    let mut n = Nlu::load(&models_dir(), &Lang::ALL).unwrap();
    assert_eq!(n.strong_emotion, Some(0.75), "models/content/handoff-policy.toml");
    let furious = "ВЫ МОШЕННИКИ!!! ВЕРНИТЕ ДЕНЬГИ, ОБМАНЩИКИ";
    assert_eq!(n.parse(furious, None).escalate.reason, Some(EscalationReason::NegativeEmotion));
    n.set_strong_emotion(1.01);
    assert_ne!(n.parse(furious, None).escalate.reason, Some(EscalationReason::NegativeEmotion));
}

#[test]
fn a_parse_from_before_the_new_fields_still_reads() {
    let old = r#"{"lang":{"code":"ru","confidence":0.9},"intent":{"name":"order_status","confidence":0.8},
        "ranking":[{"name":"order_status","confidence":0.8}],"entities":[],
        "emotion":{"label":"neutral","score":1.0},"escalate":{"needed":false}}"#;
    let p: Parse = serde_json::from_str(old).unwrap();
    assert_eq!((p.form, p.lang.romanized, p.lang.unsupported, p.intent.threshold), (MessageForm::Text, false, None, None));
}
