//! The human side of a conversation: deciding to hand over (through the `handoff` crate's policy),
//! opening a handoff with its brief, the agents' queue and presence, and what agents do — claim,
//! write, note, hand back, close. Every action is a unit of work in the log under the customer's lock,
//! so exactly one responder is active at any time.

use std::collections::HashMap;
use std::sync::Arc;

use komek_handoff::conversation::{Conversation, Role, Signal, Turn};
use komek_handoff::queue::{AgentLoad, Waiting, order_for, position, route, someone_speaks};
use komek_handoff::sla::SlaClock;
use komek_handoff::{Brief, Escalation, Reason, build_brief};
use komek_nlu::Lang;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Chat, event};
use crate::agents::Agent;
use crate::clock::{now_ms, rfc3339};
use crate::dialogue::{Input, Memory, Resolved};
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, Message};
use crate::secrets::new_id;
use crate::store::{HandoffRow, Write};

/// An agent action refused, with the HTTP meaning the API gives it.
#[derive(Debug)]
pub enum Refusal {
    NotFound(&'static str),
    Conflict(&'static str),
    Forbidden(&'static str),
}

pub type AgentResult<T> = Result<Result<T, Refusal>, BotError>;

/// A handoff as the queue API shows it.
#[derive(Serialize)]
pub struct QueueItem {
    pub id: String,
    pub conversation_id: String,
    pub reason: String,
    pub rule: String,
    pub language: String,
    pub priority: u32,
    pub waiting_seconds: i64,
    pub channel: String,
    pub matches_my_languages: bool,
    pub offered_to_me: bool,
    pub brief: Brief,
}

/// Service level: a person answers within this many seconds of the handoff.
const SLA_TARGET_SECONDS: i64 = 60;

fn agent_address(agent_id: &str) -> String {
    format!("agent:{agent_id}")
}

impl Chat {
    /// The policy's decision on the latest message.
    pub(super) fn escalation(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved, text: &str, now: i64) -> Option<Escalation> {
        let def = self.nlu.defs.iter().find(|d| d.name == resolved.intent);
        let oos = self.dialogue.script.out_of_scope_intent();
        let action = self.dialogue.script.action(&resolved.intent);
        let parse = input.parse;
        let label = serde_json::to_value(parse.emotion.label).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        // The confidence of what the bot acts on: certain for a click or an answer to its question.
        let confidence = if resolved.intent == parse.intent.name { parse.intent.confidence } else { 1.0 };
        let signal = Signal {
            intent: &resolved.intent,
            confidence,
            out_of_scope: resolved.intent == oos,
            requests_person: def.is_some_and(|d| d.handoff),
            sensitive: def.is_some_and(|d| d.sensitive),
            concerns_order: action.needs_order(),
            emotion: &label,
            emotion_score: parse.emotion.score,
        };
        let mut turns = memory.turns.clone();
        turns.push(Turn {
            at: now,
            role: Role::Customer,
            text: text.to_string(),
            intent: Some(resolved.intent.clone()),
            emotion: Some((label.clone(), parse.emotion.score)),
            missed: signal.out_of_scope,
        });
        let mut facts = memory.facts.clone();
        if let Some(e) = parse.entities.iter().find(|e| e.kind == "order_id") {
            facts.insert("order_id".into(), e.value.clone());
        }
        let conv = self.view(memory, &turns, &facts, now);
        self.handoff.policy.decide(&conv, &signal)
    }

    /// A handoff the dialogue asked for itself (e.g. an address change after shipping).
    pub(super) fn sensitive_escalation(&self, why: &str) -> Escalation {
        let reason = Reason::SensitiveIntent;
        let rule = if why.is_empty() { "dialogue".to_string() } else { why.to_string() };
        Escalation { reason, rule, priority: self.handoff.policy.base_priority(reason), vip: false }
    }

    fn view<'a>(&self, memory: &'a Memory, turns: &'a [Turn], facts: &'a std::collections::BTreeMap<String, String>, now: i64) -> Conversation<'a> {
        Conversation {
            language: memory.lang.current().code(),
            channel: &memory.channel,
            turns,
            facts,
            customer: &memory.customer,
            past: &memory.past,
            now,
        }
    }

    /// The brief of `memory` after `bodies` (this turn's events, not yet written).
    fn brief_after(&self, memory: &Memory, bodies: &[EventBody], escalation: &Escalation, now: i64) -> Brief {
        let mut after = memory.clone();
        for body in bodies {
            after.apply(&Event { id: 0, conversation_id: after.conversation_id.clone(), actor: String::new(), at: now, body: body.clone() });
        }
        let lang = after.lang.current();
        let texts = self.handoff.texts.get(&lang).or_else(|| self.handoff.texts.get(&Lang::En)).expect("brief texts load with the service");
        let conv = self.view(&after, &after.turns, &after.facts, now);
        let vip = escalation.vip || self.handoff.policy.is_vip(&conv);
        build_brief(&conv, escalation, vip, texts)
    }

    /// The events and writes that open a handoff: the request, the queue row with its brief and the
    /// first offer, and what the customer is told about the wait.
    pub(super) async fn open_handoff(
        &self,
        memory: &Memory,
        bodies: &[EventBody],
        escalation: &Escalation,
        lang: Lang,
        now: i64,
    ) -> Result<(Vec<EventBody>, Vec<Write>, String), BotError> {
        let id = new_id("h");
        let brief = self.brief_after(memory, bodies, escalation, now);
        let loads = self.agent_loads().await?;
        let offered_to = route(lang.code(), &loads.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>());
        let mut waiting: Vec<Waiting> = self.store.queued_handoffs().await?.iter().map(waiting_of).collect();
        waiting.push(Waiting {
            id: id.clone(),
            language: lang.code().into(),
            priority: escalation.priority,
            requested_at: now,
            offered_to: offered_to.clone(),
            offered_at: offered_to.as_ref().map(|_| now),
        });
        let place = position(&id, &waiting, now).max(1);
        let someone = someone_speaks(lang.code(), &loads.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>());
        let reply = if someone {
            let per_customer = self.store.recent_wait_seconds(lang.code()).await?.unwrap_or(120.0).max(30.0);
            let minutes = ((per_customer * place as f64) / 60.0).ceil().max(1.0) as u32;
            self.dialogue.reply(lang, "handoff.waiting", &[("position", &place.to_string()), ("minutes", &minutes.to_string())], 0)
        } else {
            self.dialogue.reply(lang, "handoff.no_agent_for_language", &[], 0)
        };
        let brief_json = serde_json::to_string(&brief).map_err(|e| BotError::Database(e.to_string()))?;
        let writes = vec![Write::Handoff(HandoffRow {
            id: id.clone(),
            conversation_id: memory.conversation_id.clone(),
            reason: escalation.reason.as_str().into(),
            rule: escalation.rule.clone(),
            language: lang.code().into(),
            priority: i64::from(escalation.priority),
            status: "queued".into(),
            requested_at: now,
            offered_to: offered_to.clone(),
            offered_at: offered_to.as_ref().map(|_| now),
            agent_id: None,
            claimed_at: None,
            first_reply_at: None,
            brief: brief_json,
        })];
        let bodies = vec![
            EventBody::HandoffRequested {
                handoff_id: id.clone(),
                reason: escalation.reason.as_str().into(),
                rule: escalation.rule.clone(),
                priority: escalation.priority,
            },
            EventBody::BotMessage { text: reply.text, lang, key: reply.key, intent: None, buttons: reply.buttons, awaiting: None, proactive: false },
        ];
        tracing::info!(handoff = %id, reason = escalation.reason.as_str(), rule = %escalation.rule, offered_to = ?offered_to, "handoff opened");
        Ok((bodies, writes, id))
    }

    /// Keeps the open handoff's brief current as the customer keeps writing.
    pub(super) fn refreshed_brief(&self, memory: &Memory, bodies: &[EventBody], now: i64) -> Vec<Write> {
        let (Some(id), Some((reason, rule, priority))) = (&memory.handoff_id, &memory.escalation) else { return vec![] };
        let Some(reason) = Reason::parse(reason) else { return vec![] };
        let escalation = Escalation { reason, rule: rule.clone(), priority: *priority, vip: false };
        let brief = self.brief_after(memory, bodies, &escalation, now);
        match serde_json::to_string(&brief) {
            Ok(brief) => vec![Write::HandoffBrief { id: id.clone(), brief }],
            Err(_) => vec![],
        }
    }

    /// Every agent with their load, online or not.
    async fn agent_loads(&self) -> Result<Vec<(Agent, AgentLoad)>, BotError> {
        let active = self.store.active_counts().await?;
        let online: HashMap<String, usize> = self.presence.lock().expect("presence").clone();
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
                    online: online.get(&agent.id).is_some_and(|n| *n > 0),
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
        let mut presence = self.presence.lock().expect("presence");
        let n = presence.entry(agent_id.to_string()).or_insert(0);
        if online {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
        }
    }

    pub fn agent_events(&self, agent_id: &str) -> tokio::sync::broadcast::Receiver<Arc<str>> {
        self.hub.subscribe(&agent_address(agent_id))
    }

    /// Sends every online agent their queue.
    pub async fn refresh_queues(&self) {
        let online: Vec<String> = self.presence.lock().expect("presence").iter().filter(|(_, n)| **n > 0).map(|(id, _)| id.clone()).collect();
        if online.is_empty() {
            return;
        }
        let agents = match self.store.agents().await {
            Ok(a) => a,
            Err(e) => return tracing::warn!(error = %e, "queue refresh failed"),
        };
        // One read of the queue and the loads serves every online agent.
        let (rows, active) = match (self.store.queued_handoffs().await, self.store.active_counts().await) {
            (Ok(r), Ok(a)) => (r, a),
            (Err(e), _) | (_, Err(e)) => return tracing::warn!(error = %e, "queue refresh failed"),
        };
        let now = now_ms();
        for row in agents.iter().filter(|a| online.contains(&a.id)) {
            let agent = Agent::from(row);
            let queue = queue_view(&agent, &rows, &active, now);
            self.hub.publish(&agent_address(&agent.id), Arc::from(json!({"type": "queue", "handoffs": queue}).to_string()));
        }
    }

    /// Shows the customer that their agent is writing (web widget; best effort).
    pub async fn agent_typing(&self, agent: &Agent, conversation_id: &str) {
        let Ok(Some(h)) = self.store.conversation_handoff(conversation_id).await else { return };
        if h.status != "claimed" || h.agent_id.as_deref() != Some(agent.id.as_str()) {
            return;
        }
        if let Ok(Some(conv)) = self.store.conversation(conversation_id).await
            && let Some(address) = conv.session_id.filter(|a| !a.starts_with(super::TELEGRAM_ADDRESS)) {
                self.hub.publish(&address, Arc::from(json!({"type": "typing", "role": "agent"}).to_string()));
            }
    }

    /// Live frames for the agent who owns the conversation.
    pub(super) fn tell_agents(&self, conversation_id: &str, owner_id: Option<&str>, messages: &[Message], state: Option<ConvState>) {
        let Some(owner_id) = owner_id else { return };
        let address = agent_address(owner_id);
        for m in messages {
            self.hub.publish(&address, Arc::from(json!({"type": "message", "conversation_id": conversation_id, "message": m}).to_string()));
        }
        if let Some(state) = state {
            self.hub.publish(&address, Arc::from(json!({"type": "state", "conversation_id": conversation_id, "state": state}).to_string()));
        }
    }

    /// Claims a queued handoff: the conversation is the agent's, the bot falls silent, the customer
    /// is told who joined.
    pub async fn claim(&self, agent: &Agent, handoff_id: &str) -> AgentResult<Value> {
        let Some(row) = self.store.handoff(handoff_id).await? else { return Ok(Err(Refusal::NotFound("no such handoff"))) };
        if row.status != "queued" {
            return Ok(Err(Refusal::Conflict("already_claimed")));
        }
        let Some(conv) = self.store.conversation(&row.conversation_id).await? else { return Ok(Err(Refusal::NotFound("no such conversation"))) };
        let slot = self.slot(&conv.customer_id);
        let mut guard = slot.lock().await;
        let mut memory = self.conversation_memory(&mut guard, &conv).await?;
        if memory.handoff_id.as_deref() != Some(handoff_id) || memory.state != ConvState::WaitingAgent {
            *guard = Some(memory);
            return Ok(Err(Refusal::Conflict("already_claimed")));
        }
        let now = now_ms();
        let lang = memory.lang.current();
        let joined = self.dialogue.reply(lang, "handoff.agent_joined", &[("agent", &agent.username)], 0);
        let bodies = vec![
            EventBody::AgentJoined { handoff_id: handoff_id.into(), agent: agent.username.clone(), agent_id: agent.id.clone() },
            EventBody::StateChanged { from: ConvState::WaitingAgent, to: ConvState::WithAgent, reason: "agent_claimed".into() },
            EventBody::SystemMessage { text: joined.text, lang },
        ];
        let writes = vec![
            Write::ClaimHandoff { id: handoff_id.into(), agent_id: agent.id.clone(), at: now },
            Write::State { conversation_id: conv.id.clone(), state: ConvState::WithAgent, at: now },
        ];
        match self.commit_turn(&mut memory, writes, bodies, Some(ConvState::WithAgent), now).await {
            Ok(_) => {}
            Err(BotError::Conflict(_)) => {
                *guard = Some(memory);
                return Ok(Err(Refusal::Conflict("already_claimed")));
            }
            Err(e) => return Err(e),
        }
        *guard = Some(memory);
        drop(guard);
        self.refresh_queues().await;
        let detail = self.conversation_detail(agent, &conv.id).await?;
        Ok(detail)
    }

    /// Locks an agent-owned conversation and checks ownership; supervisors may act on any.
    async fn owned(&self, agent: &Agent, conversation_id: &str, need_owner: bool) -> Result<Result<(Arc<tokio::sync::Mutex<Option<Memory>>>, crate::store::ConversationRow), Refusal>, BotError> {
        let Some(conv) = self.store.conversation(conversation_id).await? else { return Ok(Err(Refusal::NotFound("no such conversation"))) };
        let handoff = self.store.conversation_handoff(conversation_id).await?;
        let owns = handoff.as_ref().is_some_and(|h| h.status == "claimed" && h.agent_id.as_deref() == Some(agent.id.as_str()));
        if need_owner && !owns {
            return Ok(Err(Refusal::Forbidden("this conversation is not yours")));
        }
        if !owns && !agent.is_supervisor() && handoff.is_none() {
            return Ok(Err(Refusal::Forbidden("this conversation was never handed to a person")));
        }
        Ok(Ok((self.slot(&conv.customer_id), conv)))
    }

    /// An agent's message to the customer, delivered to the customer's channel.
    pub async fn agent_message(&self, agent: &Agent, conversation_id: &str, text: &str) -> AgentResult<Message> {
        let (slot, conv) = match self.owned(agent, conversation_id, true).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let mut guard = slot.lock().await;
        let mut memory = self.conversation_memory(&mut guard, &conv).await?;
        if memory.state != ConvState::WithAgent {
            *guard = Some(memory);
            return Ok(Err(Refusal::Conflict("the conversation is not with an agent")));
        }
        let now = now_ms();
        let lang = memory.lang.current();
        let writes: Vec<Write> = memory.handoff_id.iter().map(|id| Write::HandoffFirstReply { id: id.clone(), at: now }).collect();
        let bodies = vec![EventBody::AgentMessage { text: text.to_string(), lang, agent: agent.username.clone() }];
        let outcome = self.commit_turn(&mut memory, writes, bodies, None, now).await;
        *guard = Some(memory);
        drop(guard);
        let message = outcome?.messages.pop().expect("an agent message is a message");
        self.tell_agents(&conv.id, Some(&agent.id), std::slice::from_ref(&message), None);
        Ok(Ok(message))
    }

    /// An internal note; only agents see it.
    pub async fn agent_note(&self, agent: &Agent, conversation_id: &str, text: &str) -> AgentResult<Value> {
        let (slot, conv) = match self.owned(agent, conversation_id, false).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let _guard = slot.lock().await;
        let now = now_ms();
        let body = EventBody::Note { text: text.to_string(), agent: agent.username.clone() };
        let ids = self.store.writer.write(vec![event(&conv.id, &format!("agent:{}", agent.username), body, now)]).await?;
        let note = json!({"id": ids[0], "text": text, "author": agent.username, "created_at": rfc3339(now)});
        let owner = self.store.conversation_handoff(&conv.id).await?.and_then(|h| h.agent_id);
        if let Some(owner) = owner {
            self.hub.publish(&agent_address(&owner), Arc::from(json!({"type": "note", "conversation_id": conv.id, "note": note}).to_string()));
        }
        Ok(Ok(note))
    }

    /// Hands the conversation back to the bot (`release`) or ends it (`close`, with the survey).
    pub async fn agent_finish(&self, agent: &Agent, conversation_id: &str, close: bool) -> AgentResult<ConvState> {
        let (slot, conv) = match self.owned(agent, conversation_id, !agent.is_supervisor()).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let mut guard = slot.lock().await;
        let mut memory = self.conversation_memory(&mut guard, &conv).await?;
        if !matches!(memory.state, ConvState::WithAgent | ConvState::WaitingAgent) {
            let state = memory.state;
            *guard = Some(memory);
            return Ok(Err(Refusal::Conflict(if state == ConvState::Closed { "the conversation is closed" } else { "the conversation is with the bot" })));
        }
        let now = now_ms();
        let lang = memory.lang.current();
        let (to, why, status) = if close { (ConvState::Closed, "agent_closed", "closed") } else { (ConvState::Bot, "agent_released", "released") };
        let mut writes = vec![Write::State { conversation_id: conv.id.clone(), state: to, at: now }];
        if let Some(id) = &memory.handoff_id {
            writes.push(Write::HandoffStatus { id: id.clone(), status: status.into(), at: now });
        }
        let mut bodies = vec![EventBody::StateChanged { from: memory.state, to, reason: why.into() }];
        let mut say = |r: crate::dialogue::Reply, awaiting: Option<crate::events::Awaiting>| {
            bodies.push(EventBody::BotMessage { text: r.text, lang, key: r.key, intent: None, buttons: r.buttons, awaiting, proactive: false });
        };
        if close {
            say(self.dialogue.reply(lang, "handoff.closed", &[], 0), None);
            let q = crate::dialogue::SURVEY_SCALES[0].0;
            say(self.dialogue.survey_question(lang, q), Some(crate::events::Awaiting { intent: crate::dialogue::SURVEY.into(), slot: q.into() }));
        } else {
            say(self.dialogue.reply(lang, "handoff.back_to_bot", &[], 0), None);
        }
        let outcome = self.commit_turn(&mut memory, writes, bodies, Some(to), now).await;
        *guard = Some(memory);
        drop(guard);
        self.tell_agents(&conv.id, Some(&agent.id), &outcome?.messages, Some(to));
        self.refresh_queues().await;
        Ok(Ok(to))
    }

    /// Brief, transcript, notes and state of a conversation, for an agent who owns it, a supervisor,
    /// or any agent while it waits in the queue.
    pub async fn conversation_detail(&self, agent: &Agent, conversation_id: &str) -> AgentResult<Value> {
        let Some(conv) = self.store.conversation(conversation_id).await? else { return Ok(Err(Refusal::NotFound("no such conversation"))) };
        let handoff = self.store.conversation_handoff(conversation_id).await?;
        let allowed = agent.is_supervisor()
            || handoff.as_ref().is_some_and(|h| h.status == "queued" || h.agent_id.as_deref() == Some(agent.id.as_str()));
        if !allowed {
            return Ok(Err(Refusal::Forbidden("this conversation is not yours")));
        }
        let events = self
            .store
            .conversation_events_of(conversation_id, &["customer_message", "bot_message", "agent_message", "system_message", "note"])
            .await?;
        let messages: Vec<Message> = events.iter().filter_map(Event::message).collect();
        let notes: Vec<Value> = events
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::Note { text, agent } => Some(json!({"id": e.id, "text": text, "author": agent, "created_at": rfc3339(e.at)})),
                _ => None,
            })
            .collect();
        let brief = handoff.as_ref().and_then(|h| serde_json::from_str::<Brief>(&h.brief).ok()).map(|b| b.for_agent(&agent.username));
        let sla = handoff.as_ref().map(|h| {
            let clock = SlaClock { requested_at: h.requested_at, claimed_at: h.claimed_at, first_reply_at: h.first_reply_at };
            let now = now_ms();
            json!({
                "waiting_seconds": clock.waiting_seconds(now),
                "first_reply_seconds": clock.first_reply_seconds(),
                "target_seconds": SLA_TARGET_SECONDS,
                "within_target": clock.within(SLA_TARGET_SECONDS, now),
            })
        });
        Ok(Ok(json!({
            "conversation_id": conv.id,
            "handoff_id": handoff.as_ref().map(|h| h.id.clone()),
            "brief": brief,
            "messages": messages,
            "notes": notes,
            "state": conv.state,
            "channel": conv.channel,
            "sla": sla,
        })))
    }

    /// The conversations an agent owns now.
    pub async fn agent_conversations(&self, agent: &Agent) -> Result<Vec<Value>, BotError> {
        let mut out = Vec::new();
        for h in self.store.agent_handoffs(&agent.id).await? {
            let brief = serde_json::from_str::<Brief>(&h.brief).ok();
            let Some(conv) = self.store.conversation(&h.conversation_id).await? else { continue };
            let last = self
                .store
                .conversation_events_of(&conv.id, &["customer_message", "bot_message", "agent_message", "system_message"])
                .await?
                .last()
                .and_then(Event::message);
            out.push(json!({
                "conversation_id": conv.id,
                "handoff_id": h.id,
                "language": h.language,
                "state": conv.state,
                "customer": brief.as_ref().map(|b| b.customer.clone()),
                "last_message": last,
            }));
        }
        Ok(out)
    }

    /// Every agent with presence and load (supervisors).
    pub async fn agents_overview(&self) -> Result<Vec<Value>, BotError> {
        Ok(self
            .agent_loads()
            .await?
            .into_iter()
            .map(|(a, l)| {
                json!({"id": a.id, "username": a.username, "role": a.role, "languages": a.languages, "online": l.online, "active_conversations": l.active, "capacity": l.capacity})
            })
            .collect())
    }
}

fn waiting_of(r: &HandoffRow) -> Waiting {
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
    let ordered = order_for(&load, agent.is_supervisor(), &waiting, now);
    let by_id: HashMap<&str, &HandoffRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut out = Vec::new();
    for w in ordered {
        let Some(row) = by_id.get(w.id.as_str()) else { continue };
        let Ok(brief) = serde_json::from_str::<Brief>(&row.brief) else { continue };
        out.push(QueueItem {
            id: row.id.clone(),
            conversation_id: row.conversation_id.clone(),
            reason: row.reason.clone(),
            rule: row.rule.clone(),
            language: row.language.clone(),
            priority: komek_handoff::queue::effective_priority(w, now),
            waiting_seconds: ((now - row.requested_at) / 1000).max(0),
            channel: brief.channel.clone(),
            matches_my_languages: load.speaks(&row.language),
            offered_to_me: row.offered_to.as_deref() == Some(agent.id.as_str()),
            brief: brief.for_agent(&agent.username),
        });
    }
    out
}
