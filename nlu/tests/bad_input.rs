//! Whatever a customer sends, language identification answers or says "don't know" — never panics.

use komek_nlu::eval::read_jsonl;
use komek_nlu::lang::{ConversationLanguage, Lang, LanguageDetector};
use komek_nlu::NluError;

#[test]
fn texts_without_letters_have_no_language() {
    let d = LanguageDetector::default();
    for text in ["", "   \n\t ", "12345", "👍", "😡😡😡", "!!!???", "100017 / 12-345", "\u{200b}\u{200f}\u{feff}"] {
        assert_eq!(d.detect(text), None, "{text:?}");
    }
}

#[test]
fn hostile_and_odd_text_is_handled() {
    let d = LanguageDetector::default();
    let cases = [
        "<script>alert('где мой заказ')</script>",
        "'; DROP TABLE conversations; --",
        "\u{202e}заказ\u{202c} где\u{200d}мой",
        "з\u{0301}а\u{0301}каз",
        "\u{0}\u{1}\u{7f}binary\u{fffd}\u{fffd}",
        "İSTANBUL'A KARGO NE ZAMAN",
        "ǅǈǋ ﬁﬂ ẞ",
    ];
    for text in cases {
        let _ = d.detect(text);
        let _ = d.rank(text);
    }
    assert_eq!(d.detect("<script>alert('где мой заказ')</script>").map(|x| x.lang), Some(Lang::Ru));
}

#[test]
fn a_megabyte_of_text_is_judged_on_its_beginning() {
    let d = LanguageDetector::default();
    let text = "Где мой заказ? Уже неделя прошла. ".repeat(32 * 1024);
    assert!(text.len() > 1_000_000);
    assert_eq!(d.detect(&text).map(|x| x.lang), Some(Lang::Ru));
    let mut conv = ConversationLanguage::new(Lang::En, None);
    assert_eq!(conv.observe(&d, &text).lang, Lang::Ru);
    // A megabyte without a single letter.
    assert_eq!(d.detect(&"1".repeat(1 << 20)), None);
}

#[test]
fn jsonl_with_a_broken_line_names_the_line() {
    let dir = std::env::temp_dir().join(format!("komek-nlu-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.jsonl");
    std::fs::write(&path, "{\"text\": \"ok\", \"lang\": \"en\"}\n\n{\"text\": \"где\", \"lang\": \"ru\"\n").unwrap();
    match read_jsonl(&path) {
        Err(NluError::Data { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("invalid JSON"), "{message}");
        }
        other => panic!("expected a data error, got {other:?}"),
    }
    std::fs::write(&path, "{\"text\": 5}\n").unwrap();
    assert!(matches!(read_jsonl(&path), Err(NluError::Data { line: 1, .. })));
    std::fs::write(&path, b"{\"text\": \"a\"}\n\xff\xfe\n").unwrap();
    assert!(matches!(read_jsonl(&path), Err(NluError::Data { line: 2, .. })));
    assert!(matches!(read_jsonl(&dir.join("missing.jsonl")), Err(NluError::Io { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}
