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
