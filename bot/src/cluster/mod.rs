//! Several nodes on one PostgreSQL database, any of them serving any request: what one process kept
//! in memory is shared here. Live frames and "something changed" notices fan out over
//! `LISTEN/NOTIFY` ([`bus`]); agents' presence is a table each node keeps current ([`presence`]);
//! one node at a time polls Telegram and runs the periodic chores ([`leader`]). A customer's units
//! of work are checked against the memory they were decided on (`CustomerWrite::Turn`), so two nodes
//! never both act on one customer at once; Telegram chats are leased for delivery
//! (`Store::lease_outbox`). On SQLite the node is alone and none of this runs.

pub mod bus;
pub mod leader;
mod presence;

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::chat::Chat;
use crate::error::BotError;
use crate::secrets::new_id;
pub use bus::{Bus, Notice};
pub use leader::{Leadership, while_leading};
pub use presence::PRESENCE_TTL_MS;

/// This process among the nodes of its database.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: String,
    /// The database may be shared with other nodes (PostgreSQL).
    pub shared: bool,
}

impl Node {
    /// `id` as configured, or one made from the host name and process id (unique among live nodes).
    pub fn new(id: Option<&str>, database_url: &str) -> Self {
        let shared = database_url.starts_with("postgres:") || database_url.starts_with("postgresql:");
        let id = id.map(str::trim).filter(|i| !i.is_empty()).map(str::to_string).unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
            format!("{}-{}-{}", host.as_deref().unwrap_or("node"), std::process::id(), &new_id("n")[2..8])
        });
        Self { id, shared }
    }
}

/// The running machinery of a node that shares its database.
pub struct Running {
    tasks: Vec<JoinHandle<()>>,
    pub polling: Leadership,
    pub chores: Leadership,
    chat: Arc<Chat>,
}

/// Starts listening to and publishing for the other nodes, keeping presence, and competing for the
/// jobs one node does. A node alone gets leaderships that always lead and nothing else.
pub async fn start(chat: Arc<Chat>, database_url: &str) -> Result<Running, BotError> {
    let node = chat.node.clone();
    if !node.shared {
        return Ok(Running { tasks: Vec::new(), polling: Leadership::alone(), chores: Leadership::alone(), chat });
    }
    let pool = chat.store.pool.clone();
    let rx = chat.live.bus.open().ok_or_else(|| BotError::Config("the node's bus was opened twice".into()))?;
    let tasks = vec![
        tokio::spawn(bus::publish(pool.clone(), node.id.clone(), rx)),
        tokio::spawn(bus::listen(database_url.to_string(), pool, node.id.clone(), chat.clone())),
        tokio::spawn(presence::keep(chat.clone())),
        tokio::spawn(queue_refresher(chat.clone())),
    ];
    tracing::info!(node = %node.id, "sharing the database with other nodes");
    Ok(Running {
        tasks,
        polling: Leadership::compete(database_url.to_string(), leader::TELEGRAM_POLLING, "telegram polling"),
        chores: Leadership::compete(database_url.to_string(), leader::CHORES, "chores"),
        chat,
    })
}

impl Running {
    /// Leaves the cluster: the jobs go to other nodes and this node's agents are offline at once.
    pub async fn leave(self) {
        self.polling.resign().await;
        self.chores.resign().await;
        if self.chat.node.shared {
            if let Err(e) = self.chat.store.forget_node(&self.chat.node.id).await {
                tracing::warn!(error = %e, "could not say this node's agents are offline");
            }
            self.chat.live.bus.send(Notice::Presence);
            self.chat.live.bus.send(Notice::Queue);
            // Let the publisher send them.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        for t in self.tasks {
            t.abort();
        }
    }
}

/// Agents' queues re-sent when another node changed the queue; a burst of changes is one refresh.
async fn queue_refresher(chat: Arc<Chat>) {
    loop {
        chat.queue_heard.notified().await;
        chat.refresh_queues().await;
    }
}
