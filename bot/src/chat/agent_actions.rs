//! What agents do to a conversation — claim, write, note, hand back, close — each a unit of work in
//! the log under the customer's lock, so exactly one responder is active at any time.

use komek_handoff::Role;

use super::{Chat, ConversationDetail, NoteView, Slot, Unit};
use crate::agents::Agent;
use crate::authz::{self, Action, Principal, Target};
use crate::clock::{now_ms, rfc3339};
use crate::dialogue::{SURVEY, SURVEY_SCALES};
use crate::error::{BotError, Conflict};
use crate::events::{Awaiting, ConvState, EventBody, Message};
use crate::store::{ConversationRow, ConversationWrite, HandoffStatus, HandoffWrite, SessionRow};

/// How an agent ends their part of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// Back to the bot.
    Release,
    /// The conversation ends (then the survey).
    Close,
}

impl Chat {
    /// Claims a queued handoff: the conversation is the agent's, the bot falls silent, the customer
    /// is told who joined.
    pub async fn claim(&self, agent: &Agent, handoff_id: &str) -> Result<ConversationDetail, BotError> {
        self.again(|| self.claim_once(agent, handoff_id)).await
    }

    async fn claim_once(&self, agent: &Agent, handoff_id: &str) -> Result<ConversationDetail, BotError> {
        let row = self.store.handoff(handoff_id).await?.ok_or(BotError::NotFound("no such handoff"))?;
        if row.status != HandoffStatus::Queued {
            return Err(Conflict::AlreadyClaimed.into());
        }
        let conv = self.store.conversation(&row.conversation_id).await?.ok_or(BotError::NotFound("no such conversation"))?;
        let slot = self.slot(&conv.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, &conv).await?;
        if memory.handoff_id.as_deref() != Some(handoff_id) || memory.state != ConvState::WaitingAgent {
            *guard = Some(memory);
            return Err(Conflict::AlreadyClaimed.into());
        }
        let lang = memory.lang.current();
        let joined = self.dialogue.reply(lang, "handoff.agent_joined", &[("agent", &agent.username)], 0);
        let mut unit = Unit::new(memory.clone(), Vec::new(), now_ms());
        unit.write(HandoffWrite::Claim { id: handoff_id.into(), agent_id: agent.id.clone(), at: unit.now });
        unit.record(EventBody::AgentJoined { handoff_id: handoff_id.into(), agent: agent.username.clone(), agent_id: agent.id.clone() });
        unit.record(EventBody::StateChanged { from: ConvState::WaitingAgent, to: ConvState::WithAgent, reason: "agent_claimed".into() });
        unit.record(EventBody::SystemMessage { text: joined.text, lang });
        match self.commit(unit).await {
            Ok((after, _)) => *guard = Some(after),
            Err(e) => {
                // A colleague's claim won the race in the database: nothing of ours was written.
                if !e.is_stale() {
                    *guard = Some(memory);
                }
                return Err(e);
            }
        }
        drop(guard);
        self.queue_changed().await;
        self.conversation_detail(agent, &conv.id).await
    }

    /// The conversation's lock and row, if `agent` may do `action` to it ([`authz::decide`]).
    async fn authorized(&self, agent: &Agent, conversation_id: &str, action: Action) -> Result<(Slot, ConversationRow), BotError> {
        let conv = self.store.conversation(conversation_id).await?.ok_or(BotError::NotFound("no such conversation"))?;
        let handoff = self.store.conversation_handoff(conversation_id).await?;
        authz::decide(Principal::Agent(agent), action, Target { customer_id: &conv.customer_id, handoff: handoff.as_ref() })?;
        Ok((self.slot(&conv.customer_id), conv))
    }

    /// An agent's message to the customer, delivered to the customer's channel.
    pub async fn agent_message(&self, agent: &Agent, conversation_id: &str, text: &str) -> Result<Message, BotError> {
        self.again(|| self.agent_message_once(agent, conversation_id, text)).await
    }

    async fn agent_message_once(&self, agent: &Agent, conversation_id: &str, text: &str) -> Result<Message, BotError> {
        let (slot, conv) = self.authorized(agent, conversation_id, Action::Reply).await?;
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, &conv).await?;
        if memory.state != ConvState::WithAgent {
            *guard = Some(memory);
            return Err(Conflict::NotWithAgent.into());
        }
        let lang = memory.lang.current();
        let mut unit = Unit::new(memory.clone(), Vec::new(), now_ms());
        if let Some(id) = &memory.handoff_id {
            unit.write(HandoffWrite::FirstReply { id: id.clone(), at: unit.now });
        }
        unit.record(EventBody::AgentMessage { text: text.to_string(), lang, agent: agent.username.clone() });
        let (after, mut outcome) = match self.commit(unit).await {
            Ok(done) => done,
            Err(e) => {
                if !e.is_stale() {
                    *guard = Some(memory);
                }
                return Err(e);
            }
        };
        *guard = Some(after);
        drop(guard);
        let message = outcome.messages.pop().ok_or(BotError::NotFound("the message was not written"))?;
        self.tell_owner(&conv.id, Some(&agent.id), std::slice::from_ref(&message), None);
        Ok(message)
    }

    /// An internal note; only agents see it. The owner or a supervisor may add one.
    pub async fn agent_note(&self, agent: &Agent, conversation_id: &str, text: &str) -> Result<NoteView, BotError> {
        let (slot, conv) = self.authorized(agent, conversation_id, Action::Note).await?;
        let _guard = slot.lock().await;
        let now = now_ms();
        let body = EventBody::Note { text: text.to_string(), agent: agent.username.clone() };
        let write = ConversationWrite::Event { conversation_id: conv.id.clone(), actor: format!("agent:{}", agent.username), body, at: now };
        let ids = self.store.writer.write(vec![write.into()]).await?;
        let note = NoteView { id: ids[0], text: text.to_string(), author: agent.username.clone(), created_at: rfc3339(now) };
        if let Some(owner) = self.store.conversation_handoff(&conv.id).await?.and_then(|h| h.agent_id) {
            self.tell_owner_note(&owner, &conv.id, &note);
        }
        Ok(note)
    }

    /// Hands the conversation back to the bot or ends it (with the survey).
    pub async fn agent_finish(&self, agent: &Agent, conversation_id: &str, how: Finish) -> Result<ConvState, BotError> {
        self.again(|| self.agent_finish_once(agent, conversation_id, how)).await
    }

    async fn agent_finish_once(&self, agent: &Agent, conversation_id: &str, how: Finish) -> Result<ConvState, BotError> {
        let (slot, conv) = self.authorized(agent, conversation_id, Action::Finish).await?;
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, &conv).await?;
        if !memory.state.with_people() {
            let state = memory.state;
            *guard = Some(memory);
            return Err(if state == ConvState::Closed { Conflict::Closed } else { Conflict::WithBot }.into());
        }
        let lang = memory.lang.current();
        let (to, why, status) = match how {
            Finish::Close => (ConvState::Closed, "agent_closed", HandoffStatus::Closed),
            Finish::Release => (ConvState::Bot, "agent_released", HandoffStatus::Released),
        };
        let mut unit = Unit::new(memory.clone(), Vec::new(), now_ms());
        if let Some(id) = &memory.handoff_id {
            unit.write(HandoffWrite::Status { id: id.clone(), status, at: unit.now });
        }
        unit.record(EventBody::StateChanged { from: memory.state, to, reason: why.into() });
        match how {
            Finish::Close => {
                unit.record(self.dialogue.reply(lang, "handoff.closed", &[], 0).said(lang));
                let q = SURVEY_SCALES[0].0;
                unit.record(self.dialogue.survey_question(lang, q).said_with(lang, None, Some(Awaiting { intent: SURVEY.into(), slot: q.into() })));
            }
            Finish::Release => unit.record(self.dialogue.reply(lang, "handoff.back_to_bot", &[], 0).said(lang)),
        }
        let (after, outcome) = match self.commit(unit).await {
            Ok(done) => done,
            Err(e) => {
                if !e.is_stale() {
                    *guard = Some(memory);
                }
                return Err(e);
            }
        };
        *guard = Some(after);
        drop(guard);
        self.tell_owner(&conv.id, Some(&agent.id), &outcome.messages, Some(to));
        self.queue_changed().await;
        Ok(to)
    }

    /// Shows the customer that their agent is writing (best effort).
    pub async fn agent_typing(&self, agent: &Agent, conversation_id: &str) {
        let Ok((_, conv)) = self.authorized(agent, conversation_id, Action::Reply).await else { return };
        if let Some(session) = &conv.session_id {
            conv.channel.typing(&self.live, session, Role::Agent);
        }
    }

    /// Shows the agent who owns the customer's conversation that the customer is writing (best
    /// effort, at most a couple of times a second per session).
    pub async fn customer_typing(&self, session: &SessionRow) {
        if !self.typing_limits.allow(&session.id) {
            return;
        }
        let Ok(Some(conv)) = self.store.current_conversation_of_session(&session.id).await else { return };
        if conv.state != ConvState::WithAgent {
            return;
        }
        if let Ok(Some(h)) = self.store.conversation_handoff(&conv.id).await
            && let Some(owner) = h.agent_id.filter(|_| h.status == HandoffStatus::Claimed)
        {
            self.tell_agent(&owner, serde_json::json!({"type": "typing", "conversation_id": conv.id, "role": "customer"}));
        }
    }
}
