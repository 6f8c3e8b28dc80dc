//! A throw-away PostgreSQL database per test, on the server at `KOMEK_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Whether a test may run at all is the harness's call ([`crate::trials`]): it asks
//! [`server_problem`] first. The database is dropped `WITH (FORCE)` by `drop_database()` or, failing
//! that, on drop.

use std::time::Duration;

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const PREFIX: &str = "komek_test_";

/// The server's URL (a database to connect to for creating and dropping others).
pub fn server_url() -> String {
    std::env::var("KOMEK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_string())
}

/// A database made for one test.
#[derive(Debug)]
pub struct PgDatabase {
    pub name: String,
    /// The URL of this database: the service's `DATABASE_URL`.
    pub url: String,
    admin_url: String,
    dropped: bool,
}

async fn connect(url: &str) -> Result<PgConnection, String> {
    match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect(url)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

fn is_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Why no PostgreSQL server can be used at [`server_url`], or `None` when one answers.
pub async fn server_problem() -> Option<String> {
    let url = server_url();
    match connect(&url).await {
        Ok(conn) => {
            let _ = conn.close().await;
            None
        }
        Err(e) => Some(format!("no PostgreSQL server at {url} ({e})")),
    }
}

impl PgDatabase {
    /// Creates `komek_test_<pid>_<nanos>`; panics when the server is not reachable.
    pub async fn create() -> PgDatabase {
        let admin_url = server_url();
        let mut conn = connect(&admin_url).await.unwrap_or_else(|e| panic!("no PostgreSQL server at {admin_url}: {e}"));
        remove_leftovers(&mut conn).await;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let name = format!("{PREFIX}{}_{nanos}", std::process::id());
        conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name} on {admin_url}: {e}"));
        let _ = conn.close().await;
        let mut url = url::Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("KOMEK_TEST_POSTGRES_URL {admin_url:?} is not a URL: {e}"));
        url.set_path(&format!("/{name}"));
        PgDatabase { name, url: url.to_string(), admin_url, dropped: false }
    }

    /// A connection to this database (for checking what the service stored).
    pub async fn connect(&self) -> PgConnection {
        connect(&self.url).await.unwrap_or_else(|e| panic!("connecting to {}: {e}", self.url))
    }

    /// Drops the database now, ending any connection still open to it.
    pub async fn drop_database(mut self) {
        self.dropped = true;
        drop_named(&self.admin_url, &self.name).await;
    }
}

async fn drop_named(admin_url: &str, name: &str) {
    match connect(admin_url).await {
        Ok(mut conn) => {
            if let Err(e) = conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await {
                eprintln!("could not drop the test database {name}: {e}");
            }
            let _ = conn.close().await;
        }
        Err(e) => eprintln!("could not drop the test database {name}: {e}"),
    }
}

/// Drops test databases left by test processes that no longer run (killed before cleaning up).
async fn remove_leftovers(conn: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'komek\\_test\\_%'")
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
    for name in names {
        let pid = name.strip_prefix(PREFIX).and_then(|rest| rest.split('_').next()).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !is_alive(pid)
        {
            let _ = conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await;
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        self.dropped = true;
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop may run inside the test's runtime: drop the database from a thread of its own.
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                runtime.block_on(drop_named(&admin_url, &name));
            }
        })
        .join();
    }
}
