//! Starting the real service for a test: a random port, a fresh SQLite file (or a fresh PostgreSQL
//! database), the shipped models. `browser` drives headless Chromium for the widget tests; `trials`
//! is the harness of the targets that need Chromium or PostgreSQL.

pub mod browser;
pub mod agent;
pub mod chat;
pub mod cluster;
pub mod fake_telegram;
pub mod hostile;
pub mod journeys;
pub mod postgres;
pub mod stored;
pub mod trials;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use komek::config::Config;
use komek::server::{Running, start};

/// The back-office token of services under test.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A service under test and the folder of its SQLite database (removed on drop unless `stop()`
/// hands it over), or its PostgreSQL database (dropped on drop or `stop()`; `dir` is `None` then).
pub struct TestService {
    pub running: Option<Running>,
    pub dir: Option<TempDir>,
    pub base: String,
    pub postgres: Option<postgres::PgDatabase>,
    /// Settings given to `start_with`, kept for `restart` (the database URL stays the same).
    pub config: Option<Config>,
}

pub fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models")
}

impl TestService {
    pub async fn start(name: &str) -> Self {
        Self::start_in(sqlite_dir(name)).await
    }

    /// Starts on a fresh SQLite file with settings changed by `configure` (e.g. a short token life).
    pub async fn start_with(name: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = sqlite_dir(name);
        let mut config = Config::local(sqlite_url(&dir), models_dir());
        config.admin_token = Some(ADMIN_TOKEN.into());
        configure(&mut config);
        let running = start(&config).await.expect("service starts");
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), dir: Some(dir), base, postgres: None, config: Some(config) }
    }

    /// Changes a demo order's status through the back-office API (expects success).
    pub async fn set_order_status(&self, order: &str, status: &str) {
        let resp = reqwest::Client::new()
            .post(self.url(&format!("/api/v1/orders/{order}/status")))
            .bearer_auth(ADMIN_TOKEN)
            .json(&serde_json::json!({ "status": status }))
            .send()
            .await
            .unwrap();
        let code = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert!(code.is_success(), "POST /api/v1/orders/{order}/status {status}: {code} {body}");
    }

    /// The service's store, to set up agents.
    pub fn store(&self) -> &komek::store::Store {
        &self.running.as_ref().expect("running").store
    }

    /// Starts (again) on the database in `dir`.
    pub async fn start_in(dir: TempDir) -> Self {
        let url = sqlite_url(&dir);
        Self::launch(url, Some(dir), None).await
    }

    /// Starts on a fresh PostgreSQL database (see [`postgres::PgDatabase::create`]); the test
    /// target's harness ([`trials`]) has checked that a server answers.
    pub async fn start_postgres() -> Self {
        let db = postgres::PgDatabase::create().await;
        Self::start_on_postgres(db).await
    }

    /// Starts (again) on an existing PostgreSQL database, which the service then owns.
    pub async fn start_on_postgres(db: postgres::PgDatabase) -> Self {
        Self::launch(db.url.clone(), None, Some(db)).await
    }

    async fn launch(database_url: String, dir: Option<TempDir>, postgres: Option<postgres::PgDatabase>) -> Self {
        let mut config = Config::local(database_url, models_dir());
        config.admin_token = Some(ADMIN_TOKEN.into());
        let running = start(&config).await.expect("service starts");
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), dir, base, postgres, config: None }
    }

    /// Stops gracefully and starts again on the same database (SQLite file or PostgreSQL database),
    /// on a new port: `base` changes.
    pub async fn restart(mut self) -> Self {
        self.shutdown().await;
        if let Some(config) = self.config.take() {
            let running = start(&config).await.expect("service restarts");
            let base = format!("http://{}", running.addr);
            return Self { running: Some(running), dir: self.dir.take(), base, postgres: self.postgres.take(), config: Some(config) };
        }
        match (self.postgres.take(), self.dir.take()) {
            (Some(db), _) => Self::start_on_postgres(db).await,
            (None, Some(dir)) => Self::start_in(dir).await,
            (None, None) => unreachable!("a service runs on SQLite or PostgreSQL"),
        }
    }

    /// Stops gracefully and hands over the PostgreSQL database instead of dropping it.
    pub async fn stop_keeping_database(mut self) -> Option<postgres::PgDatabase> {
        self.shutdown().await;
        self.postgres.take()
    }

    async fn shutdown(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await.expect("clean shutdown");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops gracefully; returns the SQLite folder (for `start_in`; removed when dropped). A
    /// PostgreSQL database is dropped.
    pub async fn stop(mut self) -> Option<TempDir> {
        self.shutdown().await;
        if let Some(db) = self.postgres.take() {
            db.drop_database().await;
        }
        self.dir.take()
    }
}

/// A fresh folder for a SQLite database, `komek-e2e-NAME-*` in the temporary folder.
fn sqlite_dir(name: &str) -> TempDir {
    tempfile::Builder::new().prefix(&format!("komek-e2e-{name}-")).tempdir().expect("a temporary folder")
}

fn sqlite_url(dir: &TempDir) -> String {
    format!("sqlite:{}", dir.path().join("komek.db").display())
}
