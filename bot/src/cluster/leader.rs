//! One node at a time does a job (Telegram long polling, the periodic chores): whoever holds a
//! PostgreSQL advisory lock on its own connection. The lock goes with the connection, so when the
//! leader dies — even by `kill -9` — the server lets it go and another node takes it within
//! [`TRY_EVERY`]. A lone node on SQLite always leads.

use std::time::Duration;

use sqlx::{Connection, PgConnection};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often a follower tries to take the lock, and a leader checks it still holds its connection.
const TRY_EVERY: Duration = Duration::from_secs(1);

/// Lock keys (any 64-bit numbers no other application on the database uses): "komek" and a job.
pub const TELEGRAM_POLLING: i64 = 0x6b6f_6d65_6b01;
pub const CHORES: i64 = 0x6b6f_6d65_6b02;

/// Whether this node leads a job now.
pub struct Leadership {
    pub leading: watch::Receiver<bool>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    /// A lone node's "leading" (while it lives, the jobs run).
    _alone: Option<watch::Sender<bool>>,
}

impl Leadership {
    /// Always leading: the node is alone.
    pub fn alone() -> Self {
        let (tx, leading) = watch::channel(true);
        let (stop, _) = watch::channel(false);
        Self { leading, stop, task: None, _alone: Some(tx) }
    }

    /// Competes for `key` with the other nodes of the database at `url`.
    pub fn compete(url: String, key: i64, job: &'static str) -> Self {
        let (tx, leading) = watch::channel(false);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(compete(url, key, job, tx, stopped));
        Self { leading, stop, task: Some(task), _alone: None }
    }

    /// Lets the lock go (another node takes the job) and stops competing.
    pub async fn resign(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

async fn compete(url: String, key: i64, job: &'static str, leading: watch::Sender<bool>, mut stopped: watch::Receiver<bool>) {
    while !*stopped.borrow() {
        let mut conn = match PgConnection::connect(&url).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, job, "cannot reach the database to lead; trying again");
                if pause(&mut stopped).await {
                    return;
                }
                continue;
            }
        };
        let mut held = false;
        loop {
            let ok = if held {
                sqlx::query("SELECT 1").execute(&mut conn).await.is_ok()
            } else {
                match sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut conn).await {
                    Ok(got) => {
                        if got {
                            held = true;
                            tracing::info!(job, "this node leads");
                            let _ = leading.send(true);
                        }
                        true
                    }
                    Err(_) => false,
                }
            };
            if !ok {
                if held {
                    tracing::warn!(job, "lost the connection holding the lead; another node may take it");
                    let _ = leading.send(false);
                }
                break;
            }
            if pause(&mut stopped).await {
                if held {
                    let _ = leading.send(false);
                    let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut conn).await;
                    tracing::info!(job, "this node no longer leads");
                }
                let _ = conn.close().await;
                return;
            }
        }
    }
}

/// Waits [`TRY_EVERY`]; `true` when asked to stop meanwhile.
async fn pause(stopped: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = stopped.changed() => true,
        _ = tokio::time::sleep(TRY_EVERY) => *stopped.borrow(),
    }
}

/// Runs the tasks `start` makes while this node leads, aborting them when it stops leading.
pub fn while_leading(mut leading: watch::Receiver<bool>, start: impl Fn() -> Vec<JoinHandle<()>> + Send + 'static) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if leading.wait_for(|l| *l).await.is_err() {
                return;
            }
            let tasks = start();
            let lost = leading.wait_for(|l| !*l).await;
            for t in &tasks {
                t.abort();
            }
            if lost.is_err() {
                return;
            }
        }
    })
}
