//! Agents' presence across nodes: each node writes its own open consoles when they change and
//! every few seconds while it lives; an agent is online when any live node has a console of theirs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::Notice;
use crate::chat::Chat;
use crate::clock::now_ms;

/// How often a node says it still has its consoles.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A node not heard from for this long is taken for dead: its agents are offline.
pub const PRESENCE_TTL_MS: i64 = 20_000;

/// Writes this node's presence on every change and heartbeat; tells the other nodes when it changed.
pub(super) async fn keep(chat: Arc<Chat>) {
    let mut every = tokio::time::interval(HEARTBEAT);
    let mut last: HashMap<String, usize> = HashMap::new();
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = chat.presence_dirty.notified() => {}
        }
        let online = chat.local_presence();
        let now = now_ms();
        match chat.store.write_presence(&chat.node.id, &online, now, now - 10 * PRESENCE_TTL_MS).await {
            Ok(()) => {
                let who = |m: &HashMap<String, usize>| m.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k.clone()).collect::<std::collections::BTreeSet<_>>();
                if who(&online) != who(&last) {
                    chat.live.bus.send(Notice::Presence);
                    chat.live.bus.send(Notice::Queue);
                }
                last = online;
            }
            Err(e) => tracing::warn!(error = %e, "presence not written"),
        }
    }
}
