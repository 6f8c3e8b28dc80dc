//! Storage through sqlx: a SQLite file by default, PostgreSQL when `DATABASE_URL` points there.
//! One pool over `sqlx::Any`; each backend has its own migrations folder. Every table group has one
//! module holding its rows, its reads and its writes; reads go straight to the pool, every write goes
//! through the [`Writer`] as part of a caller's unit of work.

pub mod agents;
pub mod cluster;
pub mod conversations;
pub mod customers;
pub mod handoffs;
pub mod orders;
pub mod outbox;
pub mod privacy;
pub mod quality;
mod writer;

pub use agents::{AgentRow, AgentWrite};
pub use conversations::{ConversationRow, ConversationWrite};
pub use customers::{CustomerWrite, LinkCodeRow, SessionRow};
pub use handoffs::{HandoffRow, HandoffStatus, HandoffWrite};
pub use orders::{OrderRow, OrderWrite};
pub use outbox::{OutboxRow, OutboxWrite};
pub use privacy::PrivacyWrite;
pub use quality::{QualityRow, QualityWrite};
pub use writer::{Write, Writer};

use std::path::Path;
use std::str::FromStr;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use crate::error::BotError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Debug)]
pub struct Store {
    pub pool: AnyPool,
    pub writer: Writer,
    backend: Backend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Store {
    /// Connects (creating a SQLite file and its folder when needed) and applies the migrations.
    pub async fn open(url: &str) -> Result<Self, BotError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(BotError::Config(format!("DATABASE_URL must start with sqlite: or postgres:, got {url:?}")));
        };
        let url = if backend == Backend::Sqlite { sqlite_url(url)? } else { url.to_string() };
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // In WAL mode NORMAL still survives a process crash; only an OS crash may
                        // lose the last commits, and it saves an fsync per batch.
                        sqlx::query("PRAGMA synchronous=NORMAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA foreign_keys=ON").execute(&mut *conn).await?;
                        // An erase must not leave its words in free pages: deleted and overwritten
                        // cells are zeroed (see `flush_erased` for the WAL's copies).
                        sqlx::query("PRAGMA secure_delete=ON").execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers proceed while a message is written; it persists in the file.
            sqlx::query("PRAGMA journal_mode=WAL").execute(&pool).await?;
        }
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        let writer = Writer::spawn(pool.clone());
        Ok(Self { pool, writer, backend })
    }

    /// After an erase: SQLite's WAL still holds the pages as they were before it, so they are
    /// checkpointed into the file (where `secure_delete` zeroed what was removed) and the WAL is
    /// truncated. A reader still on an old snapshot can delay it; the next erase or purge tries again.
    pub async fn flush_erased(&self) -> Result<(), BotError> {
        if self.backend == Backend::Sqlite {
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&self.pool).await?;
            let busy: i64 = sqlx::Row::try_get(&row, 0).unwrap_or_default();
            if busy != 0 {
                tracing::warn!("the WAL could not be truncated after an erase (a reader is busy); it will be on the next one");
            }
        }
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// `sqlite:data/komek.db` → the same with `mode=rwc`, after creating `data/`.
fn sqlite_url(url: &str) -> Result<String, BotError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" {
        if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            private_dir(dir)?;
        }
        private_file(Path::new(path))?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    let _ = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite:{path}?{query}"))?;
    Ok(format!("sqlite:{path}?{query}"))
}

/// A new folder readable by the owner only (0700 on Unix).
pub fn private_dir(dir: &Path) -> Result<(), BotError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| BotError::Io { path: dir.display().to_string(), source })
}

/// The database file, created empty with mode 0600 before SQLite opens it (SQLite gives its `-wal`
/// and `-shm` files the database's mode); an existing one is brought to 0600.
fn private_file(path: &Path) -> Result<(), BotError> {
    let io = |source| BotError::Io { path: path.display().to_string(), source };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
            }
        }
    }
    Ok(())
}

/// `'a', 'b'` for an `IN (…)` list of fixed, code-given words (never customer text).
fn sql_list(words: &[&str]) -> String {
    words.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
}
