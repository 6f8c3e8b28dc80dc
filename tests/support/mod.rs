//! Starting the real service for a test: a random port, a fresh SQLite file, the shipped models.

use std::path::{Path, PathBuf};

use komek::config::Config;
use komek::server::{Running, start};
use komek_nlu::Lang;

/// A service under test and the folder of its database (removed on drop).
pub struct TestService {
    pub running: Option<Running>,
    pub dir: PathBuf,
    pub base: String,
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

    /// Starts (again) on the database in `dir`.
    pub async fn start_in(dir: PathBuf) -> Self {
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            database_url: format!("sqlite:{}", dir.join("komek.db").display()),
            models: models_dir(),
            languages: Lang::ALL.to_vec(),
        };
        let running = start(&config).await.expect("service starts");
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), dir, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(mut self) -> PathBuf {
        if let Some(r) = self.running.take() {
            r.shutdown().await.expect("clean shutdown");
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
