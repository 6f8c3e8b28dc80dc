//! Live fan-out between nodes over PostgreSQL `LISTEN/NOTIFY`: what one node publishes to its own
//! sockets (a customer's or an agent's frames) goes to every other node's sockets too, and the
//! other nodes hear when the queue, presence or the outbox changed, or cached sessions must go.
//! Notices are small; one too large for a payload is kept in `live_frames` and its id is sent.
//! A node that lost its listening connection asks its clients to re-read (a `resync` frame).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::chat::Chat;
use crate::clock::now_ms;

/// The notification channel every node listens on.
const CHANNEL: &str = "komek_live";
/// PostgreSQL refuses payloads of 8,000 bytes or more; an envelope is closed below this.
const MAX_PAYLOAD: usize = 7_500;
/// Notices sent in one statement.
const MAX_BATCH: usize = 256;
/// How long a stored notice is kept for nodes to read.
const STORED_KEEP_MS: i64 = 10 * 60_000;

/// What changed, as the other nodes need to hear it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Notice {
    /// A frame for the sockets of `to` (a widget session, or `agent:<id>`).
    Frame { to: String, frame: String },
    /// Telegram replies are waiting.
    Outbox,
    /// The queue changed: agents get their queues again.
    Queue,
    /// An agent came online or went offline.
    Presence,
    /// Cached sessions of these customers, and these sessions, are out of date (a link, an erase).
    Evict {
        #[serde(default)]
        customers: Vec<String>,
        #[serde(default)]
        sessions: Vec<String>,
    },
    /// A notice too large for a payload, in `live_frames`.
    Stored { id: i64 },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    from: String,
    notices: Vec<Notice>,
}

/// Where notices for the other nodes go; does nothing until the node shares its database.
#[derive(Clone, Default)]
pub struct Bus {
    tx: Arc<OnceLock<mpsc::UnboundedSender<Notice>>>,
}

impl Bus {
    pub fn send(&self, notice: Notice) {
        if let Some(tx) = self.tx.get() {
            let _ = tx.send(notice);
        }
    }

    /// Whether other nodes may be listening.
    pub fn is_shared(&self) -> bool {
        self.tx.get().is_some()
    }

    /// Connects the bus to a publisher; the receiver is the publisher's.
    pub(super) fn open(&self) -> Option<mpsc::UnboundedReceiver<Notice>> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.tx.set(tx).ok().map(|()| rx)
    }
}

/// Sends queued notices in order, as few statements as possible, until every sender is gone.
pub(super) async fn publish(pool: AnyPool, node: String, mut rx: mpsc::UnboundedReceiver<Notice>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut cleaned_at = now_ms();
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(n) => batch.push(n),
                Err(_) => break,
            }
        }
        let payloads = envelopes(&pool, &node, batch.drain(..)).await;
        if let Err(e) = notify(&pool, &payloads).await {
            tracing::warn!(error = %e, notices = payloads.len(), "notices to the other nodes were not sent");
        }
        if now_ms() - cleaned_at > 60_000 {
            cleaned_at = now_ms();
            let old = sqlx::query("DELETE FROM live_frames WHERE created_at < $1").bind(cleaned_at - STORED_KEEP_MS).execute(&pool).await;
            if let Err(e) = old {
                tracing::warn!(error = %e, "old stored notices were not deleted");
            }
        }
    }
}

/// The notices packed into payloads under the limit, in order; one that alone is too large is stored.
async fn envelopes(pool: &AnyPool, node: &str, notices: impl Iterator<Item = Notice>) -> Vec<String> {
    let head = serde_json::to_string(node).unwrap_or_default();
    let open = format!(r#"{{"from":{head},"notices":["#);
    let mut payloads = Vec::new();
    let mut current = open.clone();
    for notice in notices {
        let mut item = serde_json::to_string(&notice).unwrap_or_default();
        if open.len() + item.len() + 2 > MAX_PAYLOAD {
            match store(pool, &item).await {
                Ok(id) => item = serde_json::to_string(&Notice::Stored { id }).unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = %e, "a large notice could not be stored; the other nodes miss it");
                    continue;
                }
            }
        }
        if current.len() + item.len() + 2 > MAX_PAYLOAD {
            current.push_str("]}");
            payloads.push(std::mem::replace(&mut current, open.clone()));
        }
        if current.len() > open.len() {
            current.push(',');
        }
        current.push_str(&item);
    }
    if current.len() > open.len() {
        current.push_str("]}");
        payloads.push(current);
    }
    payloads
}

async fn store(pool: &AnyPool, body: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO live_frames (body, created_at) VALUES ($1, $2) RETURNING id").bind(body).bind(now_ms()).fetch_one(pool).await
}

/// One statement for every payload: they are delivered in this order, after it commits.
async fn notify(pool: &AnyPool, payloads: &[String]) -> Result<(), sqlx::Error> {
    if payloads.is_empty() {
        return Ok(());
    }
    let calls: Vec<String> = (1..=payloads.len()).map(|i| format!("pg_notify('{CHANNEL}', ${i})")).collect();
    let sql = format!("SELECT {}", calls.join(", "));
    let mut query = sqlx::query(&sql);
    for p in payloads {
        query = query.bind(p);
    }
    query.execute(pool).await.map(|_| ())
}

/// Listens until the process ends, reconnecting after a lost connection (and then asking this
/// node's clients to re-read, since what was sent meanwhile is gone).
pub(super) async fn listen(url: String, pool: AnyPool, node: String, chat: Arc<Chat>) {
    let mut lost = false;
    loop {
        let mut listener = match connect(&url).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for the other nodes; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if lost {
            tracing::info!("listening for the other nodes again; live clients re-read");
            chat.caught_up_after_gap();
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => dispatch(&pool, &node, &chat, n.payload()).await,
                Ok(None) | Err(_) => {
                    tracing::warn!("the connection listening for the other nodes was lost");
                    lost = true;
                    break;
                }
            }
        }
    }
}

async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn dispatch(pool: &AnyPool, node: &str, chat: &Chat, payload: &str) {
    let Ok(envelope) = serde_json::from_str::<Envelope>(payload) else {
        return tracing::warn!(bytes = payload.len(), "an unreadable notice from another node");
    };
    if envelope.from == node {
        return;
    }
    for notice in envelope.notices {
        let notice = match notice {
            Notice::Stored { id } => match stored(pool, id).await {
                Some(n) => n,
                None => continue,
            },
            n => n,
        };
        chat.heard(notice);
    }
}

async fn stored(pool: &AnyPool, id: i64) -> Option<Notice> {
    let body: Option<String> = match sqlx::query_scalar("SELECT body FROM live_frames WHERE id = $1").bind(id).fetch_optional(pool).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, id, "a stored notice could not be read");
            return None;
        }
    };
    body.and_then(|b| serde_json::from_str(&b).ok()).filter(|n| !matches!(n, Notice::Stored { .. }))
}
