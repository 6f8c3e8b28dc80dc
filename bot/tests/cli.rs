//! The `komek` command line as a user runs it.

use std::process::{Command, Output};

fn komek(args: &[&str]) -> Output {
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/../models");
    Command::new(env!("CARGO_BIN_EXE_komek")).args(args).env("KOMEK_MODELS", models).output().expect("run komek")
}

fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("komek-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn parse_prints_the_language_as_json() {
    let out = komek(&["nlu", "parse", "Заказым қашан келеді?"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lang"]["code"], "kk");
    assert!(v["lang"]["confidence"].as_f64().unwrap() > 0.5);
}

#[test]
fn parse_without_letters_falls_back_to_the_hint() {
    let out = komek(&["nlu", "parse", "👍", "--lang-hint", "kk"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lang"]["code"], "kk");
    let out = komek(&["nlu", "parse", "ok", "--lang-hint", "xx"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("xx"));
}

#[test]
fn eval_lang_reports_accuracy_per_language_and_kind() {
    let path = temp_file(
        "lang.jsonl",
        concat!(
            "{\"text\": \"Где мой заказ?\", \"lang\": \"ru\", \"kind\": \"sentence\"}\n",
            "{\"text\": \"Тапсырысым қайда?\", \"lang\": \"kk\", \"kind\": \"sentence\"}\n",
            "{\"text\": \"Where is my order?\", \"lang\": \"en\", \"kind\": \"sentence\"}\n",
            "{\"text\": \"Hola\", \"lang\": \"xx\"}\n",
        ),
    );
    let out = komek(&["nlu", "eval-lang", "--test", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["n"], 3);
    assert_eq!(v["accuracy"], 1.0);
    assert_eq!(v["per_language"]["kk"]["n"], 1);
    assert_eq!(v["per_kind"]["sentence"]["n"], 3);
    assert_eq!(v["skipped"], 1);
    assert!(v["p50_us"].as_f64().is_some() && v["p99_us"].as_f64().is_some());
}

#[test]
fn eval_lang_names_the_broken_line() {
    let path = temp_file("broken.jsonl", "{\"text\": \"ok\", \"lang\": \"en\"}\n{\"text\": oops}\n");
    let out = komek(&["nlu", "eval-lang", "--test", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.jsonl:2"), "{stderr}");
    assert!(stderr.contains("invalid JSON"), "{stderr}");
}

#[test]
fn help_lists_the_commands() {
    let out = komek(&["--help"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "train", "check", "nlu"] {
        assert!(stdout.contains(command), "{stdout}");
    }
}

#[test]
fn serve_refuses_a_bad_address() {
    let out = Command::new(env!("CARGO_BIN_EXE_komek"))
        .env("KOMEK_ADDR", "not-an-address")
        .env("KOMEK_MODELS", concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("KOMEK_ADDR"));
}

/// `komek customer export` and `erase` on a database a service wrote: the export holds what the
/// customer gave and said; after the erase neither the export nor the database's files (free pages
/// and WAL included) hold a byte of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_export_and_erase_from_the_command_line() {
    const NAME: &str = "Quxotbekova Zhanar";
    const WORDS: &str = "посылка Quxotbekova-7319 не пришла";
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("komek.db").display());
    let models = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"));
    let running = komek::server::start(&komek::config::Config::local(url.clone(), models)).await.expect("starts");
    let http = reqwest::Client::new();
    let base = format!("http://{}", running.addr);
    let body = serde_json::json!({"locale": "ru", "customer": {"name": NAME, "email": "quxotbekova@example.kz"}});
    let session: serde_json::Value = http.post(format!("{base}/api/v1/chat/sessions")).json(&body).send().await.unwrap().json().await.unwrap();
    let customer = session["customer_id"].as_str().expect("customer_id").to_string();
    let r = http
        .post(format!("{base}/api/v1/chat/sessions/{}/messages", session["session_id"].as_str().unwrap()))
        .bearer_auth(session["token"].as_str().unwrap())
        .json(&serde_json::json!({"text": WORDS}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    running.shutdown().await.unwrap();

    let stored = |needle: &str| {
        std::fs::read_dir(dir.path()).unwrap().flatten().any(|f| {
            let bytes = std::fs::read(f.path()).unwrap_or_default();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
    };
    assert!(stored(NAME) && stored("Quxotbekova-7319"), "the check sees the database's bytes");

    let out = komek(&["customer", "export", &customer, "--database-url", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let export = String::from_utf8(out.stdout).unwrap();
    assert!(export.contains(NAME) && export.contains(WORDS) && export.contains("quxotbekova@example.kz"), "{export}");
    let out = komek(&["customer", "export", "c_nobody", "--database-url", &url]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no customer c_nobody"));

    let out = komek(&["customer", "erase", &customer, "--database-url", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = komek(&["customer", "export", &customer, "--database-url", &url]);
    assert!(out.status.success());
    let export = String::from_utf8(out.stdout).unwrap();
    assert!(!export.contains("Quxotbekova") && !export.contains("quxotbekova") && export.contains("erased_at"), "{export}");
    for needle in ["Quxotbekova", "quxotbekova@example.kz", "Zhanar"] {
        assert!(!stored(needle), "{needle:?} is still in the database's files");
    }
    let out = komek(&["customer", "erase", "c_nobody", "--database-url", &url]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no customer c_nobody"));
}
