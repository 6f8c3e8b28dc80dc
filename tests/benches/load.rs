//! Load benchmark of the customer chat API (`/api/v1/chat/…`): many slow customers at once.
//!
//! For each level of concurrent customers (default 100 and 1000) and each target server, a fresh
//! server process is started on a free port with a fresh SQLite file, and every customer creates a
//! session, then sends messages at `--rate` messages per second (jittered think time, never more than
//! one message in flight). Even-numbered customers send over HTTP POST (latency: until the response
//! carrying the bot reply); odd-numbered ones over their WebSocket (latency: until the bot's reply
//! event arrives). After a warm-up, `--duration` seconds are measured. Then every customer's full
//! history is fetched to check that no message was lost or stored twice and that each got a reply.
//!
//! Targets: `komek`, the real release binary, and `echo`, a bare axum server with the same routes and
//! JSON shapes that only echoes (this binary re-executed with `--echo-server PORT`): the ceiling that
//! axum, JSON and this load generator allow on this machine. Both run as child processes so that each
//! one's peak RSS is its own.
//!
//! Run (the komek target needs the release binary first):
//!
//! ```text
//! cargo build --release -p komek
//! cargo bench -p komek-tests --bench load -- [--customers 100,1000] [--duration 20] [--warmup 3]
//!     [--rate 1.0] [--targets komek,echo]
//! ```
//!
//! `KOMEK_BIN` overrides the path of the `komek` binary (default `<target dir>/release/komek`).
//! 1000 customers need up to about 2,300 open files per process: the soft limit is raised (up to the
//! hard limit) before anything starts; when the hard limit is lower a warning says to run
//! `ulimit -n 2300` first. The load generator shares the machine with the server, so the figures are
//! for "both on one box".

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{CommandFactory, Parser, ValueEnum};

fn main() -> ExitCode {
    let mut options = Options::parse();
    if let Some(port) = options.echo_server {
        return echo::serve(port);
    }
    if options.duration.is_zero() {
        Options::command().error(clap::error::ErrorKind::ValueValidation, "--duration must be > 0").exit();
    }
    // Our own arguments as given (without the `--bench` cargo adds), for printing the exact command.
    options.args = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    raise_open_files_limit(options.max_customers());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every level against every target, one fresh server at a time, then prints the report.
async fn run(options: &Options) -> Result<(), String> {
    let komek_bin = match options.targets.contains(&Target::Komek) {
        true => Some(komek_binary()?),
        false => None,
    };
    let mut results = Vec::new();
    for &customers in &options.customers {
        for &target in &options.targets {
            eprintln!("== {} with {customers} customers", target.name());
            match run_level(target, customers, options, komek_bin.as_deref()).await {
                Ok(result) => {
                    eprintln!("   {}", report::summary_line(&result));
                    results.push(result);
                }
                Err(e) => {
                    // What was measured so far is still worth printing.
                    report::print(options, &results);
                    return Err(e);
                }
            }
        }
    }
    report::print(options, &results);
    Ok(())
}

async fn run_level(
    target: Target,
    customers: usize,
    options: &Options,
    komek_bin: Option<&Path>,
) -> Result<report::LevelResult, String> {
    let host_busy = host_busy().await;
    if host_busy > report::BUSY_HOST {
        eprintln!("   WARNING: the machine is {:.0}% busy without us: expect noisy latencies", host_busy * 100.0);
    }
    let label = format!("{}-{customers}", target.name());
    let server = server::ServerProcess::start(target, komek_bin, &label, options.rate).await?;
    let plan = load::Plan {
        base: server.base.clone(),
        customers,
        warmup: options.warmup,
        duration: options.duration,
        rate: options.rate,
    };
    let outcome = load::run(&plan).await;
    let check = load::check_histories(&plan, &outcome).await;
    let figures = server.figures();
    server.stop();
    let mut result = report::LevelResult::new(target, &plan, &outcome, check, figures);
    result.host_busy = host_busy;
    Ok(result)
}

/// The share of all CPUs busy during one second while we sit idle (no server running): other work
/// on the machine skews the latencies of a level. (The load average would still count our own
/// previous level.)
async fn host_busy() -> f64 {
    let Some((busy_before, total_before)) = cpu_times() else { return 0.0 };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let Some((busy_after, total_after)) = cpu_times() else { return 0.0 };
    (busy_after - busy_before) as f64 / (total_after - total_before).max(1) as f64
}

/// (busy, total) jiffies of all CPUs from `/proc/stat` (idle and iowait count as not busy).
fn cpu_times() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> =
        stat.lines().next()?.split_whitespace().skip(1).take(8).filter_map(|v| v.parse().ok()).collect();
    let total: u64 = fields.iter().sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

/// `KOMEK_BIN`, else `<target dir>/release/komek` (the workspace's target dir unless `CARGO_TARGET_DIR`).
fn komek_binary() -> Result<PathBuf, String> {
    let path = match std::env::var_os("KOMEK_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => {
            let target_dir = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
            target_dir.join("release/komek")
        }
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no komek binary at {}: run `cargo build --release -p komek` first (same CARGO_TARGET_DIR), \
             or set KOMEK_BIN, or use `--targets echo`",
            path.display()
        ))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Target {
    /// The real release binary.
    Komek,
    /// The ceiling: a bare axum server with the same routes that only echoes.
    #[value(alias = "ceiling")]
    Echo,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Komek => "komek",
            Target::Echo => "echo",
        }
    }
}

/// Load benchmark of the customer chat API: many slow customers at once.
#[derive(Parser, Debug)]
#[command(name = "load", override_usage = "cargo bench -p komek-tests --bench load -- [OPTIONS]")]
struct Options {
    /// Levels of concurrent customers.
    #[arg(long, value_delimiter = ',', default_value = "100,1000", value_parser = count)]
    customers: Vec<usize>,
    /// Seconds measured at each level, after the warm-up.
    #[arg(long, value_name = "SECONDS", default_value = "20", value_parser = seconds)]
    duration: Duration,
    /// Seconds of warm-up at each level.
    #[arg(long, value_name = "SECONDS", default_value = "3", value_parser = seconds)]
    warmup: Duration,
    /// Messages per second each customer offers.
    #[arg(long, value_name = "MSGS_PER_SECOND_PER_CUSTOMER", default_value_t = 1.0, value_parser = positive)]
    rate: f64,
    /// Servers to load, one fresh process per level.
    #[arg(long, value_delimiter = ',', default_value = "komek,echo")]
    targets: Vec<Target>,
    /// Serve the echo target on PORT (how the bench starts it: this binary again).
    #[arg(long, value_name = "PORT", hide = true)]
    echo_server: Option<u16>,
    /// Added by `cargo bench`.
    #[arg(long = "bench", hide = true)]
    _bench: bool,
    #[arg(skip)]
    args: Vec<String>,
}

impl Options {
    fn max_customers(&self) -> usize {
        self.customers.iter().copied().max().unwrap_or(0)
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| *s >= 0.0 && s.is_finite())
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("bad number of seconds {text:?}"))
}

fn count(text: &str) -> Result<usize, String> {
    text.parse().ok().filter(|&n| n > 0).ok_or_else(|| "must be a whole number > 0".into())
}

fn positive(text: &str) -> Result<f64, String> {
    text.parse::<f64>().ok().filter(|r| *r > 0.0 && r.is_finite()).ok_or_else(|| "must be > 0".into())
}

/// A random number from the operating system (a few per message: the cost of a syscall is nothing here).
fn random_u64() -> u64 {
    getrandom::u64().expect("the operating system's random numbers")
}

/// Uniform in [0, 1).
fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `2026-11-27T12:30:00.123Z`.
fn utc_timestamp(time: SystemTime) -> String {
    DateTime::<Utc>::from(time).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Each customer holds a socket in the load generator and one in the server (which inherits our
/// limit): raise the soft open-files limit, with headroom, as far as the hard limit allows.
fn raise_open_files_limit(customers: usize) {
    let needed = customers as u64 * 2 + 300;
    let Ok((soft, _)) = rlimit::Resource::NOFILE.get() else { return };
    if soft >= needed {
        return;
    }
    let raised = rlimit::increase_nofile_limit(needed.max(65_536)).unwrap_or(soft);
    if raised < needed {
        eprintln!(
            "load: WARNING: the open files limit is {raised}, {customers} customers need about {needed}: \
             run `ulimit -n {needed}` first or expect connection errors"
        );
    }
}

/// A server under test as a child process: started on a free port, polled until ready, its memory
/// sampled, killed at the end.
mod server {
    use std::fs::File;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use tempfile::TempDir;

    use super::Target;

    /// The first start of komek may train its models when the content changed: be patient.
    const READY_TIMEOUT: Duration = Duration::from_secs(600);

    /// What the server process itself showed.
    pub struct ServerFigures {
        /// Resident memory right after it became ready, before any customer.
        pub ready_rss_kib: u64,
        /// The larger of the kernel's high-water mark (VmHWM) and our 250 ms VmRSS samples.
        pub peak_rss_kib: u64,
        /// WARN and ERROR lines of its log: trouble the customers may not have seen.
        pub log_problems: Vec<String>,
    }

    /// Fields drop after `drop()` has killed the child: then its folder is removed.
    pub struct ServerProcess {
        child: Child,
        pub base: String,
        dir: TempDir,
        sampled_rss_kib: Arc<AtomicU64>,
        sampler: tokio::task::JoinHandle<()>,
        ready_rss_kib: u64,
    }

    impl ServerProcess {
        pub async fn start(target: Target, komek_bin: Option<&Path>, label: &str, rate: f64) -> Result<Self, String> {
            let port = free_port()?;
            let dir = tempfile::Builder::new()
                .prefix(&format!("komek-load-{label}-"))
                .tempdir()
                .map_err(|e| format!("a temporary folder: {e}"))?;
            let log = File::create(dir.path().join("server.log")).map_err(|e| format!("server log: {e}"))?;
            let mut command = match target {
                Target::Komek => komek_command(komek_bin.expect("komek binary checked"), port, dir.path(), rate),
                Target::Echo => {
                    let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
                    let mut command = Command::new(exe);
                    command.arg("--echo-server").arg(port.to_string());
                    command
                }
            };
            // Logs go to a file, not a pipe nobody reads (a full pipe would stall the server).
            let stderr = log.try_clone().map_err(|e| format!("server log: {e}"))?;
            command.stdin(Stdio::null()).stdout(log).stderr(stderr);
            let child = command.spawn().map_err(|e| format!("starting {}: {e}", target.name()))?;
            let sampled_rss_kib = Arc::new(AtomicU64::new(0));
            let sampler = tokio::spawn(sample_rss(child.id(), sampled_rss_kib.clone()));
            let base = format!("http://127.0.0.1:{port}");
            let mut server = Self { child, base, dir, sampled_rss_kib, sampler, ready_rss_kib: 0 };
            server.wait_ready().await?;
            server.ready_rss_kib = status_kib(server.child.id(), "VmRSS:").unwrap_or(0);
            Ok(server)
        }

        async fn wait_ready(&mut self) -> Result<(), String> {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().expect("client");
            let url = format!("{}/readyz", self.base);
            let started = Instant::now();
            loop {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Err(format!("the server exited ({status}) before it was ready:\n{}", self.log_tail()));
                }
                if let Ok(resp) = client.get(&url).send().await
                    && resp.status().is_success()
                {
                    return Ok(());
                }
                if started.elapsed() > READY_TIMEOUT {
                    return Err(format!("the server was not ready after {READY_TIMEOUT:?}:\n{}", self.log_tail()));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }

        /// Read while the server still runs (VmHWM disappears with the process).
        pub fn figures(&self) -> ServerFigures {
            let hwm = status_kib(self.child.id(), "VmHWM:").unwrap_or(0);
            ServerFigures {
                ready_rss_kib: self.ready_rss_kib,
                peak_rss_kib: hwm.max(self.sampled_rss_kib.load(Ordering::Relaxed)),
                log_problems: self.log_problems(),
            }
        }

        /// Kills the server and removes its folder (also on drop, e.g. after a panic).
        pub fn stop(self) {}

        fn log_problems(&self) -> Vec<String> {
            let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            log.lines()
                .filter(|line| matches!(line.split_whitespace().nth(1), Some("WARN" | "ERROR")))
                .map(str::to_string)
                .collect()
        }

        fn log_tail(&self) -> String {
            let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            lines[lines.len().saturating_sub(30)..].join("\n")
        }
    }

    impl Drop for ServerProcess {
        fn drop(&mut self) {
            self.sampler.abort();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn komek_command(bin: &Path, port: u16, dir: &Path, rate: f64) -> Command {
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
        let models = models.canonicalize().unwrap_or(models);
        let mut command = Command::new(bin);
        command
            .arg("serve")
            .env("KOMEK_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", format!("sqlite:{}", dir.join("komek.db").display()))
            .env("KOMEK_MODELS", models)
            .env("KOMEK_ADMIN_TOKEN", "load-bench-admin-token")
            // Each customer comes from its own address, as behind a proxy (see `FORWARDED_FOR`).
            .env("KOMEK_TRUSTED_PROXY_HEADER", crate::load::FORWARDED_FOR)
            // Plain log lines (no colour codes) for `log_problems`.
            .env("NO_COLOR", "1")
            // The per-session limit protects against abusive clients: with these values it still
            // runs (its cost is part of the figures) but never refuses the benchmark's customers.
            .env("KOMEK_RATE_BURST", "1000")
            .env("KOMEK_RATE_PER_SECOND", (rate * 10.0).max(100.0).to_string());
        command
    }

    /// A port nobody listens on now (bound then released; the server binds it right after).
    fn free_port() -> Result<u16, String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
        listener.local_addr().map(|a| a.port()).map_err(|e| format!("free port: {e}"))
    }

    async fn sample_rss(pid: u32, peak: Arc<AtomicU64>) {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tick.tick().await;
            match status_kib(pid, "VmRSS:") {
                Some(kib) => {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                None => return,
            }
        }
    }

    /// A `kB` field of `/proc/PID/status`.
    fn status_kib(pid: u32, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line[field.len()..].split_whitespace().next()?.parse().ok()
    }
}

/// The customers: sessions, paced messages over HTTP or WebSocket, latencies, and the history check.
mod load {
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::time::Duration;

    use futures_util::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use tokio::net::TcpStream;
    use tokio::time::{Instant, sleep_until, timeout, timeout_at};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

    use super::random_unit;

    type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

    /// How long a customer waits for the bot's reply before counting an error.
    const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
    /// Concurrent history requests of the no-loss check.
    const CHECK_CONCURRENCY: usize = 32;

    /// A rotating mix of real support questions in Russian, Kazakh and English; `{order}` becomes one
    /// of the seeded orders 100001–100040. None asks for a human, cancels or complains, so the bot
    /// keeps the conversation and answers every message itself.
    const MESSAGES: &[&str] = &[
        "Здравствуйте",
        "Где мой заказ {order}?",
        "Тапсырысым {order} қайда?",
        "where is my order {order}",
        "Как вернуть товар?",
        "Сәлеметсіз бе",
        "hello",
        "what payment methods do you accept",
        "когда вернут деньги за заказ {order}",
        "Тапсырыс {order} қашан келеді?",
        "how long does delivery take",
        "Какие способы оплаты у вас есть?",
        "Тауарды қалай қайтаруға болады?",
        "what are your opening hours",
        "Сколько идёт доставка в Алматы?",
        "Kaspi арқылы төлеуге бола ма?",
        "спасибо",
        "рақмет",
        "thanks!",
    ];

    pub struct Plan {
        pub base: String,
        pub customers: usize,
        pub warmup: Duration,
        pub duration: Duration,
        pub rate: f64,
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum ChannelKind {
        Http,
        Ws,
    }

    /// Whether a failed message may nevertheless be in the history (what the no-loss check allows).
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Stored {
        No,
        Maybe,
        Yes,
    }

    #[derive(Debug)]
    pub struct Failure {
        /// A short category for counting, e.g. `post 429` or `ws reply timeout`.
        pub kind: String,
        pub detail: String,
        pub stored: Stored,
    }

    impl Failure {
        fn new(kind: impl Into<String>, detail: impl ToString, stored: Stored) -> Self {
            let mut detail = detail.to_string();
            if detail.len() > 200 {
                detail.truncate(detail.floor_char_boundary(200));
            }
            Self { kind: kind.into(), detail, stored }
        }
    }

    pub struct Sample {
        /// When the message was sent, from the start of the level.
        pub sent_at: Duration,
        pub latency: Duration,
    }

    pub struct Session {
        id: String,
        token: String,
        /// The customer's own client address, passed as a trusted proxy would (`FORWARDED_FOR`):
        /// a thousand customers are a thousand clients, not one abusive address.
        address: String,
    }

    /// The header komek trusts for the client address in this benchmark (`KOMEK_TRUSTED_PROXY_HEADER`),
    /// and a distinct private address per customer: the tests' own.
    pub use komek_tests::chat::{FORWARDED_FOR, client_address as customer_address};

    /// What one customer did.
    pub struct CustomerLog {
        pub kind: ChannelKind,
        session: Option<Session>,
        /// Texts the server accepted, in send order: each must be in the history exactly once.
        acked: Vec<String>,
        /// Texts whose fate is unknown (timeouts, 5xx, broken sockets): at most once.
        unsure: Vec<String>,
        pub samples: Vec<Sample>,
        /// Send times of all attempts, for counting the messages of the measured window.
        pub attempts: Vec<Duration>,
        pub failures: Vec<Failure>,
    }

    impl CustomerLog {
        pub fn has_session(&self) -> bool {
            self.session.is_some()
        }

        fn record(&mut self, text: String, sent_at: Duration, result: Result<Duration, Failure>) {
            self.attempts.push(sent_at);
            match result {
                Ok(latency) => {
                    self.acked.push(text);
                    self.samples.push(Sample { sent_at, latency });
                }
                Err(failure) => {
                    match failure.stored {
                        Stored::Yes => self.acked.push(text),
                        Stored::Maybe => self.unsure.push(text),
                        Stored::No => {}
                    }
                    self.failures.push(failure);
                }
            }
        }
    }

    pub struct Outcome {
        pub customers: Vec<CustomerLog>,
    }

    struct Context {
        base: String,
        client: reqwest::Client,
        start: Instant,
        warmup: Duration,
        end: Instant,
        rate: f64,
    }

    /// One shared client: its pool keeps an idle keep-alive connection per HTTP customer.
    pub fn http_client(customers: usize) -> reqwest::Client {
        reqwest::Client::builder()
            .pool_max_idle_per_host(customers.max(1))
            .tcp_nodelay(true)
            .timeout(REPLY_TIMEOUT)
            .build()
            .expect("HTTP client")
    }

    /// Runs all customers until warm-up + duration is over and their last replies are in.
    pub async fn run(plan: &Plan) -> Outcome {
        let start = Instant::now();
        let context = Arc::new(Context {
            base: plan.base.clone(),
            client: http_client(plan.customers),
            start,
            warmup: plan.warmup,
            end: start + plan.warmup + plan.duration,
            rate: plan.rate,
        });
        let tasks: Vec<_> = (0..plan.customers).map(|index| tokio::spawn(customer(context.clone(), index))).collect();
        let mut customers = Vec::with_capacity(tasks.len());
        for task in tasks {
            customers.push(task.await.expect("customer task"));
        }
        Outcome { customers }
    }

    async fn customer(context: Arc<Context>, index: usize) -> CustomerLog {
        let kind = if index.is_multiple_of(2) { ChannelKind::Http } else { ChannelKind::Ws };
        let mut log = CustomerLog {
            kind,
            session: None,
            acked: Vec::new(),
            unsure: Vec::new(),
            samples: Vec::new(),
            attempts: Vec::new(),
            failures: Vec::new(),
        };
        // Customers arrive spread over the first half of the warm-up, not in the same millisecond.
        sleep_until(context.start + context.warmup.mul_f64(0.5 * random_unit())).await;
        let session = match create_session(&context, index).await {
            Ok(session) => session,
            Err(failure) => {
                log.failures.push(failure);
                return log;
            }
        };
        let mut channel = match kind {
            ChannelKind::Http => Channel::Http,
            ChannelKind::Ws => Channel::Ws(None),
        };
        // The widget opens its socket as soon as it has a session, not with the first message.
        if let Err(failure) = channel.connect(&context, &session).await {
            log.failures.push(failure);
        }
        let interval = Duration::from_secs_f64(1.0 / context.rate);
        // A random phase, so that customers who arrived together do not type together.
        let mut next = Instant::now() + interval.mul_f64(random_unit());
        let mut count = 0;
        while next < context.end {
            sleep_until(next).await;
            if let Err(failure) = channel.connect(&context, &session).await {
                log.failures.push(failure);
            } else {
                let text = message_text(index, count);
                let sent = Instant::now();
                let result = channel.send(&context, &session, &text).await.map(|()| sent.elapsed());
                log.record(text, sent - context.start, result);
            }
            count += 1;
            // Think time of 0.5–1.5 intervals (mean 1/rate), scheduled from the previous plan, not
            // from the reply (open loop); after a slow reply the next message goes at once, without
            // catching up in a burst: one message in flight at most.
            next = (next + interval.mul_f64(0.5 + random_unit())).max(Instant::now());
        }
        channel.close().await;
        log.session = Some(session);
        log
    }

    fn message_text(customer: usize, count: usize) -> String {
        // Each customer starts somewhere else in the mix, so every question is asked all the time.
        let template = MESSAGES[(customer * 7 + count) % MESSAGES.len()];
        let order = 100_001 + (customer + count * 3) % 40;
        template.replace("{order}", &order.to_string())
    }

    async fn create_session(context: &Context, index: usize) -> Result<Session, Failure> {
        let locale = ["ru-RU", "kk-KZ", "en-US"][index % 3];
        let address = customer_address(index);
        let resp = context
            .client
            .post(format!("{}/api/v1/chat/sessions", context.base))
            .header(FORWARDED_FOR, &address)
            .json(&json!({"locale": locale}))
            .send()
            .await
            .map_err(|e| Failure::new("create session io", e, Stored::No))?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            return Err(Failure::new(format!("create session {}", status.as_u16()), body, Stored::No));
        }
        let body: Value = resp.json().await.map_err(|e| Failure::new("create session body", e, Stored::No))?;
        match (body["session_id"].as_str(), body["token"].as_str()) {
            (Some(id), Some(token)) => Ok(Session { id: id.into(), token: token.into(), address }),
            _ => Err(Failure::new("create session body", body, Stored::No)),
        }
    }

    /// How a customer talks to the service.
    enum Channel {
        Http,
        /// The socket, `None` until connected or after it broke (reconnected before the next message).
        Ws(Option<Box<WsStream>>),
    }

    impl Channel {
        async fn connect(&mut self, context: &Context, session: &Session) -> Result<(), Failure> {
            if let Channel::Ws(socket @ None) = self {
                *socket = Some(Box::new(connect_ws(context, session).await?));
            }
            Ok(())
        }

        async fn send(&mut self, context: &Context, session: &Session, text: &str) -> Result<(), Failure> {
            match self {
                Channel::Http => send_http(context, session, text).await,
                Channel::Ws(socket) => {
                    let result = exchange_ws(socket.as_mut().expect("connected"), text).await;
                    if result.is_err() {
                        // A late reply on this socket would be taken for the next message's.
                        *socket = None;
                    }
                    result
                }
            }
        }

        async fn close(self) {
            if let Channel::Ws(Some(mut socket)) = self {
                // The socket's own close (with a close frame), not `SinkExt::close` of the box.
                let _ = timeout(Duration::from_secs(2), WebSocketStream::close(&mut *socket, None)).await;
            }
        }
    }

    async fn send_http(context: &Context, session: &Session, text: &str) -> Result<(), Failure> {
        let url = format!("{}/api/v1/chat/sessions/{}/messages", context.base, session.id);
        let request = context.client.post(url).bearer_auth(&session.token).header(FORWARDED_FOR, &session.address).json(&json!({"text": text}));
        let resp = request.send().await.map_err(post_failure)?;
        let status = resp.status();
        if !status.is_success() {
            let stored = if status.is_server_error() { Stored::Maybe } else { Stored::No };
            let body = resp.text().await.unwrap_or_default();
            return Err(Failure::new(format!("post {}", status.as_u16()), body, stored));
        }
        let body: Value = resp.json().await.map_err(|e| Failure::new("post body", e, Stored::Maybe))?;
        let messages = body["messages"].as_array().map(Vec::as_slice).unwrap_or_default();
        let own = messages.iter().any(|m| m["role"] == "customer" && m["text"] == text);
        let bot = messages.iter().any(|m| m["role"] == "bot");
        match (own, bot) {
            (true, true) => Ok(()),
            (true, false) => Err(Failure::new("post without bot reply", body, Stored::Yes)),
            (false, _) => Err(Failure::new("post without own message", body, Stored::Maybe)),
        }
    }

    /// A request that failed without a status: was the message stored? Only a refused connect says no.
    fn post_failure(e: reqwest::Error) -> Failure {
        match (e.is_timeout(), e.is_connect()) {
            (true, _) => Failure::new("post timeout", e, Stored::Maybe),
            (_, true) => Failure::new("post connect", e, Stored::No),
            _ => Failure::new("post io", e, Stored::Maybe),
        }
    }

    async fn connect_ws(context: &Context, session: &Session) -> Result<WsStream, Failure> {
        let url = format!(
            "{}/api/v1/chat/sessions/{}/ws?token={}",
            context.base.replacen("http://", "ws://", 1),
            session.id,
            url::form_urlencoded::byte_serialize(session.token.as_bytes()).collect::<String>()
        );
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().map_err(|e| Failure::new("ws request", e, Stored::No))?;
        if let Ok(value) = session.address.parse() {
            request.headers_mut().insert(FORWARDED_FOR, value);
        }
        match timeout(Duration::from_secs(10), tokio_tungstenite::connect_async(request)).await {
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(e)) => Err(Failure::new("ws connect", e, Stored::No)),
            Err(_) => Err(Failure::new("ws connect timeout", "10 s", Stored::No)),
        }
    }

    /// Sends one message and waits for the first bot message after the echo of our own one (bot
    /// messages that arrive before it belong to an earlier turn).
    async fn exchange_ws(socket: &mut WsStream, text: &str) -> Result<(), Failure> {
        let frame = json!({"type": "message", "text": text}).to_string();
        socket.send(WsMessage::text(frame)).await.map_err(|e| Failure::new("ws send", e, Stored::Maybe))?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        let mut own_seen = false;
        loop {
            let frame = match timeout_at(deadline, socket.next()).await {
                Err(_) => return Err(Failure::new("ws reply timeout", "30 s", Stored::Maybe)),
                Ok(None) => return Err(Failure::new("ws closed", "end of stream", Stored::Maybe)),
                Ok(Some(Err(e))) => return Err(Failure::new("ws read", e, Stored::Maybe)),
                Ok(Some(Ok(frame))) => frame,
            };
            let body = match frame {
                WsMessage::Text(body) => body,
                WsMessage::Close(reason) => {
                    return Err(Failure::new("ws closed", format!("{reason:?}"), Stored::Maybe));
                }
                _ => continue,
            };
            let event: Value =
                serde_json::from_str(&body).map_err(|_| Failure::new("ws bad event", body.as_str(), Stored::Maybe))?;
            match event["type"].as_str() {
                Some("message") => {
                    let message = &event["message"];
                    match message["role"].as_str() {
                        Some("customer") if message["text"] == text => own_seen = true,
                        Some("bot") if own_seen => return Ok(()),
                        _ => {}
                    }
                }
                // Not in the contract, but a server may report a refused message this way.
                Some("error") => return Err(Failure::new("ws error event", event, Stored::No)),
                _ => {} // typing and state events
            }
        }
    }

    /// The no-loss check over all customers.
    #[derive(Default, Debug, Clone, Copy)]
    pub struct Check {
        /// Accepted messages missing from the history.
        pub lost: usize,
        /// Messages stored more often than sent.
        pub duplicated: usize,
        /// Customer messages in the history with no bot message after them (before the next one).
        pub unanswered: usize,
        /// Customers whose messages are all there but not in send order.
        pub out_of_order: usize,
        /// Customers whose history could not be fetched.
        pub fetch_errors: usize,
    }

    impl Check {
        fn add(&mut self, other: Check) {
            self.lost += other.lost;
            self.duplicated += other.duplicated;
            self.unanswered += other.unanswered;
            self.out_of_order += other.out_of_order;
            self.fetch_errors += other.fetch_errors;
        }
    }

    pub async fn check_histories(plan: &Plan, outcome: &Outcome) -> Check {
        let client = http_client(CHECK_CONCURRENCY);
        let checks: Vec<Check> = futures_util::stream::iter(outcome.customers.iter())
            .filter_map(|log| std::future::ready(log.session.as_ref().map(|s| (log, s))))
            .map(|(log, session)| {
                let client = client.clone();
                async move {
                    match fetch_history(&client, &plan.base, session).await {
                        Ok(history) => compare(log, &history),
                        Err(e) => {
                            eprintln!("   history of {}: {e}", session.id);
                            Check { fetch_errors: 1, ..Check::default() }
                        }
                    }
                }
            })
            .buffer_unordered(CHECK_CONCURRENCY)
            .collect()
            .await;
        let mut total = Check::default();
        checks.into_iter().for_each(|c| total.add(c));
        total
    }

    async fn fetch_history(client: &reqwest::Client, base: &str, session: &Session) -> Result<Vec<Value>, String> {
        let resp = client
            .get(format!("{base}/api/v1/chat/sessions/{}/messages", session.id))
            .bearer_auth(&session.token)
            .header(FORWARDED_FOR, &session.address)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let body: Value = resp.json().await.map_err(|e| format!("{status}: {e}"))?;
        match body["messages"].as_array() {
            Some(messages) if status.is_success() => Ok(messages.clone()),
            _ => Err(format!("{status}: {body}")),
        }
    }

    /// Texts repeat (the mix rotates), so the check counts per text: accepted ones must be there
    /// exactly once each, unsure ones at most once; order must follow the accepted send order.
    fn compare(log: &CustomerLog, history: &[Value]) -> Check {
        let stored: Vec<&str> =
            history.iter().filter(|m| m["role"] == "customer").filter_map(|m| m["text"].as_str()).collect();
        // text -> (must have, may have, has)
        let mut counts: HashMap<&str, (usize, usize, usize)> = HashMap::new();
        for text in &log.acked {
            let c = counts.entry(text).or_default();
            c.0 += 1;
            c.1 += 1;
        }
        for text in &log.unsure {
            counts.entry(text).or_default().1 += 1;
        }
        for text in &stored {
            counts.entry(text).or_default().2 += 1;
        }
        let mut check = Check::default();
        for (must, may, has) in counts.into_values() {
            check.lost += must.saturating_sub(has);
            check.duplicated += has.saturating_sub(may);
        }
        if check.lost == 0 && !is_subsequence(&log.acked, &stored) {
            check.out_of_order = 1;
        }
        check.unanswered = unanswered(history);
        check
    }

    fn is_subsequence(wanted: &[String], within: &[&str]) -> bool {
        let mut within = within.iter();
        wanted.iter().all(|w| within.any(|t| t == w))
    }

    fn unanswered(history: &[Value]) -> usize {
        let mut count = 0;
        let mut waiting = false;
        for message in history {
            match message["role"].as_str() {
                Some("customer") => {
                    count += usize::from(waiting);
                    waiting = true;
                }
                Some("bot") => waiting = false,
                _ => {}
            }
        }
        count + usize::from(waiting)
    }
}

/// Figures per level and target, the Markdown table and the JSON lines.
mod report {
    use std::collections::BTreeMap;
    use std::time::{Duration, SystemTime};

    use chrono::{DateTime, Utc};

    use serde_json::{Value, json};

    use super::load::{ChannelKind, Check, Outcome, Plan};
    use super::server::ServerFigures;

    /// Above this share of the CPUs busy with other work, a level's latencies are flagged as noisy.
    pub const BUSY_HOST: f64 = 0.2;
    use super::{Options, Target};

    #[derive(Clone, Copy, Default)]
    pub struct Percentiles {
        pub count: usize,
        pub p50: f64,
        pub p90: f64,
        pub p99: f64,
        pub max: f64,
    }

    impl Percentiles {
        /// Nearest-rank percentiles in milliseconds.
        fn of(mut latencies: Vec<Duration>) -> Self {
            latencies.sort_unstable();
            let n = latencies.len();
            if n == 0 {
                return Self::default();
            }
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let at = |p: f64| ms(latencies[((p * n as f64).ceil() as usize).clamp(1, n) - 1]);
            Self { count: n, p50: at(0.50), p90: at(0.90), p99: at(0.99), max: ms(latencies[n - 1]) }
        }

        fn json(&self) -> Value {
            json!({"count": self.count, "p50_ms": round(self.p50), "p90_ms": round(self.p90),
                   "p99_ms": round(self.p99), "max_ms": round(self.max)})
        }
    }

    pub struct LevelResult {
        pub target: Target,
        pub customers: usize,
        /// Customers who got a session.
        pub sessions: usize,
        /// Messages sent in the measured window.
        pub sent: usize,
        /// Of those, answered without error.
        pub answered: usize,
        pub msgs_per_s: f64,
        pub latency: Percentiles,
        pub http: Percentiles,
        pub ws: Percentiles,
        /// Failures of the whole run (session creation, connects, warm-up and measured messages).
        pub errors: usize,
        /// kind -> (count, first detail)
        pub error_kinds: BTreeMap<String, (usize, String)>,
        pub check: Check,
        pub server: ServerFigures,
        /// The share of the machine's CPUs busy with other work just before the level.
        pub host_busy: f64,
    }

    impl LevelResult {
        pub fn new(target: Target, plan: &Plan, outcome: &Outcome, check: Check, server: ServerFigures) -> Self {
            let window = plan.warmup..plan.warmup + plan.duration;
            let in_window = |at: &Duration| window.contains(at);
            let latencies = |kind: Option<ChannelKind>| {
                let customers = outcome.customers.iter().filter(|c| kind.is_none_or(|k| c.kind == k));
                let samples = customers.flat_map(|c| c.samples.iter()).filter(|s| in_window(&s.sent_at));
                Percentiles::of(samples.map(|s| s.latency).collect())
            };
            let latency = latencies(None);
            let mut error_kinds = BTreeMap::new();
            for failure in outcome.customers.iter().flat_map(|c| c.failures.iter()) {
                let entry = error_kinds.entry(failure.kind.clone()).or_insert((0, failure.detail.clone()));
                entry.0 += 1;
            }
            Self {
                target,
                customers: plan.customers,
                sessions: outcome.customers.iter().filter(|c| c.has_session()).count(),
                sent: outcome.customers.iter().flat_map(|c| c.attempts.iter()).filter(|a| in_window(a)).count(),
                answered: latency.count,
                msgs_per_s: latency.count as f64 / plan.duration.as_secs_f64(),
                latency,
                http: latencies(Some(ChannelKind::Http)),
                ws: latencies(Some(ChannelKind::Ws)),
                errors: error_kinds.values().map(|(n, _)| n).sum(),
                error_kinds,
                check,
                server,
                host_busy: 0.0,
            }
        }

        fn json(&self, options: &Options) -> Value {
            let errors: BTreeMap<&str, usize> = self.error_kinds.iter().map(|(k, (n, _))| (k.as_str(), *n)).collect();
            json!({
                "bench": "load",
                "target": self.target.name(),
                "customers": self.customers,
                "sessions": self.sessions,
                "rate_per_customer": options.rate,
                "duration_s": options.duration.as_secs_f64(),
                "sent": self.sent,
                "answered": self.answered,
                "msgs_per_s": round(self.msgs_per_s),
                "latency": self.latency.json(),
                "latency_http": self.http.json(),
                "latency_ws": self.ws.json(),
                "errors": self.errors,
                "error_kinds": errors,
                "lost": self.check.lost,
                "duplicated": self.check.duplicated,
                "unanswered": self.check.unanswered,
                "out_of_order_customers": self.check.out_of_order,
                "history_fetch_errors": self.check.fetch_errors,
                "ready_rss_mib": mib(self.server.ready_rss_kib),
                "peak_rss_mib": mib(self.server.peak_rss_kib),
                "server_log_warnings": self.server.log_problems.len(),
                "host_busy_before_percent": round(self.host_busy * 100.0),
            })
        }
    }

    fn round(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    fn mib(kib: u64) -> f64 {
        round(kib as f64 / 1024.0)
    }

    fn label(target: Target) -> &'static str {
        match target {
            Target::Komek => "komek",
            Target::Echo => "echo (ceiling)",
        }
    }

    pub fn summary_line(r: &LevelResult) -> String {
        format!(
            "{} sessions, {} sent, {:.1} msgs/s, p50 {:.1} ms, p99 {:.1} ms (http {:.1}, ws {:.1}), max {:.1} ms, \
             {} errors, lost {}, duplicated {}, unanswered {}, RSS {:.1} MiB ready / {:.1} MiB peak, \
             {} server log warnings",
            r.sessions,
            r.sent,
            r.msgs_per_s,
            r.latency.p50,
            r.latency.p99,
            r.http.p99,
            r.ws.p99,
            r.latency.max,
            r.errors,
            r.check.lost,
            r.check.duplicated,
            r.check.unanswered,
            mib(r.server.ready_rss_kib),
            mib(r.server.peak_rss_kib),
            r.server.log_problems.len()
        )
    }

    pub fn print(options: &Options, results: &[LevelResult]) {
        println!("\n## Customer chat API under load\n");
        let args = match options.args.is_empty() {
            true => String::new(),
            false => format!(" -- {}", options.args.join(" ")),
        };
        println!("Command:\n\n    cargo bench -p komek-tests --bench load{args}\n");
        let now = DateTime::<Utc>::from(SystemTime::now());
        println!("Machine: {}. Date: {} UTC.\n", machine(), now.format("%Y-%m-%d %H:%M"));
        println!(
            "Each customer offers {} message(s)/s (think time 0.5–1.5× the mean, one message in flight), half \
             over HTTP POST, half over a WebSocket; {} s warm-up, then {} s measured. Latency: from sending \
             until the bot's reply arrives; msgs/s stays at the offered load until the server saturates \
             (raise `--rate` to find where). Every level starts a fresh server process (komek: with a fresh \
             SQLite file); the load generator runs on the same machine. Errors count the whole run; lost / \
             duplicated / unanswered come from every customer's full history afterwards.\n",
            options.rate,
            options.warmup.as_secs_f64(),
            options.duration.as_secs_f64()
        );
        println!(
            "| server | customers | msgs sent | msgs/s | p50 ms | p90 ms | p99 ms | max ms | errors | lost | duplicated | unanswered | peak RSS MiB |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in results {
            println!(
                "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} | {:.1} |",
                label(r.target),
                r.customers,
                r.sent,
                r.msgs_per_s,
                r.latency.p50,
                r.latency.p90,
                r.latency.p99,
                r.latency.max,
                r.errors,
                r.check.lost,
                r.check.duplicated,
                r.check.unanswered,
                mib(r.server.peak_rss_kib)
            );
        }
        print_ratios(results);
        print_errors(results);
        println!();
        for r in results {
            println!("{}", r.json(options));
        }
    }

    /// komek ÷ ceiling at each level where both ran.
    fn print_ratios(results: &[LevelResult]) {
        let find = |target, customers| results.iter().find(|r| r.target == target && r.customers == customers);
        let pairs: Vec<_> = results
            .iter()
            .filter(|r| r.target == Target::Komek)
            .filter_map(|k| find(Target::Echo, k.customers).map(|e| (k, e)))
            .collect();
        if pairs.is_empty() {
            return;
        }
        println!("\n| customers | msgs/s komek ÷ ceiling | p99 komek ÷ ceiling |");
        println!("|---|---|---|");
        for (k, e) in pairs {
            println!("| {} | {:.2} | {:.1} |", k.customers, k.msgs_per_s / e.msgs_per_s, k.latency.p99 / e.latency.p99);
        }
    }

    fn print_errors(results: &[LevelResult]) {
        let troubled = |r: &&LevelResult| {
            r.errors > 0
                || r.check.out_of_order > 0
                || r.check.fetch_errors > 0
                || !r.server.log_problems.is_empty()
                || r.host_busy > BUSY_HOST
        };
        for r in results.iter().filter(troubled) {
            println!("\nProblems of {} with {} customers:", label(r.target), r.customers);
            for (kind, (count, detail)) in &r.error_kinds {
                println!("- {kind}: {count} (first: {detail})");
            }
            if r.check.out_of_order > 0 {
                println!("- customers whose history is out of send order: {}", r.check.out_of_order);
            }
            if r.check.fetch_errors > 0 {
                println!("- histories that could not be fetched: {}", r.check.fetch_errors);
            }
            if r.host_busy > BUSY_HOST {
                println!(
                    "- the machine was {:.0}% busy with other work just before: noisy figures",
                    r.host_busy * 100.0
                );
            }
            if let Some(first) = r.server.log_problems.first() {
                println!("- server log warnings/errors: {} (first: {first})", r.server.log_problems.len());
            }
        }
    }

    /// CPU model, logical CPUs and memory, from /proc.
    fn machine() -> String {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, m)| m.trim().to_string())
            .unwrap_or_else(|| "unknown CPU".into());
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: u64 = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        format!("{model}, {cpus} CPUs, {:.1} GiB RAM", mem_kib as f64 / (1024.0 * 1024.0))
    }
}

/// The ceiling: the same routes and JSON shapes with no NLU, no dialogue and no database — a store in
/// memory that echoes, so the no-loss check runs against it too.
mod echo {
    use std::collections::HashMap;
    use std::process::ExitCode;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::SystemTime;

    use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
    use axum::extract::{Path, Query, State};
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::{random_u64, utc_timestamp};

    pub fn serve(port: u16) -> ExitCode {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
        let result = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
            println!("echo is serving on http://{}", listener.local_addr()?);
            axum::serve(listener, router()).await
        });
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("echo server: {e}");
                ExitCode::FAILURE
            }
        }
    }

    fn router() -> Router {
        Router::new()
            .route("/readyz", get(|| async { Json(json!({"status": "ready"})) }))
            .route("/api/v1/chat/sessions", post(create_session))
            .route("/api/v1/chat/sessions/{id}/messages", post(post_message).get(list_messages))
            .route("/api/v1/chat/sessions/{id}/ws", get(websocket))
            .with_state(Arc::new(Store::default()))
    }

    #[derive(Default)]
    struct Store {
        sessions: Mutex<HashMap<String, Session>>,
        next_id: AtomicU64,
    }

    struct Session {
        token: String,
        messages: Vec<Value>,
    }

    impl Store {
        fn authorize(&self, id: &str, token: Option<&str>) -> Result<(), ApiError> {
            match self.sessions.lock().expect("store").get(id) {
                None => Err(ApiError(StatusCode::NOT_FOUND, "not_found")),
                Some(s) if Some(s.token.as_str()) != token => Err(ApiError(StatusCode::UNAUTHORIZED, "unauthorized")),
                Some(_) => Ok(()),
            }
        }

        /// Stores the customer's message and the bot's echo of it; returns both.
        fn echo(&self, id: &str, text: &str) -> Vec<Value> {
            let pair = vec![self.message("customer", text.to_string()), self.message("bot", format!("echo: {text}"))];
            if let Some(session) = self.sessions.lock().expect("store").get_mut(id) {
                session.messages.extend(pair.iter().cloned());
            }
            pair
        }

        fn message(&self, role: &str, text: String) -> Value {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
            json!({"id": id, "role": role, "text": text, "lang": "en", "created_at": utc_timestamp(SystemTime::now())})
        }
    }

    struct ApiError(StatusCode, &'static str);

    impl IntoResponse for ApiError {
        fn into_response(self) -> Response {
            (self.0, Json(json!({"error": {"code": self.1, "message": self.1.replace('_', " ")}}))).into_response()
        }
    }

    fn bearer(headers: &HeaderMap) -> Option<&str> {
        headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
    }

    async fn create_session(State(store): State<Arc<Store>>) -> impl IntoResponse {
        let id = format!("s_{:016x}", random_u64());
        let token = format!("{:016x}{:016x}", random_u64(), random_u64());
        let body = json!({"session_id": id, "token": token, "conversation_id": format!("c_{:016x}", random_u64())});
        store.sessions.lock().expect("store").insert(id, Session { token, messages: Vec::new() });
        (StatusCode::CREATED, Json(body))
    }

    async fn post_message(
        State(store): State<Arc<Store>>,
        Path(id): Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> Result<Json<Value>, ApiError> {
        store.authorize(&id, bearer(&headers))?;
        let text = body["text"].as_str().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(ApiError(StatusCode::BAD_REQUEST, "empty_text"));
        }
        Ok(Json(json!({"messages": store.echo(&id, text), "state": "bot"})))
    }

    #[derive(Deserialize)]
    struct After {
        after: Option<u64>,
    }

    async fn list_messages(
        State(store): State<Arc<Store>>,
        Path(id): Path<String>,
        Query(query): Query<After>,
        headers: HeaderMap,
    ) -> Result<Json<Value>, ApiError> {
        store.authorize(&id, bearer(&headers))?;
        let after = query.after.unwrap_or(0);
        let sessions = store.sessions.lock().expect("store");
        let messages: Vec<&Value> =
            sessions[&id].messages.iter().filter(|m| m["id"].as_u64().unwrap_or(0) > after).collect();
        Ok(Json(json!({"messages": messages, "state": "bot"})))
    }

    #[derive(Deserialize)]
    struct Token {
        token: Option<String>,
    }

    async fn websocket(
        State(store): State<Arc<Store>>,
        Path(id): Path<String>,
        Query(query): Query<Token>,
        upgrade: WebSocketUpgrade,
    ) -> Result<Response, ApiError> {
        store.authorize(&id, query.token.as_deref())?;
        Ok(upgrade.on_upgrade(move |socket| echo_socket(store, id, socket)))
    }

    /// Each client message frame gets two `message` events back: the customer's and the echo.
    async fn echo_socket(store: Arc<Store>, id: String, mut socket: WebSocket) {
        while let Some(Ok(frame)) = socket.recv().await {
            let Message::Text(body) = frame else { continue };
            let Ok(event) = serde_json::from_str::<Value>(&body) else { continue };
            let text = event["text"].as_str().unwrap_or_default();
            if event["type"] != "message" || text.trim().is_empty() {
                continue;
            }
            for message in store.echo(&id, text) {
                let event = json!({"type": "message", "message": message}).to_string();
                if socket.send(Message::Text(event.into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
