//! The agents' side of live work: who is online, the queue each agent sees (in the order to take
//! it), and live frames to agents' consoles.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use komek_handoff::queue::{AgentLoad, Standing, Waiting, order_for};
use komek_handoff::sla::TARGET_SECONDS;
use komek_handoff::Brief;
use serde_json::json;

use super::{Chat, QueueItem};
use crate::agents::Agent;
use crate::clock::now_ms;
use crate::error::BotError;
use crate::events::{ConvState, Message};
use crate::store::HandoffRow;

/// The hub address of an agent's console.
fn agent_address(agent_id: &str) -> String {
    format!("agent:{agent_id}")
}

impl Chat {
    /// Every agent with their load, online or not.
    pub(super) async fn agent_loads(&self) -> Result<Vec<(Agent, AgentLoad)>, BotError> {
        let active = self.store.active_counts().await?;
        let mut online: HashSet<String> = self.presence.lock().expect("presence").iter().filter(|(_, n)| **n > 0).map(|(id, _)| id.clone()).collect();
        if self.node.shared {
            // Consoles open on the other nodes (this node's count even before its row is written).
            online.extend(self.store.online_agents(now_ms() - crate::cluster::PRESENCE_TTL_MS).await?);
        }
        Ok(self
            .store
            .agents()
            .await?
            .iter()
            .map(|row| {
                let agent = Agent::from(row);
                let load = AgentLoad {
                    id: agent.id.clone(),
                    languages: agent.languages.clone(),
                    online: online.contains(&agent.id),
                    active: active.get(&agent.id).copied().unwrap_or(0),
                    capacity: agent.capacity,
                };
                (agent, load)
            })
            .collect())
    }

    /// The queue as `agent` should work it.
    pub async fn queue_for(&self, agent: &Agent) -> Result<Vec<QueueItem>, BotError> {
        let rows = self.store.queued_handoffs().await?;
        let active = self.store.active_counts().await?;
        Ok(queue_view(agent, &rows, &active, now_ms()))
    }

    /// An agent's live socket opened or closed.
    pub fn agent_online(&self, agent_id: &str, online: bool) {
        self.presence_dirty.notify_one();
        let mut presence = self.presence.lock().expect("presence");
        let n = presence.entry(agent_id.to_string()).or_insert(0);
        if online {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
            if *n == 0 {
                presence.remove(agent_id);
                // The agent's last socket is gone: so is its hub channel.
                self.live.hub.release(&agent_address(agent_id));
            }
        }
    }

    /// An agent came online or went offline: every open console is told at once, so that the
    /// supervisors' team lists show it without waiting for their next poll. The frame names nobody
    /// (agents who may not see the team learn nothing from it).
    pub fn presence_changed(&self) {
        let online: Vec<String> = self.presence.lock().expect("presence").iter().filter(|(_, n)| **n > 0).map(|(id, _)| id.clone()).collect();
        for id in online {
            self.tell_agent_here(&id, json!({"type": "presence"}));
        }
        self.live.bus.send(crate::cluster::Notice::Presence);
    }

    /// This node's open consoles: agent id → sockets.
    pub fn local_presence(&self) -> HashMap<String, usize> {
        self.presence.lock().expect("presence").clone()
    }

    /// Another node said presence changed: this node's consoles are told.
    pub(crate) fn presence_heard(&self) {
        let online: Vec<String> = self.presence.lock().expect("presence").iter().filter(|(_, n)| **n > 0).map(|(id, _)| id.clone()).collect();
        for id in online {
            self.tell_agent_here(&id, json!({"type": "presence"}));
        }
    }

    /// A frame for the agent's consoles on this node only (each node tells its own).
    fn tell_agent_here(&self, agent_id: &str, frame: serde_json::Value) {
        self.live.hub.publish(&agent_address(agent_id), Arc::from(frame.to_string()));
    }

    pub fn agent_events(&self, agent_id: &str) -> tokio::sync::broadcast::Receiver<Arc<str>> {
        self.live.hub.subscribe(&agent_address(agent_id))
    }

    pub(super) fn tell_agent(&self, agent_id: &str, frame: serde_json::Value) {
        self.live.publish(&agent_address(agent_id), Arc::from(frame.to_string()));
    }

    /// Sends every online agent their queue.
    pub async fn refresh_queues(&self) {
        let online: Vec<String> = self.presence.lock().expect("presence").iter().filter(|(_, n)| **n > 0).map(|(id, _)| id.clone()).collect();
        if online.is_empty() {
            return;
        }
        // One read of the agents, the queue and the loads serves every online agent.
        let (agents, rows, active) = match (self.store.agents().await, self.store.queued_handoffs().await, self.store.active_counts().await) {
            (Ok(a), Ok(r), Ok(c)) => (a, r, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return tracing::warn!(error = %e, "queue refresh failed"),
        };
        let now = now_ms();
        for row in agents.iter().filter(|a| online.contains(&a.id)) {
            let agent = Agent::from(row);
            let queue = queue_view(&agent, &rows, &active, now);
            // Every node sends the queue to the consoles open on it.
            self.tell_agent_here(&agent.id, json!({"type": "queue", "handoffs": queue}));
        }
    }

    /// Live frames for the agent who owns the conversation.
    pub(super) fn tell_owner(&self, conversation_id: &str, owner_id: Option<&str>, messages: &[Message], state: Option<ConvState>) {
        let Some(owner_id) = owner_id else { return };
        for m in messages {
            self.tell_agent(owner_id, json!({"type": "message", "conversation_id": conversation_id, "message": m}));
        }
        if let Some(state) = state {
            self.tell_agent(owner_id, json!({"type": "state", "conversation_id": conversation_id, "state": state}));
        }
    }

    /// The refreshed brief (fresh suggested replies) for the agent who owns the conversation.
    pub(super) async fn tell_owner_brief(&self, owner_id: &str, conversation_id: &str, brief: &Brief) {
        let name = match self.store.agent(owner_id).await {
            Ok(Some(a)) => a.username,
            _ => return,
        };
        self.tell_agent(owner_id, json!({"type": "brief", "conversation_id": conversation_id, "brief": brief.for_agent(&name)}));
    }

    /// A note for the agent who owns the conversation.
    pub(super) fn tell_owner_note(&self, owner_id: &str, conversation_id: &str, note: &super::NoteView) {
        self.tell_agent(owner_id, json!({"type": "note", "conversation_id": conversation_id, "note": note}));
    }
}

pub(super) fn waiting_of(r: &HandoffRow) -> Waiting {
    Waiting {
        id: r.id.clone(),
        language: r.language.clone(),
        priority: r.priority.max(0) as u32,
        requested_at: r.requested_at,
        offered_to: r.offered_to.clone(),
        offered_at: r.offered_at,
    }
}

/// The queued handoffs in the order `agent` should take them, each with its brief for them.
fn queue_view(agent: &Agent, rows: &[HandoffRow], active: &HashMap<String, u32>, now: i64) -> Vec<QueueItem> {
    let load = AgentLoad {
        id: agent.id.clone(),
        languages: agent.languages.clone(),
        online: true,
        active: active.get(&agent.id).copied().unwrap_or(0),
        capacity: agent.capacity,
    };
    let waiting: Vec<Waiting> = rows.iter().map(waiting_of).collect();
    let ordered = order_for(&load, agent.is_supervisor(), &waiting, TARGET_SECONDS, now);
    let by_id: HashMap<&str, &HandoffRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut out = Vec::new();
    for w in ordered {
        let Some(row) = by_id.get(w.id.as_str()) else { continue };
        let Ok(brief) = serde_json::from_str::<Brief>(&row.brief) else { continue };
        out.push(QueueItem {
            id: row.id.clone(),
            conversation_id: row.conversation_id.clone(),
            reason: row.reason,
            rule: row.rule.clone(),
            language: row.language.clone(),
            priority: w.priority,
            standing: Standing::of(w, TARGET_SECONDS, now),
            waiting_seconds: ((now - row.requested_at) / 1000).max(0),
            channel: brief.channel.clone(),
            matches_my_languages: load.speaks(&row.language),
            offered_to_me: row.offered_to.as_deref() == Some(agent.id.as_str()),
            brief: brief.for_agent(&agent.username),
        });
    }
    out
}
