//! Several nodes of the real service on one fresh PostgreSQL database, started together (so their
//! migrations race, as they do when a deployment starts), each on its own random port.

use komek::config::Config;
use komek::server::start;

use crate::postgres::PgDatabase;
use crate::{ADMIN_TOKEN, TestService, models_dir};

pub struct Nodes {
    /// Each node as a service of its own (the database belongs to `db`, not to them).
    pub nodes: Vec<TestService>,
    pub db: Option<PgDatabase>,
}

/// Starts `n` nodes at once on one new database, each configured by `configure`.
pub async fn start_nodes(n: usize, configure: impl Fn(&mut Config)) -> Nodes {
    let db = PgDatabase::create().await;
    let configs: Vec<Config> = (0..n)
        .map(|i| {
            let mut config = Config::local(db.url.clone(), models_dir());
            config.admin_token = Some(ADMIN_TOKEN.into());
            config.node_id = Some(format!("node-{i}"));
            configure(&mut config);
            config
        })
        .collect();
    let running = futures_util::future::join_all(configs.iter().map(start)).await;
    let nodes = running
        .into_iter()
        .zip(configs)
        .map(|(r, config)| {
            let r = r.expect("every node starts on the shared database");
            let base = format!("http://{}", r.addr);
            TestService { running: Some(r), dir: None, base, postgres: None, config: Some(config) }
        })
        .collect();
    Nodes { nodes, db: Some(db) }
}

impl Nodes {
    pub fn base(&self, i: usize) -> &str {
        &self.nodes[i % self.nodes.len()].base
    }

    pub fn node(&self, i: usize) -> &TestService {
        &self.nodes[i % self.nodes.len()]
    }

    /// Stops node `i` gracefully (it drains, hands its jobs and sockets over).
    pub async fn stop_node(&mut self, i: usize) {
        if let Some(r) = self.nodes[i].running.take() {
            r.shutdown().await.expect("clean shutdown");
        }
    }

    /// Stops every node and drops the database.
    pub async fn stop(mut self) {
        for i in 0..self.nodes.len() {
            self.stop_node(i).await;
        }
        if let Some(db) = self.db.take() {
            db.drop_database().await;
        }
    }
}

/// A node as its own `komek` process (it can be killed with SIGKILL, as a crash would).
pub struct ProcessNode {
    child: tokio::process::Child,
    pub base: String,
}

/// The `komek` binary beside this test's (`target/<profile>/komek`), or `KOMEK_BIN`.
pub fn komek_binary() -> std::path::PathBuf {
    if let Some(bin) = std::env::var_os("KOMEK_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().expect("the test's path");
    let bin = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps").join("komek");
    assert!(bin.exists(), "{} is missing: build it first (`cargo test --workspace` does)", bin.display());
    bin
}

impl ProcessNode {
    /// Starts `komek serve` on a free port with `database_url` and the shipped models, plus `env`.
    pub async fn start(database_url: &str, name: &str, env: &[(&str, String)]) -> ProcessNode {
        use tokio::io::AsyncBufReadExt;
        let mut command = tokio::process::Command::new(komek_binary());
        command
            .arg("serve")
            .env("KOMEK_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("KOMEK_MODELS", models_dir())
            .env("KOMEK_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("KOMEK_NODE_ID", name)
            .env("KOMEK_DRAIN_SECONDS", "0")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("komek starts");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let base = tokio::time::timeout(std::time::Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await.expect("stdout line") {
                if let Some(url) = line.strip_prefix("komek is serving on ") {
                    return url.trim().to_string();
                }
            }
            panic!("{name} exited before serving");
        })
        .await
        .unwrap_or_else(|_| panic!("{name} did not start within 120 s"));
        // Keep reading so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        ProcessNode { child, base }
    }

    /// SIGKILL: no drain, no goodbye; its connections simply close.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill");
    }
}
