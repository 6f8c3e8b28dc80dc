//! Starting the real service for a test: a random port, a fresh SQLite file (or a fresh PostgreSQL
//! database), the shipped models. `browser` drives headless Chromium for the widget tests.

pub mod browser;
pub mod agent;
pub mod chat;
pub mod fake_telegram;
pub mod postgres;

use std::path::{Path, PathBuf};

use komek::config::Config;
use komek::server::{Running, start};

/// The back-office token of services under test.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A service under test and the folder of its database (removed on drop), or its PostgreSQL
/// database (dropped on drop or `stop()`; `dir` is empty then).
pub struct TestService {
    pub running: Option<Running>,
    pub dir: PathBuf,
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
        let dir = std::env::temp_dir().join(format!("komek-e2e-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self::start_in(dir).await
    }

    /// Starts on a fresh SQLite file with settings changed by `configure` (e.g. a short token life).
    pub async fn start_with(name: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let dir = std::env::temp_dir().join(format!("komek-e2e-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = Config::local(format!("sqlite:{}", dir.join("komek.db").display()), models_dir());
        config.admin_token = Some(ADMIN_TOKEN.into());
        configure(&mut config);
        let running = start(&config).await.expect("service starts");
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), dir, base, postgres: None, config: Some(config) }
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
    pub async fn start_in(dir: PathBuf) -> Self {
        let url = format!("sqlite:{}", dir.join("komek.db").display());
        Self::launch(url, dir, None).await
    }

    /// Starts on a fresh PostgreSQL database (see [`postgres::PgDatabase::create`]); `None`, after a
    /// notice, when no server answers and `KOMEK_REQUIRE_POSTGRES` is not set.
    pub async fn start_postgres() -> Option<Self> {
        let db = postgres::PgDatabase::create().await?;
        Some(Self::start_on_postgres(db).await)
    }

    /// Starts (again) on an existing PostgreSQL database, which the service then owns.
    pub async fn start_on_postgres(db: postgres::PgDatabase) -> Self {
        Self::launch(db.url.clone(), PathBuf::new(), Some(db)).await
    }

    async fn launch(database_url: String, dir: PathBuf, postgres: Option<postgres::PgDatabase>) -> Self {
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
            let dir = std::mem::take(&mut self.dir);
            return Self { running: Some(running), dir, base, postgres: self.postgres.take(), config: Some(config) };
        }
        let dir = std::mem::take(&mut self.dir);
        match self.postgres.take() {
            Some(db) => Self::start_on_postgres(db).await,
            None => Self::start_in(dir).await,
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

    /// Stops gracefully; returns the SQLite folder (kept, for `start_in`). A PostgreSQL database is dropped.
    pub async fn stop(mut self) -> PathBuf {
        self.shutdown().await;
        if let Some(db) = self.postgres.take() {
            db.drop_database().await;
        }
        std::mem::take(&mut self.dir)
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
