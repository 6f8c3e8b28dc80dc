//! What agents read: queue items, a conversation with its brief, transcript, notes and SLA clock,
//! the conversations an agent owns, and the team. Typed views, serialised as the agent API shows them.

use komek_handoff::sla::SlaClock;
use komek_handoff::brief::CustomerBrief;
use komek_handoff::{Brief, Reason};
use serde::Serialize;

use super::Chat;
use crate::agents::{Agent, AgentRole};
use crate::authz::{self, Action, Principal, Target};
use crate::channel::Channel;
use crate::clock::{now_ms, rfc3339};
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, EventKind, MESSAGE_KINDS, Message};

/// Service level: a person answers within this many seconds of the handoff.
const SLA_TARGET_SECONDS: i64 = 60;

/// A handoff as the queue API shows it.
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    pub id: String,
    pub conversation_id: String,
    pub reason: Reason,
    pub rule: String,
    pub language: String,
    /// The policy's priority.
    pub priority: u32,
    /// Why it stands where it does: priority and waiting against the service-level target.
    pub standing: komek_handoff::queue::Standing,
    pub waiting_seconds: i64,
    pub channel: String,
    pub matches_my_languages: bool,
    pub offered_to_me: bool,
    pub brief: Brief,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteView {
    pub id: i64,
    pub text: String,
    pub author: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlaView {
    pub waiting_seconds: i64,
    pub first_reply_seconds: Option<i64>,
    pub target_seconds: i64,
    pub within_target: bool,
}

/// `GET /api/v1/agent/conversations/{id}` and the answer to a claim.
#[derive(Clone, Debug, Serialize)]
pub struct ConversationDetail {
    pub conversation_id: String,
    pub handoff_id: Option<String>,
    pub brief: Option<Brief>,
    pub messages: Vec<Message>,
    pub notes: Vec<NoteView>,
    pub state: ConvState,
    pub channel: Channel,
    pub sla: Option<SlaView>,
}

/// One of the conversations an agent owns now.
#[derive(Clone, Debug, Serialize)]
pub struct AgentConversation {
    pub conversation_id: String,
    pub handoff_id: String,
    pub language: String,
    pub state: ConvState,
    pub customer: Option<CustomerBrief>,
    pub last_message: Option<Message>,
}

/// An agent with presence and load, for supervisors.
#[derive(Clone, Debug, Serialize)]
pub struct AgentOverview {
    pub id: String,
    pub username: String,
    pub role: AgentRole,
    pub languages: Vec<String>,
    pub online: bool,
    pub active_conversations: u32,
    pub capacity: u32,
}

impl Chat {
    /// Brief, transcript, notes and state of a conversation, for an agent who may read it.
    pub async fn conversation_detail(&self, agent: &Agent, conversation_id: &str) -> Result<ConversationDetail, BotError> {
        let conv = self.store.conversation(conversation_id).await?.ok_or(BotError::NotFound("no such conversation"))?;
        let handoff = self.store.conversation_handoff(conversation_id).await?;
        authz::decide(Principal::Agent(agent), Action::Read, Target { customer_id: &conv.customer_id, handoff: handoff.as_ref() })?;
        let mut kinds = MESSAGE_KINDS.to_vec();
        kinds.push(EventKind::Note);
        let events = self.store.conversation_events_of(conversation_id, &kinds).await?;
        let messages: Vec<Message> = events.iter().filter_map(Event::message).collect();
        let notes: Vec<NoteView> = events
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::Note { text, agent } => Some(NoteView { id: e.id, text: text.clone(), author: agent.clone(), created_at: rfc3339(e.at) }),
                _ => None,
            })
            .collect();
        let brief = handoff.as_ref().and_then(|h| serde_json::from_str::<Brief>(&h.brief).ok()).map(|b| b.for_agent(&agent.username));
        let sla = handoff.as_ref().map(|h| {
            let clock = SlaClock { requested_at: h.requested_at, claimed_at: h.claimed_at, first_reply_at: h.first_reply_at };
            let now = now_ms();
            SlaView {
                waiting_seconds: clock.waiting_seconds(now),
                first_reply_seconds: clock.first_reply_seconds(),
                target_seconds: SLA_TARGET_SECONDS,
                within_target: clock.within(SLA_TARGET_SECONDS, now),
            }
        });
        Ok(ConversationDetail {
            conversation_id: conv.id,
            handoff_id: handoff.map(|h| h.id),
            brief,
            messages,
            notes,
            state: conv.state,
            channel: conv.channel,
            sla,
        })
    }

    /// The conversations an agent owns now.
    pub async fn agent_conversations(&self, agent: &Agent) -> Result<Vec<AgentConversation>, BotError> {
        let mut out = Vec::new();
        for h in self.store.agent_handoffs(&agent.id).await? {
            let brief = serde_json::from_str::<Brief>(&h.brief).ok();
            let Some(conv) = self.store.conversation(&h.conversation_id).await? else { continue };
            let last = self.store.conversation_events_of(&conv.id, MESSAGE_KINDS).await?.last().and_then(Event::message);
            out.push(AgentConversation {
                conversation_id: conv.id,
                handoff_id: h.id,
                language: h.language,
                state: conv.state,
                customer: brief.map(|b| b.customer),
                last_message: last,
            });
        }
        Ok(out)
    }

    /// Every agent with presence and load (supervisors).
    pub async fn agents_overview(&self) -> Result<Vec<AgentOverview>, BotError> {
        Ok(self
            .agent_loads()
            .await?
            .into_iter()
            .map(|(a, l)| AgentOverview {
                id: a.id,
                username: a.username,
                role: a.role,
                languages: a.languages,
                online: l.online,
                active_conversations: l.active,
                capacity: l.capacity,
            })
            .collect())
    }
}
