//! Load benchmark of the customer chat API (`/api/v1/chat/…`): many customers at once.
//!
//! For each level of concurrent customers (default 100 and 1000) and each target server, fresh server
//! processes are started on free ports with a fresh database, and every customer creates a session,
//! then sends messages. Even-numbered customers send over HTTP POST (latency: until the response
//! carrying the bot reply); odd-numbered ones over their WebSocket (latency: until the bot's reply
//! event arrives). Then every customer's full history is fetched to check that no message was lost
//! or stored twice and that each got a reply, and every socket's `message` events are compared with
//! that history (live events lost or delivered twice).
//!
//! Two ways of sending:
//!
//! - open loop (the default): messages at `--rate` messages per second per customer (jittered think
//!   time, never more than one message in flight); after a warm-up, `--duration` seconds are measured.
//! - closed loop (`--closed N`): every customer first gets its session (and socket), then all start
//!   together and each sends N messages, each as soon as the previous one is answered (no think
//!   time); messages/s is everything answered over the time from that start until the last reply.
//!
//! Databases and nodes: `--database sqlite` (default; one node, a fresh file per level) or
//! `--database postgres` (a fresh database per level on `KOMEK_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, made and dropped like the tests' own). With
//! PostgreSQL, `--nodes 1,2,3` starts that many `komek` processes on one database: each customer's
//! HTTP requests go round-robin over the nodes, request by request, and with more than one node a
//! WebSocket customer's socket is opened on one node while its messages are POSTed to the others —
//! the reply must come back as a live event through the node the socket is on. Peak RSS and CPU of a
//! target are summed over its nodes.
//!
//! Targets: `komek`, the real release binary, and `echo`, a bare axum server with the same routes and
//! JSON shapes that only echoes (this binary re-executed with `--echo-server PORT`): the ceiling that
//! axum, JSON and this load generator allow on this machine (always one process; with `--nodes` > 1
//! its WebSocket customers also POST and wait for the event on their socket). Both run as child
//! processes so that each one's peak RSS and CPU are its own.
//!
//! Run (the komek target needs the release binary first):
//!
//! ```text
//! cargo build --release -p komek
//! cargo bench -p komek-tests --bench load -- [--customers 100,1000] [--duration 20] [--warmup 3]
//!     [--rate 1.0] [--closed N] [--database sqlite|postgres] [--nodes 1,2,3] [--targets komek,echo]
//! ```
//!
//! `KOMEK_BIN` overrides the path of the `komek` binary (default `<target dir>/release/komek`).
//! 1000 customers need up to about 2,300 open files per process (more with several nodes): the soft
//! limit is raised (up to the hard limit) before anything starts; when the hard limit is lower a
//! warning says to run `ulimit -n …` first. The load generator shares the machine with the servers,
//! so the figures are for "all on one box".

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
    if options.database == Database::Sqlite && options.max_nodes() > 1 {
        Options::command()
            .error(clap::error::ErrorKind::ValueValidation, "--nodes above 1 needs --database postgres (a SQLite node is alone)")
            .exit();
    }
    // Our own arguments as given (without the `--bench` cargo adds), for printing the exact command.
    options.args = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    raise_open_files_limit(options.max_customers(), options.max_nodes());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every level against every target, one fresh set of servers at a time, then prints the report.
async fn run(options: &Options) -> Result<(), String> {
    let komek_bin = match options.targets.contains(&Target::Komek) {
        true => Some(komek_binary()?),
        false => None,
    };
    if options.database == Database::Postgres
        && options.targets.contains(&Target::Komek)
        && let Some(problem) = komek_tests::postgres::server_problem().await
    {
        return Err(format!("--database postgres: {problem} (set KOMEK_TEST_POSTGRES_URL)"));
    }
    let mut results = Vec::new();
    for &nodes in &options.nodes {
        for &customers in &options.customers {
            for &target in &options.targets {
                let shown_nodes = if target == Target::Komek { format!(", {nodes} node(s)") } else { String::new() };
                eprintln!("== {} with {customers} customers{shown_nodes}", target.name());
                match run_level(target, customers, nodes, options, komek_bin.as_deref()).await {
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
    }
    report::print(options, &results);
    Ok(())
}

/// One target at one level: `nodes` is the level's node count (the echo ceiling is one process, but
/// its customers talk to it the way they talk to that many komek nodes).
async fn run_level(
    target: Target,
    customers: usize,
    nodes: usize,
    options: &Options,
    komek_bin: Option<&Path>,
) -> Result<report::LevelResult, String> {
    let host_busy = host_busy().await;
    if host_busy > report::BUSY_HOST {
        eprintln!("   WARNING: the machine is {:.0}% busy without us: expect noisy latencies", host_busy * 100.0);
    }
    let label = format!("{}-{nodes}n-{customers}", target.name());
    let processes = if target == Target::Komek { nodes } else { 1 };
    let cluster = server::Cluster::start(target, komek_bin, &label, options, processes).await?;
    let pace = match options.closed {
        Some(messages) => load::Pace::Closed { messages },
        None => load::Pace::Open { warmup: options.warmup, duration: options.duration, rate: options.rate },
    };
    let plan = load::Plan { bases: cluster.bases(), split: nodes > 1, customers, pace };
    let with_postgres = target == Target::Komek && options.database == Database::Postgres;
    let postgres_cpu = || if with_postgres { postgres_cpu_seconds() } else { Default::default() };
    let (server_cpu_before, own_cpu_before, postgres_before) = (cluster.cpu_seconds(), process_cpu_seconds("self"), postgres_cpu());
    let outcome = load::run(&plan).await;
    let server_cpu = cluster.cpu_seconds() - server_cpu_before;
    let own_cpu = process_cpu_seconds("self") - own_cpu_before;
    let postgres_after = postgres_cpu();
    // Backends that were there before and after (plus new ones): one that exited meanwhile is not counted.
    let database_cpu: f64 = postgres_after.iter().map(|(pid, after)| after - postgres_before.get(pid).copied().unwrap_or(0.0)).sum();
    let check = load::check_histories(&plan, &outcome).await;
    let figures = cluster.figures();
    cluster.stop().await;
    let mut result = report::LevelResult::new(target, nodes, processes, &plan, &outcome, check, figures);
    result.host_busy = host_busy;
    result.server_cpu_s = server_cpu;
    result.generator_cpu_s = own_cpu;
    result.database_cpu_s = with_postgres.then_some(database_cpu);
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

/// User + system CPU seconds of a process (all its threads) so far, from `/proc/PID/stat` (`self`
/// for ours); 0 when it is gone. Clock ticks are 100 per second on Linux (`USER_HZ`).
fn process_cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    // The command name may hold spaces and parentheses: fields count from after the last ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3 of the man page, utime 14 and stime 15.
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    (ticks(14) + ticks(15)) as f64 / 100.0
}

/// CPU seconds so far of every PostgreSQL process on this machine (server and backends), by pid:
/// the database's share of a level's work when the server runs here (other clients count too).
fn postgres_cpu_seconds() -> std::collections::HashMap<u32, f64> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Default::default() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres"))
        .map(|pid| (pid, process_cpu_seconds(&pid.to_string())))
        .collect()
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

/// The database of the komek target.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Database {
    /// A fresh SQLite file per level (one node).
    Sqlite,
    /// A fresh PostgreSQL database per level, shared by the level's nodes.
    #[value(alias = "postgresql")]
    Postgres,
}

impl Database {
    fn name(self) -> &'static str {
        match self {
            Database::Sqlite => "SQLite",
            Database::Postgres => "PostgreSQL",
        }
    }
}

/// Load benchmark of the customer chat API: many customers at once.
#[derive(Parser, Debug)]
#[command(name = "load", override_usage = "cargo bench -p komek-tests --bench load -- [OPTIONS]")]
struct Options {
    /// Levels of concurrent customers.
    #[arg(long, value_delimiter = ',', default_value = "100,1000", value_parser = count)]
    customers: Vec<usize>,
    /// Seconds measured at each level, after the warm-up (open loop).
    #[arg(long, value_name = "SECONDS", default_value = "20", value_parser = seconds)]
    duration: Duration,
    /// Seconds of warm-up at each level (open loop).
    #[arg(long, value_name = "SECONDS", default_value = "3", value_parser = seconds)]
    warmup: Duration,
    /// Messages per second each customer offers (open loop).
    #[arg(long, value_name = "MSGS_PER_SECOND_PER_CUSTOMER", default_value_t = 1.0, value_parser = positive)]
    rate: f64,
    /// Closed loop: each customer sends N messages, each as soon as the previous one is answered (no
    /// think time); --duration, --warmup and --rate do not apply.
    #[arg(long, value_name = "N", value_parser = count)]
    closed: Option<usize>,
    /// The komek target's database.
    #[arg(long, value_enum, default_value = "sqlite")]
    database: Database,
    /// Levels of komek nodes on one database (above 1 needs --database postgres).
    #[arg(long, value_delimiter = ',', default_value = "1", value_parser = count)]
    nodes: Vec<usize>,
    /// Servers to load, fresh processes per level.
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

    fn max_nodes(&self) -> usize {
        self.nodes.iter().copied().max().unwrap_or(1)
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

/// Each customer holds a socket in the load generator per node it talks to, and one in each server
/// (which inherits our limit): raise the soft open-files limit, with headroom, as far as the hard
/// limit allows.
fn raise_open_files_limit(customers: usize, nodes: usize) {
    let needed = (customers * (nodes + 1)) as u64 + 300;
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

/// The servers under test as child processes: started on free ports, polled until ready, their memory
/// sampled, killed at the end; with PostgreSQL, the level's database made before and dropped after.
mod server {
    use std::fs::File;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use komek_tests::postgres::PgDatabase;
    use tempfile::TempDir;

    use super::{Database, Options, Target, process_cpu_seconds};

    /// The first start of komek may train its models when the content changed: be patient.
    const READY_TIMEOUT: Duration = Duration::from_secs(600);
    /// The back-office token every komek node gets (the same on all nodes of a database).
    const ADMIN_TOKEN: &str = "load-bench-admin-token";

    /// What the server processes themselves showed (summed over the nodes of a target).
    #[derive(Default)]
    pub struct ServerFigures {
        /// Resident memory right after they became ready, before any customer.
        pub ready_rss_kib: u64,
        /// Per node the larger of the kernel's high-water mark (VmHWM) and our 250 ms VmRSS samples,
        /// summed over the nodes.
        pub peak_rss_kib: u64,
        /// WARN and ERROR lines of their logs: trouble the customers may not have seen.
        pub log_problems: Vec<String>,
    }

    /// The processes of one target at one level, and the PostgreSQL database they share.
    pub struct Cluster {
        nodes: Vec<ServerProcess>,
        database: Option<PgDatabase>,
    }

    impl Cluster {
        /// Starts `processes` servers: komek nodes one after the other (the first one migrates the
        /// database), or the single echo process.
        pub async fn start(
            target: Target,
            komek_bin: Option<&Path>,
            label: &str,
            options: &Options,
            processes: usize,
        ) -> Result<Self, String> {
            let database = match (target, options.database) {
                (Target::Komek, Database::Postgres) => Some(PgDatabase::create().await),
                _ => None,
            };
            let mut cluster = Self { nodes: Vec::with_capacity(processes), database };
            let settings = Settings {
                database_url: cluster.database.as_ref().map(|d| d.url.clone()),
                rate: options.rate,
                burst: 1000.max(options.closed.unwrap_or(0) + 10),
            };
            for index in 0..processes {
                let node_label = match processes {
                    1 => label.to_string(),
                    _ => format!("{label}-node{}", index + 1),
                };
                match ServerProcess::start(target, komek_bin, &node_label, &settings).await {
                    Ok(node) => cluster.nodes.push(node),
                    Err(e) => {
                        cluster.stop().await;
                        return Err(e);
                    }
                }
            }
            Ok(cluster)
        }

        pub fn bases(&self) -> Vec<String> {
            self.nodes.iter().map(|n| n.base.clone()).collect()
        }

        /// CPU seconds used so far by all the processes.
        pub fn cpu_seconds(&self) -> f64 {
            self.nodes.iter().map(|n| process_cpu_seconds(&n.child.id().to_string())).sum()
        }

        /// Read while the servers still run (VmHWM disappears with the process).
        pub fn figures(&self) -> ServerFigures {
            let mut figures = ServerFigures::default();
            for (index, node) in self.nodes.iter().enumerate() {
                let one = node.figures();
                figures.ready_rss_kib += one.ready_rss_kib;
                figures.peak_rss_kib += one.peak_rss_kib;
                let prefix = if self.nodes.len() > 1 { format!("[node {}] ", index + 1) } else { String::new() };
                figures.log_problems.extend(one.log_problems.into_iter().map(|l| format!("{prefix}{l}")));
            }
            figures
        }

        /// Kills the servers (and removes their folders), then drops the database.
        pub async fn stop(mut self) {
            self.nodes.clear();
            if let Some(database) = self.database.take() {
                database.drop_database().await;
            }
        }
    }

    /// How the komek nodes of a level are configured.
    struct Settings {
        /// PostgreSQL: the level's database; `None`: a SQLite file in the node's folder.
        database_url: Option<String>,
        rate: f64,
        burst: usize,
    }

    /// Fields drop after `drop()` has killed the child: then its folder is removed.
    struct ServerProcess {
        child: Child,
        base: String,
        dir: TempDir,
        sampled_rss_kib: Arc<AtomicU64>,
        sampler: tokio::task::JoinHandle<()>,
        ready_rss_kib: u64,
    }

    impl ServerProcess {
        async fn start(target: Target, komek_bin: Option<&Path>, label: &str, settings: &Settings) -> Result<Self, String> {
            let port = free_port()?;
            let dir = tempfile::Builder::new()
                .prefix(&format!("komek-load-{label}-"))
                .tempdir()
                .map_err(|e| format!("a temporary folder: {e}"))?;
            let log = File::create(dir.path().join("server.log")).map_err(|e| format!("server log: {e}"))?;
            let mut command = match target {
                Target::Komek => komek_command(komek_bin.expect("komek binary checked"), port, dir.path(), label, settings),
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

        fn figures(&self) -> ServerFigures {
            let hwm = status_kib(self.child.id(), "VmHWM:").unwrap_or(0);
            ServerFigures {
                ready_rss_kib: self.ready_rss_kib,
                peak_rss_kib: hwm.max(self.sampled_rss_kib.load(Ordering::Relaxed)),
                log_problems: self.log_problems(),
            }
        }

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

    fn komek_command(bin: &Path, port: u16, dir: &Path, label: &str, settings: &Settings) -> Command {
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
        let models = models.canonicalize().unwrap_or(models);
        let database_url = match &settings.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", dir.join("komek.db").display()),
        };
        let mut command = Command::new(bin);
        command
            .arg("serve")
            .env("KOMEK_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("KOMEK_MODELS", models)
            .env("KOMEK_ADMIN_TOKEN", ADMIN_TOKEN)
            // Its name in the logs, presence and leases of a shared database.
            .env("KOMEK_NODE_ID", label)
            // Each customer comes from its own address, as behind a proxy (see `FORWARDED_FOR`).
            .env("KOMEK_TRUSTED_PROXY_HEADER", crate::load::FORWARDED_FOR)
            // Plain log lines (no colour codes) for `log_problems`.
            .env("NO_COLOR", "1")
            // The per-session limit protects against abusive clients: with these values it still
            // runs (its cost is part of the figures) but never refuses the benchmark's customers.
            .env("KOMEK_RATE_BURST", settings.burst.to_string())
            .env("KOMEK_RATE_PER_SECOND", (settings.rate * 10.0).max(100.0).to_string());
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

/// The customers: sessions, paced or closed-loop messages over HTTP or WebSocket, latencies, and the
/// history and live-event checks.
mod load {
    use std::collections::HashMap;
    use std::ops::Range;
    use std::sync::Arc;
    use std::time::Duration;

    use futures_util::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use tokio::net::TcpStream;
    use tokio::sync::{Barrier, Semaphore};
    use tokio::time::{Instant, sleep_until, timeout, timeout_at};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

    use super::random_unit;

    type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

    /// How long a customer waits for the bot's reply before counting an error.
    const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
    /// A customer who POSTs while listening on a socket elsewhere: how long after the POST's answer
    /// the reply's event may take to arrive on the socket before it counts as missing.
    const LIVE_TIMEOUT: Duration = Duration::from_secs(5);
    /// At the end, a socket is read for events still on their way until it has been quiet this
    /// long (at most `DRAIN_MAX`).
    const DRAIN_QUIET: Duration = Duration::from_millis(500);
    const DRAIN_MAX: Duration = Duration::from_secs(3);
    /// Closed loop: customers getting their session and socket at once (before the common start).
    const SETUP_CONCURRENCY: usize = 64;
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

    /// How customers send.
    #[derive(Clone, Copy, Debug)]
    pub enum Pace {
        /// `rate` messages per second each (jittered think time), `duration` measured after `warmup`.
        Open { warmup: Duration, duration: Duration, rate: f64 },
        /// `messages` each, every one as soon as the previous one is answered, all starting together.
        Closed { messages: usize },
    }

    pub struct Plan {
        /// The nodes (one base URL each).
        pub bases: Vec<String>,
        /// WebSocket customers POST their messages (to nodes other than their socket's, when there
        /// are several) and wait for the reply's event on the socket, instead of sending over it.
        pub split: bool,
        pub customers: usize,
        pub pace: Pace,
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

    /// Which node a customer's request goes to: its session is made on node `index`, its socket is
    /// opened on the next one, and its messages go round-robin request by request — over all nodes,
    /// or, for a socket customer who POSTs (`Plan::split`), over the nodes other than its socket's.
    #[derive(Clone, Copy)]
    struct Route {
        index: usize,
        nodes: usize,
    }

    impl Route {
        fn session(self) -> usize {
            self.index % self.nodes
        }

        fn socket(self) -> usize {
            (self.index + 1) % self.nodes
        }

        /// The node of the customer's `n`th message.
        fn message(self, n: usize, avoid_socket: bool) -> usize {
            match avoid_socket && self.nodes > 1 {
                true => (self.socket() + 1 + n % (self.nodes - 1)) % self.nodes,
                false => (self.index + 1 + n) % self.nodes,
            }
        }

        /// The node the history is read from at the end (not the session's own, when there are others).
        fn history(self) -> usize {
            (self.index + 2) % self.nodes
        }
    }

    /// The `message` events one customer's socket delivered.
    #[derive(Default)]
    pub struct LiveLog {
        /// Message id → (times received, first arrival).
        seen: HashMap<i64, (u32, Instant)>,
        /// Sockets opened (more than one: it broke, and what came meanwhile cannot be expected).
        connects: usize,
        /// The socket broke (or could not be opened) at some point.
        broken: bool,
        /// `resync` frames: the server said events were missed and the client should re-read.
        resyncs: usize,
    }

    impl LiveLog {
        /// Notes a server event: message ids and resyncs.
        fn note(&mut self, event: &Value) {
            match event["type"].as_str() {
                Some("message") => {
                    if let Some(id) = event["message"]["id"].as_i64() {
                        self.seen.entry(id).or_insert((0, Instant::now())).0 += 1;
                    }
                }
                Some("resync") => self.resyncs += 1,
                _ => {}
            }
        }
    }

    /// What one customer did.
    pub struct CustomerLog {
        pub kind: ChannelKind,
        route: Route,
        session: Option<Session>,
        /// Texts the server accepted, in send order: each must be in the history exactly once.
        acked: Vec<String>,
        /// Texts whose fate is unknown (timeouts, 5xx, broken sockets): at most once.
        unsure: Vec<String>,
        pub samples: Vec<Sample>,
        /// Send times of all attempts, for counting the messages of the measured window.
        pub attempts: Vec<Duration>,
        pub failures: Vec<Failure>,
        /// WebSocket customers: what their socket delivered.
        live: Option<LiveLog>,
        /// Closed loop: from the level's start, when this customer began sending and when its last
        /// message was answered (or failed).
        began: Option<Duration>,
        finished: Option<Duration>,
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
        /// The measured window, from the level's start: open loop after the warm-up; closed loop from
        /// the common start until the last answer.
        pub window: Range<Duration>,
        /// Its length (messages/s = answered in it ÷ this).
        pub measured: Duration,
    }

    struct Context {
        bases: Vec<String>,
        split: bool,
        client: reqwest::Client,
        start: Instant,
        pace: Pace,
        /// Closed loop: everyone starts sending together, once every session and socket is there.
        barrier: Barrier,
        setup: Semaphore,
    }

    /// One shared client: its pool keeps an idle keep-alive connection per HTTP customer and node.
    pub fn http_client(customers: usize) -> reqwest::Client {
        reqwest::Client::builder()
            .pool_max_idle_per_host(customers.max(1))
            .tcp_nodelay(true)
            .timeout(REPLY_TIMEOUT)
            .build()
            .expect("HTTP client")
    }

    /// Runs all customers until they are done (open loop: warm-up + duration is over; closed loop:
    /// all their messages are sent) and their last replies are in.
    pub async fn run(plan: &Plan) -> Outcome {
        let start = Instant::now();
        let context = Arc::new(Context {
            bases: plan.bases.clone(),
            split: plan.split,
            client: http_client(plan.customers),
            start,
            pace: plan.pace,
            barrier: Barrier::new(plan.customers),
            setup: Semaphore::new(SETUP_CONCURRENCY),
        });
        let tasks: Vec<_> = (0..plan.customers).map(|index| tokio::spawn(customer(context.clone(), index))).collect();
        let mut customers = Vec::with_capacity(tasks.len());
        for task in tasks {
            customers.push(task.await.expect("customer task"));
        }
        let (window, measured) = match plan.pace {
            Pace::Open { warmup, duration, .. } => (warmup..warmup + duration, duration),
            Pace::Closed { .. } => {
                let began = customers.iter().filter_map(|c| c.began).min().unwrap_or_default();
                let finished = customers.iter().filter_map(|c| c.finished).max().unwrap_or(began);
                // Every attempt of the closed loop counts: the end is inclusive.
                (began..finished + Duration::from_nanos(1), finished - began)
            }
        };
        Outcome { customers, window, measured }
    }

    async fn customer(context: Arc<Context>, index: usize) -> CustomerLog {
        let kind = if index.is_multiple_of(2) { ChannelKind::Http } else { ChannelKind::Ws };
        let route = Route { index, nodes: context.bases.len() };
        let mut log = CustomerLog {
            kind,
            route,
            session: None,
            acked: Vec::new(),
            unsure: Vec::new(),
            samples: Vec::new(),
            attempts: Vec::new(),
            failures: Vec::new(),
            live: None,
            began: None,
            finished: None,
        };
        let mut channel = Channel::new(kind, context.split);
        let session = match context.pace {
            Pace::Open { warmup, .. } => {
                // Customers arrive spread over the first half of the warm-up, not in the same millisecond.
                sleep_until(context.start + warmup.mul_f64(0.5 * random_unit())).await;
                set_up(&context, route, index, &mut channel, &mut log).await
            }
            Pace::Closed { .. } => {
                let permit = context.setup.acquire().await.expect("setup semaphore");
                let session = set_up(&context, route, index, &mut channel, &mut log).await;
                drop(permit);
                // Everyone, with a session or without, so that nobody waits for a customer who failed.
                context.barrier.wait().await;
                session
            }
        };
        if let Some(session) = &session {
            match context.pace {
                Pace::Open { rate, .. } => open_loop(&context, route, index, session, &mut channel, &mut log, rate).await,
                Pace::Closed { messages } => {
                    log.began = Some(context.start.elapsed());
                    for count in 0..messages {
                        send_one(&context, route, index, count, session, &mut channel, &mut log).await;
                    }
                    log.finished = Some(context.start.elapsed());
                }
            }
        }
        log.live = channel.close().await;
        log.session = session;
        log
    }

    /// A session, and — as the widget does as soon as it has one — the socket.
    async fn set_up(context: &Context, route: Route, index: usize, channel: &mut Channel, log: &mut CustomerLog) -> Option<Session> {
        let session = match create_session(context, &context.bases[route.session()], index).await {
            Ok(session) => session,
            Err(failure) => {
                log.failures.push(failure);
                return None;
            }
        };
        if let Err(failure) = channel.connect(context, route, &session).await {
            log.failures.push(failure);
        }
        Some(session)
    }

    async fn open_loop(
        context: &Context,
        route: Route,
        index: usize,
        session: &Session,
        channel: &mut Channel,
        log: &mut CustomerLog,
        rate: f64,
    ) {
        let Pace::Open { warmup, duration, .. } = context.pace else { return };
        let end = context.start + warmup + duration;
        let interval = Duration::from_secs_f64(1.0 / rate);
        // A random phase, so that customers who arrived together do not type together.
        let mut next = Instant::now() + interval.mul_f64(random_unit());
        let mut count = 0;
        while next < end {
            sleep_until(next).await;
            send_one(context, route, index, count, session, channel, log).await;
            count += 1;
            // Think time of 0.5–1.5 intervals (mean 1/rate), scheduled from the previous plan, not
            // from the reply (open loop); after a slow reply the next message goes at once, without
            // catching up in a burst: one message in flight at most.
            next = (next + interval.mul_f64(0.5 + random_unit())).max(Instant::now());
        }
    }

    /// The customer's `count`th message (a broken socket is opened again first).
    async fn send_one(
        context: &Context,
        route: Route,
        index: usize,
        count: usize,
        session: &Session,
        channel: &mut Channel,
        log: &mut CustomerLog,
    ) {
        if let Err(failure) = channel.connect(context, route, session).await {
            log.failures.push(failure);
            return;
        }
        let text = message_text(index, count);
        let sent = Instant::now();
        let result = channel.send(context, route, count, session, &text, sent).await;
        log.record(text, sent - context.start, result);
    }

    fn message_text(customer: usize, count: usize) -> String {
        // Each customer starts somewhere else in the mix, so every question is asked all the time.
        let template = MESSAGES[(customer * 7 + count) % MESSAGES.len()];
        let order = 100_001 + (customer + count * 3) % 40;
        template.replace("{order}", &order.to_string())
    }

    async fn create_session(context: &Context, base: &str, index: usize) -> Result<Session, Failure> {
        let locale = ["ru-RU", "kk-KZ", "en-US"][index % 3];
        let address = customer_address(index);
        let resp = context
            .client
            .post(format!("{base}/api/v1/chat/sessions"))
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

    /// How a customer sends.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Way {
        /// POST; the answer carries the reply.
        Http,
        /// Over the socket; the reply comes as its event.
        Ws,
        /// POST (to another node than the socket's, when there are several); the reply is awaited
        /// as an event on the socket.
        Split,
    }

    /// A customer's way of sending and, for socket customers, the socket (`None` until connected or
    /// after it broke: opened again before the next message) and what it delivered.
    struct Channel {
        way: Way,
        socket: Option<Box<WsStream>>,
        live: LiveLog,
    }

    impl Channel {
        fn new(kind: ChannelKind, split: bool) -> Self {
            let way = match (kind, split) {
                (ChannelKind::Http, _) => Way::Http,
                (ChannelKind::Ws, false) => Way::Ws,
                (ChannelKind::Ws, true) => Way::Split,
            };
            Self { way, socket: None, live: LiveLog::default() }
        }

        async fn connect(&mut self, context: &Context, route: Route, session: &Session) -> Result<(), Failure> {
            if self.way == Way::Http || self.socket.is_some() {
                return Ok(());
            }
            let connected = match connect_ws(&context.bases[route.socket()], session).await {
                // Messages posted elsewhere reach the socket only once the server listens for the
                // session's events, which it may do a moment after the upgrade: wait for that.
                Ok(mut socket) if self.way == Way::Split => listening(&mut socket, &mut self.live).await.map(|()| socket),
                other => other,
            };
            match connected {
                Ok(socket) => {
                    self.socket = Some(Box::new(socket));
                    self.live.connects += 1;
                    if self.live.connects > 1 {
                        self.live.broken = true;
                    }
                    Ok(())
                }
                Err(failure) => {
                    self.live.broken = true;
                    Err(failure)
                }
            }
        }

        /// Sends the `count`th message; its latency when answered.
        async fn send(
            &mut self,
            context: &Context,
            route: Route,
            count: usize,
            session: &Session,
            text: &str,
            sent: Instant,
        ) -> Result<Duration, Failure> {
            match self.way {
                Way::Http => {
                    let base = &context.bases[route.message(count, false)];
                    send_http(context, base, session, text).await.map(|_| sent.elapsed())
                }
                Way::Ws => {
                    let socket = self.socket.as_mut().expect("connected");
                    let result = exchange_ws(socket, &mut self.live, text).await.map(|()| sent.elapsed());
                    if result.is_err() {
                        // A late reply on this socket would be taken for the next message's.
                        self.socket = None;
                        self.live.broken = true;
                    }
                    result
                }
                Way::Split => {
                    let base = &context.bases[route.message(count, true)];
                    let socket = self.socket.as_mut().expect("connected");
                    let mut broken = false;
                    let result = exchange_split(context, base, session, socket, &mut self.live, text, sent, &mut broken).await;
                    if broken {
                        self.socket = None;
                        self.live.broken = true;
                    }
                    result
                }
            }
        }

        /// Reads what is still on its way to the socket, closes it, and hands over what it delivered.
        async fn close(mut self) -> Option<LiveLog> {
            if self.way == Way::Http {
                return None;
            }
            if let Some(mut socket) = self.socket.take() {
                let until = Instant::now() + DRAIN_MAX;
                while let Ok(Some(Ok(frame))) = timeout(DRAIN_QUIET.min(until.saturating_duration_since(Instant::now())), socket.next()).await {
                    if let Ok(Some(event)) = read_event(Some(Ok(frame))) {
                        self.live.note(&event);
                    }
                    if Instant::now() >= until {
                        break;
                    }
                }
                // The socket's own close (with a close frame), not `SinkExt::close` of the box.
                let _ = timeout(Duration::from_secs(2), WebSocketStream::close(&mut *socket, None)).await;
            }
            Some(self.live)
        }
    }

    /// POSTs a message; the messages of the answer (with the customer's own and a bot reply).
    async fn send_http(context: &Context, base: &str, session: &Session, text: &str) -> Result<Vec<Value>, Failure> {
        let url = format!("{base}/api/v1/chat/sessions/{}/messages", session.id);
        let request = context.client.post(url).bearer_auth(&session.token).header(FORWARDED_FOR, &session.address).json(&json!({"text": text}));
        let resp = request.send().await.map_err(post_failure)?;
        let status = resp.status();
        if !status.is_success() {
            let stored = if status.is_server_error() { Stored::Maybe } else { Stored::No };
            let body = resp.text().await.unwrap_or_default();
            return Err(Failure::new(format!("post {}", status.as_u16()), body, stored));
        }
        let mut body: Value = resp.json().await.map_err(|e| Failure::new("post body", e, Stored::Maybe))?;
        let messages = match body["messages"].take() {
            Value::Array(messages) => messages,
            _ => Vec::new(),
        };
        let own = messages.iter().any(|m| m["role"] == "customer" && m["text"] == text);
        let bot = messages.iter().any(|m| m["role"] == "bot");
        match (own, bot) {
            (true, true) => Ok(messages),
            (true, false) => Err(Failure::new("post without bot reply", json!(messages), Stored::Yes)),
            (false, _) => Err(Failure::new("post without own message", json!(messages), Stored::Maybe)),
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

    async fn connect_ws(base: &str, session: &Session) -> Result<WsStream, Failure> {
        let url = format!(
            "{}/api/v1/chat/sessions/{}/ws?token={}",
            base.replacen("http://", "ws://", 1),
            session.id,
            url::form_urlencoded::byte_serialize(session.token.as_bytes()).collect::<String>()
        );
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.into_client_request().map_err(|e| Failure::new("ws request", e, Stored::No))?;
        if let Ok(value) = session.address.parse() {
            request.headers_mut().insert(FORWARDED_FOR, value);
        }
        // No Nagle, as browsers do (and as the HTTP client here).
        match timeout(Duration::from_secs(10), tokio_tungstenite::connect_async_with_config(request, None, true)).await {
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(e)) => Err(Failure::new("ws connect", e, Stored::No)),
            Err(_) => Err(Failure::new("ws connect timeout", "10 s", Stored::No)),
        }
    }

    /// Pings the server and waits for its pong: the server answers from the loop that reads the
    /// socket, which both komek and the echo start only after subscribing to the session's events.
    async fn listening(socket: &mut WsStream, live: &mut LiveLog) -> Result<(), Failure> {
        socket.send(WsMessage::Ping(b"load".to_vec().into())).await.map_err(|e| Failure::new("ws ping", e, Stored::No))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match timeout_at(deadline, socket.next()).await {
                Err(_) => return Err(Failure::new("ws pong timeout", "10 s", Stored::No)),
                Ok(Some(Ok(WsMessage::Pong(_)))) => return Ok(()),
                Ok(frame) => match read_event(frame) {
                    Ok(Some(event)) => live.note(&event),
                    Ok(None) => {}
                    Err(mut failure) => {
                        failure.stored = Stored::No;
                        return Err(failure);
                    }
                },
            }
        }
    }

    /// One frame from the socket as a server event: `None` for frames that are no text (pings);
    /// an error when the socket ended, broke or sent something that is not JSON.
    fn read_event(frame: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>) -> Result<Option<Value>, Failure> {
        let body = match frame {
            None => return Err(Failure::new("ws closed", "end of stream", Stored::Maybe)),
            Some(Err(e)) => return Err(Failure::new("ws read", e, Stored::Maybe)),
            Some(Ok(WsMessage::Text(body))) => body,
            Some(Ok(WsMessage::Close(reason))) => return Err(Failure::new("ws closed", format!("{reason:?}"), Stored::Maybe)),
            Some(Ok(_)) => return Ok(None),
        };
        serde_json::from_str(&body).map(Some).map_err(|_| Failure::new("ws bad event", body.as_str(), Stored::Maybe))
    }

    /// Sends one message and waits for the first bot message after the echo of our own one (bot
    /// messages that arrive before it belong to an earlier turn).
    async fn exchange_ws(socket: &mut WsStream, live: &mut LiveLog, text: &str) -> Result<(), Failure> {
        let frame = json!({"type": "message", "text": text}).to_string();
        socket.send(WsMessage::text(frame)).await.map_err(|e| Failure::new("ws send", e, Stored::Maybe))?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        let mut own_seen = false;
        loop {
            let frame = timeout_at(deadline, socket.next())
                .await
                .map_err(|_| Failure::new("ws reply timeout", "30 s", Stored::Maybe))?;
            let Some(event) = read_event(frame)? else { continue };
            live.note(&event);
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
                _ => {} // typing, state and resync events
            }
        }
    }

    /// POSTs one message to `base` while reading the socket, then waits (at most `LIVE_TIMEOUT`
    /// after the answer) for the answer's first bot message to arrive on the socket as an event; the
    /// latency runs until that event. Events are matched by message id, so a late one is no
    /// confusion and the socket is only given up (`broken`) when it failed.
    #[allow(clippy::too_many_arguments)]
    async fn exchange_split(
        context: &Context,
        base: &str,
        session: &Session,
        socket: &mut WsStream,
        live: &mut LiveLog,
        text: &str,
        sent: Instant,
        broken: &mut bool,
    ) -> Result<Duration, Failure> {
        let post = send_http(context, base, session, text);
        tokio::pin!(post);
        let mut socket_failure = None;
        let answer = loop {
            tokio::select! {
                result = &mut post => break result,
                frame = socket.next(), if socket_failure.is_none() => match read_event(frame) {
                    Ok(Some(event)) => live.note(&event),
                    Ok(None) => {}
                    Err(failure) => socket_failure = Some(failure),
                },
            }
        };
        *broken = socket_failure.is_some();
        let messages = answer?;
        // Stored: the POST was answered with the message in it.
        let stored = |mut failure: Failure| {
            failure.stored = Stored::Yes;
            failure
        };
        if let Some(failure) = socket_failure {
            return Err(stored(failure));
        }
        let bot_id = messages.iter().find(|m| m["role"] == "bot").and_then(|m| m["id"].as_i64());
        let Some(bot_id) = bot_id else {
            return Err(Failure::new("post bot reply without id", json!(messages), Stored::Yes));
        };
        let deadline = Instant::now() + LIVE_TIMEOUT;
        loop {
            if let Some((_, arrived)) = live.seen.get(&bot_id) {
                return Ok(arrived.saturating_duration_since(sent));
            }
            let frame = match timeout_at(deadline, socket.next()).await {
                Ok(frame) => frame,
                Err(_) => {
                    let detail = format!("no event for bot message {bot_id} within {LIVE_TIMEOUT:?} of the POST's answer");
                    return Err(Failure::new("ws reply event missing (POST answered)", detail, Stored::Yes));
                }
            };
            match read_event(frame) {
                Ok(Some(event)) => live.note(&event),
                Ok(None) => {}
                Err(failure) => {
                    *broken = true;
                    return Err(stored(failure));
                }
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
        /// Socket customers whose socket stayed open all along: each message of their history from
        /// their first message on must have come as an event.
        pub live_checked: usize,
        /// Socket customers not checked for lost events (their socket broke or never opened).
        pub live_unchecked: usize,
        /// Messages of checked customers' histories that never came as an event.
        pub live_lost: usize,
        /// Events of a message delivered more than once on one socket (every socket customer).
        pub live_duplicated: usize,
        /// `resync` frames received.
        pub resyncs: usize,
    }

    impl Check {
        fn add(&mut self, other: Check) {
            self.lost += other.lost;
            self.duplicated += other.duplicated;
            self.unanswered += other.unanswered;
            self.out_of_order += other.out_of_order;
            self.fetch_errors += other.fetch_errors;
            self.live_checked += other.live_checked;
            self.live_unchecked += other.live_unchecked;
            self.live_lost += other.live_lost;
            self.live_duplicated += other.live_duplicated;
            self.resyncs += other.resyncs;
        }
    }

    pub async fn check_histories(plan: &Plan, outcome: &Outcome) -> Check {
        let client = http_client(CHECK_CONCURRENCY);
        let checks: Vec<Check> = futures_util::stream::iter(outcome.customers.iter())
            .filter_map(|log| std::future::ready(log.session.as_ref().map(|s| (log, s))))
            .map(|(log, session)| {
                let client = client.clone();
                let base = &plan.bases[log.route.history()];
                async move {
                    match fetch_history(&client, base, session).await {
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
        if let Some(live) = &log.live {
            check.live_duplicated = live.seen.values().map(|(n, _)| n.saturating_sub(1) as usize).sum();
            check.resyncs = live.resyncs;
            if live.broken || live.connects != 1 {
                check.live_unchecked = 1;
            } else {
                check.live_checked = 1;
                // The socket was open before the first message: from it on, everything is live.
                let first = history.iter().position(|m| m["role"] == "customer").unwrap_or(history.len());
                check.live_lost = history[first..]
                    .iter()
                    .filter_map(|m| m["id"].as_i64())
                    .filter(|id| !live.seen.contains_key(id))
                    .count();
            }
        }
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

    use super::load::{ChannelKind, Check, Outcome, Pace, Plan};
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
        /// The level's komek nodes (the echo ceiling is one process, talked to the same way).
        pub nodes: usize,
        /// Server processes of this target.
        pub processes: usize,
        pub customers: usize,
        /// Closed loop: messages per customer.
        pub closed: Option<usize>,
        /// Customers who got a session.
        pub sessions: usize,
        /// Messages sent in the measured window.
        pub sent: usize,
        /// Of those, answered without error.
        pub answered: usize,
        /// Answered over the whole run (warm-up included), for CPU per message.
        pub answered_all: usize,
        /// The measured window's length.
        pub measured: Duration,
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
        /// CPU seconds of the server processes (summed) and of the load generator while customers ran.
        pub server_cpu_s: f64,
        pub generator_cpu_s: f64,
        /// CPU seconds of the PostgreSQL processes on this machine meanwhile (komek on PostgreSQL).
        pub database_cpu_s: Option<f64>,
    }

    impl LevelResult {
        pub fn new(
            target: Target,
            nodes: usize,
            processes: usize,
            plan: &Plan,
            outcome: &Outcome,
            check: Check,
            server: ServerFigures,
        ) -> Self {
            let in_window = |at: &Duration| outcome.window.contains(at);
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
                nodes,
                processes,
                customers: plan.customers,
                closed: match plan.pace {
                    Pace::Closed { messages } => Some(messages),
                    Pace::Open { .. } => None,
                },
                sessions: outcome.customers.iter().filter(|c| c.has_session()).count(),
                sent: outcome.customers.iter().flat_map(|c| c.attempts.iter()).filter(|a| in_window(a)).count(),
                answered: latency.count,
                answered_all: outcome.customers.iter().map(|c| c.samples.len()).sum(),
                measured: outcome.measured,
                msgs_per_s: latency.count as f64 / outcome.measured.as_secs_f64().max(1e-9),
                latency,
                http: latencies(Some(ChannelKind::Http)),
                ws: latencies(Some(ChannelKind::Ws)),
                errors: error_kinds.values().map(|(n, _)| n).sum(),
                error_kinds,
                check,
                server,
                host_busy: 0.0,
                server_cpu_s: 0.0,
                generator_cpu_s: 0.0,
                database_cpu_s: None,
            }
        }

        /// Server CPU milliseconds per answered message (all included: sessions, sockets, checks).
        pub fn cpu_ms_per_msg(&self) -> f64 {
            self.server_cpu_s * 1000.0 / self.answered_all.max(1) as f64
        }

        fn json(&self, options: &Options) -> Value {
            let errors: BTreeMap<&str, usize> = self.error_kinds.iter().map(|(k, (n, _))| (k.as_str(), *n)).collect();
            json!({
                "bench": "load",
                "target": self.target.name(),
                "database": match self.target {
                    Target::Komek => options.database.name(),
                    Target::Echo => "memory",
                },
                "nodes": self.nodes,
                "processes": self.processes,
                "customers": self.customers,
                "sessions": self.sessions,
                "mode": if self.closed.is_some() { "closed" } else { "open" },
                "messages_per_customer": self.closed,
                "rate_per_customer": if self.closed.is_some() { None } else { Some(options.rate) },
                "measured_s": round3(self.measured.as_secs_f64()),
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
                "live_checked_customers": self.check.live_checked,
                "live_unchecked_customers": self.check.live_unchecked,
                "live_lost": self.check.live_lost,
                "live_duplicated": self.check.live_duplicated,
                "resyncs": self.check.resyncs,
                "ready_rss_mib": mib(self.server.ready_rss_kib),
                "peak_rss_mib": mib(self.server.peak_rss_kib),
                "server_cpu_s": round(self.server_cpu_s),
                "server_cpu_ms_per_msg": round3(self.cpu_ms_per_msg()),
                "generator_cpu_s": round(self.generator_cpu_s),
                "database_cpu_s": self.database_cpu_s.map(round),
                "database_cpu_ms_per_msg": self.database_cpu_s.map(|s| round3(s * 1000.0 / self.answered_all.max(1) as f64)),
                "server_log_warnings": self.server.log_problems.len(),
                "host_busy_before_percent": round(self.host_busy * 100.0),
            })
        }
    }

    fn round(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    fn round3(x: f64) -> f64 {
        (x * 1000.0).round() / 1000.0
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

    /// komek: its node count; echo: one process (and the node count its customers behave for).
    fn nodes_cell(r: &LevelResult) -> String {
        match (r.target, r.nodes) {
            (Target::Komek, n) => n.to_string(),
            (Target::Echo, 1) => "1".into(),
            (Target::Echo, n) => format!("1 (as {n})"),
        }
    }

    pub fn summary_line(r: &LevelResult) -> String {
        format!(
            "{} sessions, {} sent in {:.1} s, {:.1} msgs/s, p50 {:.1} ms, p99 {:.1} ms (http {:.1}, ws {:.1}), max {:.1} ms, \
             {} errors, lost {}, duplicated {}, unanswered {}, live events lost {} (of {} sockets checked, {} not) / \
             duplicated {}, resyncs {}, RSS {:.1} MiB ready / {:.1} MiB peak, server CPU {:.1} s ({:.2} ms/msg), \
             load generator CPU {:.1} s{}, {} server log warnings",
            r.sessions,
            r.sent,
            r.measured.as_secs_f64(),
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
            r.check.live_lost,
            r.check.live_checked,
            r.check.live_unchecked,
            r.check.live_duplicated,
            r.check.resyncs,
            mib(r.server.ready_rss_kib),
            mib(r.server.peak_rss_kib),
            r.server_cpu_s,
            r.cpu_ms_per_msg(),
            r.generator_cpu_s,
            match r.database_cpu_s {
                Some(s) => format!(", PostgreSQL CPU {s:.1} s ({:.2} ms/msg)", s * 1000.0 / r.answered_all.max(1) as f64),
                None => String::new(),
            },
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
        let pace = match options.closed {
            Some(n) => format!(
                "Closed loop: every customer first gets its session (and socket), then all start together and \
                 each sends {n} message(s), each as soon as the previous one is answered (no think time); \
                 msgs/s is all answers over the time from that start until the last one"
            ),
            None => format!(
                "Each customer offers {} message(s)/s (think time 0.5–1.5× the mean, one message in flight); \
                 {} s warm-up, then {} s measured; msgs/s stays at the offered load until the server saturates \
                 (raise `--rate` to find where)",
                options.rate,
                options.warmup.as_secs_f64(),
                options.duration.as_secs_f64()
            ),
        };
        println!(
            "{pace}. Half of the customers send over HTTP POST, half are WebSocket customers. Latency: from \
             sending until the bot's reply arrives (HTTP answer, or the reply's event on the socket). komek \
             runs on {}{}; every level starts fresh server processes and a fresh database; the load generator \
             runs on the same machine. With several nodes, HTTP requests go round-robin over the nodes and a \
             WebSocket customer POSTs to the other nodes while its socket listens on one (the echo ceiling, one \
             process, is talked to the same way). Errors count the whole run; lost / duplicated / unanswered \
             come from every customer's full history afterwards; live lost counts history messages (from the \
             first customer message on) that never came as an event on a socket that stayed open all along, \
             live dup events of one message delivered twice on one socket. Peak RSS and CPU are summed over a \
             target's processes; CPU ms/msg is the servers' CPU while the customers ran over every answered \
             message.\n",
            options.database.name(),
            match options.database {
                super::Database::Sqlite => " (a file, WAL, group commit)".to_string(),
                super::Database::Postgres => format!(" ({}), nodes: {:?}", komek_tests::postgres::server_url(), options.nodes),
            }
        );
        println!(
            "| server | nodes | customers | msgs sent | msgs/s | p50 ms | p90 ms | p99 ms | max ms | errors | lost | duplicated | unanswered | live lost | live dup | peak RSS MiB | CPU ms/msg |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for r in results {
            println!(
                "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} | {} | {} | {:.1} | {:.2} |",
                label(r.target),
                nodes_cell(r),
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
                r.check.live_lost,
                r.check.live_duplicated,
                mib(r.server.peak_rss_kib),
                r.cpu_ms_per_msg()
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
        let find = |nodes, customers| {
            results.iter().find(|r| r.target == Target::Echo && r.nodes == nodes && r.customers == customers)
        };
        let pairs: Vec<_> = results
            .iter()
            .filter(|r| r.target == Target::Komek)
            .filter_map(|k| find(k.nodes, k.customers).map(|e| (k, e)))
            .collect();
        if pairs.is_empty() {
            return;
        }
        println!("\n| nodes | customers | msgs/s komek ÷ ceiling | p99 komek ÷ ceiling | CPU per message komek ÷ ceiling |");
        println!("|---|---|---|---|---|");
        for (k, e) in pairs {
            println!(
                "| {} | {} | {:.2} | {:.1} | {:.1} |",
                k.nodes,
                k.customers,
                k.msgs_per_s / e.msgs_per_s,
                k.latency.p99 / e.latency.p99,
                k.cpu_ms_per_msg() / e.cpu_ms_per_msg()
            );
        }
    }

    fn print_errors(results: &[LevelResult]) {
        let troubled = |r: &&LevelResult| {
            r.errors > 0
                || r.check.out_of_order > 0
                || r.check.fetch_errors > 0
                || r.check.live_unchecked > 0
                || r.check.resyncs > 0
                || !r.server.log_problems.is_empty()
                || r.host_busy > BUSY_HOST
        };
        for r in results.iter().filter(troubled) {
            println!("\nProblems of {} with {} customers ({} node(s)):", label(r.target), r.customers, nodes_cell(r));
            for (kind, (count, detail)) in &r.error_kinds {
                println!("- {kind}: {count} (first: {detail})");
            }
            if r.check.out_of_order > 0 {
                println!("- customers whose history is out of send order: {}", r.check.out_of_order);
            }
            if r.check.fetch_errors > 0 {
                println!("- histories that could not be fetched: {}", r.check.fetch_errors);
            }
            if r.check.live_unchecked > 0 {
                println!(
                    "- WebSocket customers whose socket broke or never opened (not checked for lost events): {}",
                    r.check.live_unchecked
                );
            }
            if r.check.resyncs > 0 {
                println!("- resync frames (the server told a socket it missed events): {}", r.check.resyncs);
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
/// memory that echoes, so the no-loss check runs against it too. Like komek, every stored message
/// goes to the session's open sockets as a `message` event (whether it came over a socket or a POST).
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
    use axum::serve::ListenerExt;
    use axum::{Json, Router};
    use serde::Deserialize;
    use serde_json::{Value, json};
    use tokio::sync::broadcast;

    use super::{random_u64, utc_timestamp};

    /// Frames a slow socket may fall behind by (komek's hub holds as many).
    const LIVE_CAPACITY: usize = 256;

    pub fn serve(port: u16) -> ExitCode {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
        let result = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
            println!("echo is serving on http://{}", listener.local_addr()?);
            // Small frames written one after another (the customer's event, then the reply's) must
            // not wait for the client's delayed ACK (Nagle): ~40 ms per reply in a closed loop.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
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
        /// The session's open sockets.
        live: broadcast::Sender<Arc<str>>,
    }

    impl Store {
        fn authorize(&self, id: &str, token: Option<&str>) -> Result<(), ApiError> {
            match self.sessions.lock().expect("store").get(id) {
                None => Err(ApiError(StatusCode::NOT_FOUND, "not_found")),
                Some(s) if Some(s.token.as_str()) != token => Err(ApiError(StatusCode::UNAUTHORIZED, "unauthorized")),
                Some(_) => Ok(()),
            }
        }

        /// Stores the customer's message and the bot's echo of it, publishes both to the session's
        /// sockets; returns both.
        fn echo(&self, id: &str, text: &str) -> Vec<Value> {
            let pair = vec![self.message("customer", text.to_string()), self.message("bot", format!("echo: {text}"))];
            if let Some(session) = self.sessions.lock().expect("store").get_mut(id) {
                session.messages.extend(pair.iter().cloned());
                if session.live.receiver_count() > 0 {
                    for message in &pair {
                        let _ = session.live.send(Arc::from(json!({"type": "message", "message": message}).to_string()));
                    }
                }
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
        let live = broadcast::channel(LIVE_CAPACITY).0;
        store.sessions.lock().expect("store").insert(id, Session { token, messages: Vec::new(), live });
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

    /// The session's events out; each client message frame is stored with its echo, and both come
    /// back as `message` events through the session's channel (as from a POST).
    async fn echo_socket(store: Arc<Store>, id: String, mut socket: WebSocket) {
        let subscribed = store.sessions.lock().expect("store").get(&id).map(|s| s.live.subscribe());
        let Some(mut events) = subscribed else { return };
        loop {
            tokio::select! {
                frame = socket.recv() => {
                    let Some(Ok(frame)) = frame else { return };
                    let Message::Text(body) = frame else { continue };
                    let Ok(event) = serde_json::from_str::<Value>(&body) else { continue };
                    let text = event["text"].as_str().unwrap_or_default();
                    if event["type"] == "message" && !text.trim().is_empty() {
                        store.echo(&id, text);
                    }
                }
                event = events.recv() => {
                    let frame: String = match event {
                        Ok(frame) => frame.to_string(),
                        Err(broadcast::error::RecvError::Lagged(_)) => r#"{"type":"resync"}"#.to_string(),
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    if socket.send(Message::Text(frame.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}
