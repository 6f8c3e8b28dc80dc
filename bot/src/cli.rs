//! Command line interface (see `../shared/design/API.md` for the stable commands).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use komek_nlu::emotion::{judge, model_probabilities};
use komek_nlu::eval::{
    Example, IntentEvalReport, LangEvalReport, emotion_gold, evaluate_detector, evaluate_emotions, evaluate_intents, read_jsonl,
    xed_is_test,
};
use komek_nlu::intent::shipped::public_benchmark_config;
use komek_nlu::intent::{IntentModel, Labelled, NgramConfig, TrainConfig};
use komek_nlu::Nlu;
use komek_nlu::lang::{Lang, LanguageDetector, parse_language_list};

use crate::agents::AgentRole;
use crate::config::{Config, DEFAULT_DATABASE_URL, DEFAULT_LANGUAGES, DEFAULT_MODELS};
use crate::dialogue::responses::Responses;
use crate::models::{ModelPaths, TrainOutcome, train_if_needed};
use serde_json::json;

#[derive(Parser)]
#[command(name = "komek", version, about = "Komek: multilingual customer-support chatbot with human handoff")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// `komek` alone serves, with the settings of `komek serve`.
    #[command(flatten)]
    serve: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the service (the default).
    Serve(Config),
    /// Trains the NLU artifacts from the content in the models folder (skipped when unchanged).
    Train {
        /// Train even if the artifacts match the content.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Validates the content in the models folder (intents, examples, cues, entities, replies) and
    /// prints what it holds.
    Check {
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Language understanding tools.
    Nlu {
        #[command(subcommand)]
        command: NluCommand,
    },
    /// Agent accounts.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// A customer's personal data (also `GET /api/v1/customers/{id}/export` and `DELETE …/{id}`,
    /// which a running service should be asked instead: it also drops what it has cached).
    Customer {
        #[command(subcommand)]
        command: CustomerCommand,
    },
    /// Conversation quality: automatic effort and the QA scorecard of every conversation.
    Quality {
        #[command(subcommand)]
        command: QualityCommand,
    },
}

#[derive(Subcommand)]
enum QualityCommand {
    /// Scores the conversations of the last N days that have no scorecard of their latest events
    /// (a running service does this by itself as conversations end).
    Backfill {
        #[arg(long, default_value_t = 3650)]
        days: u32,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
        #[arg(long, env = "KOMEK_LANGUAGES", default_value = DEFAULT_LANGUAGES)]
        languages: String,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Writes the scorecards of the last N days as CSV, worst first.
    Export {
        #[arg(long)]
        csv: PathBuf,
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum CustomerCommand {
    /// Prints everything stored about the customer as JSON.
    Export {
        id: String,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Erases the customer's personal data on every linked channel; analytics counts stay.
    Erase {
        id: String,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

/// The models folder (content and artifacts), shared by every command that reads it.
#[derive(clap::Args)]
struct ModelsArg {
    #[arg(long = "models", env = "KOMEK_MODELS", default_value = DEFAULT_MODELS)]
    path: PathBuf,
}

/// The evaluation file and the report's form, shared by the `eval-*` commands.
#[derive(clap::Args)]
struct EvalFile {
    /// The JSONL file to evaluate on.
    #[arg(long)]
    test: PathBuf,
    /// Print one JSON object as the last line.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Creates an agent; the password is the first line of stdin (no prompt when stdin is not a
    /// terminal), hashed with Argon2id.
    Add {
        #[arg(long)]
        username: String,
        /// Languages the agent works in, e.g. ru,kk,en.
        #[arg(long)]
        languages: String,
        #[arg(long, value_enum, default_value_t = AgentRole::Agent)]
        role: AgentRole,
        /// Conversations the agent takes at once.
        #[arg(long, default_value_t = 3)]
        capacity: u32,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

#[derive(Subcommand)]
enum NluCommand {
    /// Prints the parse of TEXT as JSON.
    Parse {
        text: String,
        /// A language hint from the channel (e.g. Telegram language_code or a browser locale).
        #[arg(long)]
        lang_hint: Option<String>,
        /// Supported languages, comma-separated; the first is the default.
        #[arg(long, env = "KOMEK_LANGUAGES", default_value = DEFAULT_LANGUAGES)]
        languages: String,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Evaluates intent classification on a JSONL file ({"text", "lang"?, "intent"}).
    EvalIntent {
        /// Train a fresh model on this file (in memory) instead of using the shipped one.
        #[arg(long)]
        train: Option<PathBuf>,
        /// Development data: the only data used for calibration (temperature, out-of-scope threshold).
        #[arg(long, requires = "train")]
        dev: Option<PathBuf>,
        #[command(flatten)]
        eval: EvalFile,
        /// Write the misclassified lines to this JSONL file.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Training settings (defaults depend on the size of the training file).
        #[arg(long)]
        epochs: Option<usize>,
        #[arg(long)]
        lr: Option<f64>,
        #[arg(long)]
        batch: Option<usize>,
        #[arg(long)]
        l2: Option<f64>,
        /// Hidden layer width (0: linear).
        #[arg(long)]
        hidden: Option<usize>,
        #[arg(long)]
        dropout: Option<f32>,
        /// Heads trained with different seeds and averaged.
        #[arg(long)]
        members: Option<usize>,
        /// Repeat out-of-scope training lines this many times.
        #[arg(long, default_value_t = 1)]
        oos_repeat: usize,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Trains the emotion model (models/emotion) from public emotion data (GoEmotions train and
    /// the 80% training part of XED) and neutral lines in every language from the content.
    TrainEmotion {
        /// Folder holding goemotions/ and xed/ (e.g. ../shared/data).
        #[arg(long)]
        data: PathBuf,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Evaluates emotion (negative-emotion F1) on an emotion data file; XED lines are limited to
    /// their test part. Prints the product (cues + model) beside cues alone and the model alone.
    EvalEmotion {
        #[command(flatten)]
        eval: EvalFile,
        #[command(flatten)]
        models: ModelsArg,
    },
    /// Evaluates language identification on a JSONL file ({"text", "lang", "kind"?}).
    EvalLang {
        #[command(flatten)]
        eval: EvalFile,
        /// Write the misclassified lines to this JSONL file.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Supported languages, comma-separated; lines in other languages are skipped.
        #[arg(long, env = "KOMEK_LANGUAGES", default_value = DEFAULT_LANGUAGES)]
        languages: String,
    },
}

pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(config)) => serve(config),
        Some(Command::Nlu { command }) => run_nlu(command),
        Some(Command::Agent { command }) => run_agent(command),
        Some(Command::Customer { command }) => run_customer(command),
        Some(Command::Quality { command }) => run_quality(command),
        Some(Command::Check { models }) => check_content(&ModelPaths::new(models.path)),
        Some(Command::Train { force, models }) => {
            let paths = ModelPaths::new(models.path);
            match train_if_needed(&paths, force, true)? {
                TrainOutcome::UpToDate { hash } => {
                    println!("intent model is up to date with the content ({}); nothing to train", &hash[..12]);
                }
                TrainOutcome::Trained { seconds, bytes } => println!(
                    "trained the intent model in {seconds:.1}s; {} ({:.1} MB)",
                    paths.intent().display(),
                    bytes as f64 / 1e6
                ),
            }
            Ok(())
        }
    }
}

fn run_nlu(command: NluCommand) -> anyhow::Result<()> {
    match command {
        NluCommand::Parse { text, lang_hint, languages, models } => {
            let languages = parse_language_list(&languages)?;
            let hint = match lang_hint.as_deref() {
                Some(h) => Some(Lang::from_code(h).with_context(|| format!("unsupported --lang-hint {h:?}"))?),
                None => None,
            };
            let paths = ModelPaths::new(models.path);
            train_if_needed(&paths, false, true)?;
            let nlu = Nlu::load(&paths.root, &languages)?;
            println!("{}", serde_json::to_string_pretty(&nlu.parse(&text, hint))?);
            Ok(())
        }
        NluCommand::EvalIntent { train, dev, eval: EvalFile { test, json }, errors, epochs, lr, batch, l2, hidden, dropout, members, oos_repeat, models } => {
            let test = read_jsonl(&test)?;
            let Some(train) = train else {
                // The shipped model, judged as the bot uses it (intent model plus request cues).
                let paths = ModelPaths::new(models.path);
                train_if_needed(&paths, false, true)?;
                let nlu = Nlu::load(&paths.root, &Lang::ALL)?;
                let report = evaluate_intents(&test, |t| nlu.parse(t, None).intent.name);
                write_errors(errors.as_deref(), &report.errors)?;
                return print_intent_report(&report, json);
            };
            let mut train: Vec<Labelled> = labelled(read_jsonl(&train)?);
            // Out-of-scope examples are few; repeating them weighs them up in training.
            let oos: Vec<Labelled> = train.iter().filter(|l| l.label == "oos").cloned().collect();
            for _ in 1..oos_repeat.max(1) {
                train.extend(oos.iter().cloned());
            }
            let started = std::time::Instant::now();
            let base = public_benchmark_config(train.len());
            let config = TrainConfig {
                epochs: epochs.unwrap_or(base.epochs),
                learning_rate: lr.unwrap_or(base.learning_rate),
                batch_size: batch.unwrap_or(base.batch_size),
                l2: l2.unwrap_or(base.l2),
                hidden: hidden.unwrap_or(base.hidden),
                dropout: dropout.unwrap_or(base.dropout),
                members: members.unwrap_or(base.members),
                ..base
            };
            let mut model = IntentModel::train(&train, NgramConfig::default(), &config, &mut |e, n| {
                eprint!("\rtraining: {e}/{n}");
            })?;
            eprintln!();
            if let Some(dev) = dev {
                let dev_examples = read_jsonl(&dev)?;
                model.calibrate(&labelled(dev_examples.clone()));
                let d = evaluate_intents(&dev_examples, |t| model.predict(t).name);
                eprintln!(
                    "development data after calibration: accuracy {:.2}%, in-scope {:.2}%, out-of-scope recall {:.2}%",
                    d.accuracy * 100.0,
                    d.in_scope_accuracy.unwrap_or(d.accuracy) * 100.0,
                    d.oos_recall.unwrap_or(0.0) * 100.0
                );
            }
            let train_seconds = started.elapsed().as_secs_f64();
            let mut report = evaluate_intents(&test, |t| model.predict(t).name);
            report.train_seconds = Some(train_seconds);
            eprintln!("temperature {:.2}, out-of-scope threshold {:.3} on {:?}", model.temperature, model.oos_threshold, model.oos_score);
            write_errors(errors.as_deref(), &report.errors)?;
            print_intent_report(&report, json)
        }
        NluCommand::TrainEmotion { data, models } => {
            let mut train: Vec<Labelled> = Vec::new();
            let go = read_jsonl(&data.join("goemotions/train.jsonl"))?;
            let xed = read_jsonl(&data.join("xed/all.jsonl"))?;
            for ex in go.iter().chain(xed.iter().filter(|e| !xed_is_test(&e.text))) {
                if let Some(label) = emotion_gold(ex) {
                    let label = label.as_str().to_string();
                    train.push(Labelled { text: ex.text.clone(), label });
                }
            }
            // Neutral lines in every language from the bot's own content (see `neutral_examples`).
            let paths = ModelPaths::new(models.path);
            let content = komek_nlu::content::Content::load(&paths.content())?;
            let cues = komek_nlu::cues::Cues::load(&paths.content().join("cues"))?;
            train.extend(komek_nlu::emotion::neutral_examples(&content, &cues));
            let started = std::time::Instant::now();
            let config = TrainConfig { epochs: 4, batch_size: 64, learning_rate: 0.01, hidden: 0, members: 1, ..TrainConfig::default() };
            let ngrams = NgramConfig { min_df: 3, ..NgramConfig::default() };
            let mut model = IntentModel::train(&train, ngrams, &config, &mut |e, n| eprint!("\rtraining: {e}/{n}"))?;
            eprintln!();
            model.round_to_f16();
            let dir = paths.root.join("emotion");
            komek_nlu::intent::artifacts::save(&model, &dir, "goemotions-train+xed-80+content-neutral")?;
            println!("trained the emotion model on {} examples in {:.1}s; {}", train.len(), started.elapsed().as_secs_f64(), dir.display());
            Ok(())
        }
        NluCommand::EvalEmotion { eval: EvalFile { test, json }, models } => {
            let examples: Vec<Example> =
                read_jsonl(&test)?.into_iter().filter(|e| e.source.is_none() || xed_is_test(&e.text)).collect();
            let paths = ModelPaths::new(models.path);
            train_if_needed(&paths, false, true)?;
            let nlu = Nlu::load(&paths.root, &Lang::ALL)?;
            let product = evaluate_emotions(&examples, |t| nlu.parse(t, None).emotion.label);
            let cues_only = evaluate_emotions(&examples, |t| judge(t, &nlu.cues.hits(t), None).label);
            let model_only = nlu.emotion.as_ref().map(|m| {
                evaluate_emotions(&examples, |t| judge(t, &Default::default(), Some(model_probabilities(m, t))).label)
            });
            for (name, r) in [("cues + model", Some(&product)), ("cues only", Some(&cues_only)), ("model only", model_only.as_ref())] {
                if let Some(r) = r {
                    println!(
                        "{name:>13}: n={} accuracy={:.2}% negative F1={:.2}% (P {:.2}%, R {:.2}%)",
                        r.n,
                        r.accuracy * 100.0,
                        r.negative_f1 * 100.0,
                        r.negative_precision * 100.0,
                        r.negative_recall * 100.0
                    );
                }
            }
            if json {
                println!("{}", json!({"product": product, "cues_only": cues_only, "model_only": model_only}));
            }
            Ok(())
        }
        NluCommand::EvalLang { eval: EvalFile { test, json }, errors, languages } => {
            let examples = read_jsonl(&test)?;
            let detector = LanguageDetector::new(&parse_language_list(&languages)?);
            let report = evaluate_detector(&examples, &detector);
            write_errors(errors.as_deref(), &report.errors)?;
            print_lang_report(&report, json)
        }
    }
}

fn run_agent(command: AgentCommand) -> anyhow::Result<()> {
    let AgentCommand::Add { username, languages, role, capacity, database_url } = command;
    let languages = parse_language_list(&languages)?;
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("password for {username}: ");
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\n', '\r']);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let agent = runtime.block_on(async {
        let store = crate::store::Store::open(&database_url).await?;
        crate::agents::add_agent(&store, crate::agents::NewAgent { username: &username, password, languages: &languages, role, capacity }).await
    })?;
    println!("added {} {} ({}), languages {}", agent.role.as_str(), agent.username, agent.id, agent.languages.join(","));
    Ok(())
}

fn run_customer(command: CustomerCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match command {
            CustomerCommand::Export { id, database_url } => {
                let store = crate::store::Store::open(&database_url).await?;
                let data = store.customer_export(&id).await?.with_context(|| format!("no customer {id}"))?;
                println!("{}", serde_json::to_string_pretty(&data)?);
            }
            CustomerCommand::Erase { id, database_url } => {
                let store = crate::store::Store::open(&database_url).await?;
                anyhow::ensure!(!store.customer_group(&id).await?.is_empty(), "no customer {id}");
                let at = crate::clock::now_ms();
                store.writer.write(vec![crate::store::PrivacyWrite::EraseCustomer { id: id.clone(), at }.into()]).await?;
                store.flush_erased().await?;
                println!("erased customer {id}");
            }
        }
        anyhow::Ok(())
    })
}

fn run_quality(command: QualityCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let now = crate::clock::now_ms();
        match command {
            QualityCommand::Backfill { days, database_url, languages, models } => {
                let paths = ModelPaths::new(models.path);
                let languages = komek_nlu::lang::parse_language_list(&languages)?;
                let nlu = std::sync::Arc::new(Nlu::load(&paths.root, &languages)?);
                let quality = crate::quality::Quality::load(&paths.root, nlu)?;
                let store = crate::store::Store::open(&database_url).await?;
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} conversations ({per_sec}, {eta} left)")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let started = std::time::Instant::now();
                let from = now - i64::from(days) * crate::clock::DAY_MS;
                let written = quality
                    .backfill(&store, from, now, |done, total| {
                        bar.set_length(total as u64);
                        bar.set_position(done as u64);
                    })
                    .await?;
                bar.finish_and_clear();
                println!("scored {written} conversations in {:.1}s (open ones are scored when they end)", started.elapsed().as_secs_f64());
            }
            QualityCommand::Export { csv, days, database_url } => {
                let store = crate::store::Store::open(&database_url).await?;
                let rows = store.quality_rows(now - i64::from(days) * crate::clock::DAY_MS, None).await?;
                std::fs::write(&csv, crate::quality::report::csv(&rows)).with_context(|| format!("writing {}", csv.display()))?;
                println!("wrote {} conversations to {}", rows.len(), csv.display());
            }
        }
        anyhow::Ok(())
    })
}

fn serve(config: Config) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(crate::server::run(config))?;
    Ok(())
}

fn check_content(paths: &ModelPaths) -> anyhow::Result<()> {
    let content = komek_nlu::content::Content::load(&paths.content())?;
    komek_nlu::cues::Cues::load(&paths.content().join("cues"))?;
    let responses = Responses::load(&paths.content().join("responses"))?;
    crate::dialogue::Script::load(&paths.content().join("dialogue.toml"), &content.intents, &responses)?;
    crate::dialogue::phrases::Phrases::load(&paths.content().join("phrases"))?;
    crate::http::assets::load_widget_strings(&paths.content().join("widget"))?;
    crate::http::assets::load_widget_strings(&paths.content().join("console"))?;
    crate::server::load_handoff_settings(&paths.content())?;
    let mut langs: Vec<&str> = content.examples.iter().map(|e| e.lang.code()).collect();
    langs.sort_unstable();
    langs.dedup();
    println!(
        "content OK: {} intents, {} examples in {} languages ({}), replies, widget and console strings in {} languages; dialogue.toml and the handoff policy consistent",
        content.intents.len(),
        content.examples.len(),
        langs.len(),
        langs.join(","),
        responses.languages().count()
    );
    Ok(())
}

fn labelled(examples: Vec<Example>) -> Vec<Labelled> {
    examples
        .into_iter()
        .filter_map(|e| e.intent.map(|label| Labelled { text: e.text, label }))
        .collect()
}

fn write_errors(path: Option<&std::path::Path>, errors: &[(String, String, String)]) -> anyhow::Result<()> {
    let Some(path) = path else { return Ok(()) };
    let lines: Vec<String> = errors
        .iter()
        .map(|(text, gold, predicted)| json!({"text": text, "gold": gold, "predicted": predicted}).to_string())
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").with_context(|| format!("writing {}", path.display()))
}

fn print_intent_report(r: &IntentEvalReport, json: bool) -> anyhow::Result<()> {
    println!(
        "intents: n={} accuracy={:.2}% macro-F1={:.2}%  p50={:.1}µs p99={:.1}µs",
        r.n,
        r.accuracy * 100.0,
        r.macro_f1 * 100.0,
        r.p50_us,
        r.p99_us
    );
    if let (Some(rec), Some(ins)) = (r.oos_recall, r.in_scope_accuracy) {
        println!("  out-of-scope recall {:.2}%, in-scope accuracy {:.2}%", rec * 100.0, ins * 100.0);
    }
    if let Some(s) = r.train_seconds {
        println!("  training {s:.1}s");
    }
    for (k, a) in &r.per_language {
        println!("  language {k:<6} n={:<6} {:.2}%", a.n, a.accuracy * 100.0);
    }
    if json {
        println!("{}", serde_json::to_string(r)?);
    }
    Ok(())
}

fn print_lang_report(r: &LangEvalReport, json: bool) -> anyhow::Result<()> {
    println!("language identification: n={} accuracy={:.2}%  p50={:.1}µs p99={:.1}µs", r.n, r.accuracy * 100.0, r.p50_us, r.p99_us);
    if r.skipped > 0 {
        println!("skipped {} lines in unsupported languages", r.skipped);
    }
    for (name, table) in [("kind", &r.per_kind), ("language", &r.per_language), ("language/kind", &r.per_language_kind)] {
        for (k, a) in table {
            println!("  {name:>13} {k:<20} n={:<6} {:.2}%", a.n, a.accuracy * 100.0);
        }
    }
    if json {
        println!("{}", serde_json::to_string(r)?);
    }
    Ok(())
}
