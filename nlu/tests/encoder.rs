//! The encoder featuriser on a tiny, randomly initialised BERT built here in a temp folder (no
//! download): the local-folder loading path, vector properties, odd input, clear load errors, and
//! training the intent head over it. A random encoder says nothing about accuracy, so none is asserted.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use komek_nlu::NluError;
use komek_nlu::intent::{EncoderFeaturizer, Featurizer, IntentModel, Labelled, TrainConfig};
use tokenizers::models::TrainerWrapper;
use tokenizers::models::wordpiece::{WordPiece, WordPieceTrainer};
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{AddedToken, Tokenizer};

const HIDDEN: usize = 32;

/// Text for the tokenizer to learn a vocabulary from: Kazakh, Russian and English support talk.
const CORPUS: &[&str] = &[
    "Сәлеметсіз бе, менің тапсырысым қайда?",
    "Тапсырысымды қалай қайтаруға болады?",
    "Ақшаны қашан қайтарасыздар?",
    "Жеткізу қанша уақыт алады?",
    "Картаммен төлей алмай жатырмын.",
    "Операторға қосыңызшы, өтінемін.",
    "Рақмет, бәрі түсінікті болды.",
    "Құпия сөзімді ұмытып қалдым.",
    "Өнім сапасы нашар, шағым түсіргім келеді.",
    "Дүкен нешеде ашылады?",
    "Здравствуйте, где мой заказ?",
    "Как вернуть товар и получить деньги?",
    "Когда придёт возврат средств?",
    "Сколько стоит доставка в Алматы?",
    "Не проходит оплата картой.",
    "Соедините меня с оператором, пожалуйста.",
    "Спасибо, всё понятно.",
    "Я забыл пароль от личного кабинета.",
    "Хочу оставить жалобу на качество.",
    "Во сколько открывается магазин?",
    "Hello, where is my order?",
    "How do I return an item and get a refund?",
    "When will the refund arrive?",
    "How long does delivery take?",
    "My card payment keeps failing.",
    "Please connect me to a human agent.",
    "Thanks, that answers my question.",
    "I forgot my password.",
    "I want to complain about the quality.",
    "What time does the shop open?",
];

/// A temp folder removed on drop, so a failing test cleans up too.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("komek-encoder-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Trains a WordPiece tokenizer on [`CORPUS`] and saves it as `dir/tokenizer.json`; returns its
/// vocabulary size.
fn write_tokenizer(dir: &Path) -> usize {
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, CORPUS.join("\n")).unwrap();
    let mut tokenizer = Tokenizer::new(WordPiece::default());
    // strip_accents = Some(false): `None` follows `lowercase` and would turn қ ә ө ү into к а о у.
    tokenizer.with_normalizer(Some(BertNormalizer::new(true, true, Some(false), true))).unwrap();
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(|t| AddedToken::from(t, true)).to_vec();
    let mut trainer: TrainerWrapper =
        WordPieceTrainer::builder().vocab_size(400).show_progress(false).special_tokens(specials).build().into();
    tokenizer.train_from_files(&mut trainer, vec![corpus.to_string_lossy().into_owned()]).unwrap();
    let id = |t: &str| tokenizer.token_to_id(t).unwrap();
    let processor = BertProcessing::new(("[SEP]".into(), id("[SEP]")), ("[CLS]".into(), id("[CLS]")));
    tokenizer.with_post_processor(Some(processor));
    tokenizer.save(dir.join("tokenizer.json"), false).unwrap();
    std::fs::remove_file(corpus).unwrap();
    tokenizer.get_vocab_size(true)
}

/// A tiny random BERT (hidden 32, 2 layers, 2 heads) with its tokenizer, in a fresh temp folder.
fn tiny_encoder(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let vocab_size = write_tokenizer(&dir.0);
    let config_json = serde_json::json!({
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": HIDDEN,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "max_position_embeddings": 128,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "classifier_dropout": null
    });
    std::fs::write(dir.0.join("config.json"), serde_json::to_string_pretty(&config_json).unwrap()).unwrap();
    let config: Config = serde_json::from_value(config_json).unwrap();
    // Loading through a VarMap creates every tensor the model asks for, randomly initialised.
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    BertModel::load(vb, &config).unwrap();
    varmap.save(dir.0.join("model.safetensors")).unwrap();
    dir
}

fn load(dir: &Path) -> EncoderFeaturizer {
    match EncoderFeaturizer::load(dir) {
        Ok(f) => f,
        Err(e) => panic!("loading {}: {e}", dir.display()),
    }
}

fn load_err(dir: &Path) -> NluError {
    match EncoderFeaturizer::load(dir) {
        Ok(_) => panic!("{} loaded but should not have", dir.display()),
        Err(e) => e,
    }
}

/// Checks the shape of a feature vector and returns its dense values and norm.
fn check(f: &EncoderFeaturizer, text: &str) -> (Vec<f32>, f32) {
    let features = f.features(text);
    assert_eq!(features.len(), HIDDEN, "every index for {text:?}");
    assert!(features.iter().enumerate().all(|(i, (j, _))| i as u32 == *j), "indices 0..dim in order");
    assert!(features.iter().all(|(_, v)| v.is_finite()), "finite features for {text:?}");
    let values: Vec<f32> = features.into_iter().map(|(_, v)| v).collect();
    let norm = values.iter().map(|v| v * v).sum::<f32>().sqrt();
    (values, norm)
}

#[test]
fn tokenizer_keeps_kazakh_letters() {
    let dir = tiny_encoder("kazakh");
    let tokenizer = Tokenizer::from_file(dir.0.join("tokenizer.json")).unwrap();
    let encoding = tokenizer.encode("Сәлеметсіз бе, тапсырысым қайда?", true).unwrap();
    let tokens = encoding.get_tokens();
    assert!(!tokens.iter().any(|t| t == "[UNK]"), "{tokens:?}");
    assert!(tokens.iter().any(|t| t.contains('ә')) && tokens.iter().any(|t| t.contains('қ')), "{tokens:?}");
}

#[test]
fn features_are_normalised_and_distinct() {
    let dir = tiny_encoder("vectors");
    let f = load(&dir.0);
    assert_eq!(f.dim(), HIDDEN);
    assert_eq!(f.kind(), "encoder");
    let texts = ["Менің тапсырысым қайда?", "Где мой заказ?", "Where is my order?", "Рақмет!"];
    let vectors: Vec<Vec<f32>> = texts
        .iter()
        .map(|t| {
            let (v, norm) = check(&f, t);
            assert!((norm - 1.0).abs() < 1e-4, "norm {norm} for {t:?}");
            v
        })
        .collect();
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            let diff: f32 = vectors[i].iter().zip(&vectors[j]).map(|(a, b)| (a - b).abs()).sum();
            assert!(diff > 1e-3, "{:?} and {:?} gave the same vector", texts[i], texts[j]);
        }
    }
    assert_eq!(check(&f, texts[0]).0, vectors[0], "the same text gives the same vector");
}

#[test]
fn odd_input_does_not_panic() {
    let dir = tiny_encoder("odd");
    let f = load(&dir.0);
    let huge = "Тапсырысым қайда? Где заказ? ".repeat(5000);
    let long_word = "қ".repeat(10_000);
    let odd = [
        "",
        "   \n\t ",
        "\u{0}\u{1}\u{7f}",
        "?!…—",
        "😀🙏🏽👍",
        "日本語のテキスト",
        "ق ق ق",
        "\u{200b}\u{feff}\u{202e}",
        huge.as_str(),
        long_word.as_str(),
    ];
    for text in odd {
        let (_, norm) = check(&f, text);
        // Special tokens alone still pool to a unit vector; zeros are the documented fallback.
        assert!((norm - 1.0).abs() < 1e-4 || norm == 0.0, "norm {norm} for {:?}", text.get(..40).unwrap_or(text));
    }
}

#[test]
fn missing_or_invalid_files_give_clear_errors() {
    let nowhere = std::env::temp_dir().join(format!("komek-encoder-{}-does-not-exist", std::process::id()));
    let e = load_err(&nowhere);
    assert!(matches!(e, NluError::Model(_)) && e.to_string().contains("config.json"), "{e}");

    let dir = tiny_encoder("errors");
    for name in ["config.json", "model.safetensors", "tokenizer.json"] {
        let path = dir.0.join(name);
        let saved = std::fs::read(&path).unwrap();

        std::fs::remove_file(&path).unwrap();
        let e = load_err(&dir.0);
        assert!(matches!(e, NluError::Model(_)), "{name} missing: {e:?}");
        assert!(e.to_string().contains(name) && e.to_string().contains("missing"), "{name} missing: {e}");

        std::fs::write(&path, b"{ not what it should be").unwrap();
        let e = load_err(&dir.0);
        assert!(matches!(e, NluError::Model(_)), "{name} invalid: {e:?}");
        assert!(e.to_string().contains(name), "{name} invalid: {e}");

        std::fs::write(&path, saved).unwrap();
    }

    // Weights that do not match the config (another hidden size) name the weights file.
    let config_path = dir.0.join("config.json");
    let config = std::fs::read_to_string(&config_path).unwrap();
    std::fs::write(&config_path, config.replace("\"hidden_size\": 32", "\"hidden_size\": 48")).unwrap();
    let e = load_err(&dir.0);
    assert!(e.to_string().contains("model.safetensors"), "{e}");

    // XLM-RoBERTa weights would load into BertModel but mean something else.
    std::fs::write(&config_path, config.replace("\"bert\"", "\"xlm-roberta\"")).unwrap();
    let e = load_err(&dir.0);
    assert!(e.to_string().contains("config.json") && e.to_string().contains("xlm-roberta"), "{e}");

    std::fs::write(&config_path, config).unwrap();
    load(&dir.0);
}

#[test]
fn intent_model_trains_over_the_encoder() {
    let dir = tiny_encoder("intent");
    let f = load(&dir.0);
    let data: Vec<Labelled> = [
        ("order_status", "Менің тапсырысым қайда?"),
        ("order_status", "Где мой заказ?"),
        ("order_status", "Where is my order?"),
        ("order_status", "Жеткізу қанша уақыт алады?"),
        ("refund", "Ақшаны қашан қайтарасыздар?"),
        ("refund", "Когда придёт возврат средств?"),
        ("refund", "How do I get a refund?"),
        ("refund", "Как вернуть товар?"),
        ("human", "Операторға қосыңызшы."),
        ("human", "Соедините с оператором."),
        ("human", "Please connect me to a human agent."),
    ]
    .into_iter()
    .map(|(label, text)| Labelled { text: text.into(), label: label.into() })
    .collect();
    let config = TrainConfig { epochs: 30, hidden: 0, ..Default::default() };
    let model = IntentModel::train_with(Box::new(f), &data, &config, &mut |_, _| {}).unwrap();
    assert_eq!(model.labels, ["human", "order_status", "refund"]);
    assert_eq!(model.featurizer.kind(), "encoder");
    for text in ["Тапсырысым қайда?", "Верните деньги", "I need a person", ""] {
        let p = model.predict(text);
        assert!(model.labels.contains(&p.name), "{text:?} → {}", p.name);
        assert!(p.confidence.is_finite() && p.confidence > 0.0 && p.confidence <= 1.0, "{text:?}: {}", p.confidence);
        assert_eq!(p.ranking.len(), 3);
    }
}
