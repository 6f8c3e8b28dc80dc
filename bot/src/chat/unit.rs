//! A unit of work on one conversation: the events a turn or an agent action adds, the other writes
//! that must commit with them, and the conversation's memory with those events already folded in.
//! The memory is stepped once per event as it is recorded, so the policy, the dialogue and the brief
//! all read the same state, and after the commit it simply becomes the conversation's memory.

use super::Chat;
use crate::dialogue::Memory;
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, Message};
use crate::store::{ConversationWrite, CustomerWrite, Write};

pub(crate) struct Unit {
    /// The memory after every event recorded so far.
    pub memory: Memory,
    bodies: Vec<EventBody>,
    /// Who each event is attributed to, where it is not the body's default (an agent's name).
    actors: Vec<Option<String>>,
    writes: Vec<Write>,
    pub now: i64,
    /// Messages to the customer's other channels about linking, sent after the commit.
    pub notices: Vec<super::commands::LinkNotice>,
    /// The open handoff's brief when the unit refreshed it (sent to the agent who owns it).
    pub brief: Option<komek_handoff::Brief>,
}

/// What a committed unit of work changed, for the caller and for live clients.
pub struct TurnOutcome {
    /// The messages among the new events (what the customer sent and what they were told).
    pub messages: Vec<Message>,
    pub state: ConvState,
    /// The state the unit moved the conversation to, if it did.
    pub changed: Option<ConvState>,
    /// Where the customer stands in the queue, while they wait for a person.
    pub queue: Option<komek_handoff::queue::QueueInfo>,
}

impl Unit {
    /// `writes` commit with the events (e.g. taking a Telegram update once); if one of them
    /// conflicts, nothing of the unit is written.
    pub fn new(memory: Memory, writes: Vec<Write>, now: i64) -> Self {
        Self { memory, bodies: Vec::new(), actors: Vec::new(), writes, now, notices: Vec::new(), brief: None }
    }

    /// Adds an event and folds it into the memory; a state change also updates the projection.
    pub fn record(&mut self, body: EventBody) {
        self.record_by(None, body);
    }

    /// [`Unit::record`] with the event attributed to `actor` (e.g. `agent:aigerim`).
    pub fn record_by(&mut self, actor: Option<String>, body: EventBody) {
        self.memory.fold(&self.memory.conversation_id.clone(), self.now, &body);
        if let EventBody::StateChanged { to, .. } = &body {
            self.writes.push(ConversationWrite::State { conversation_id: self.memory.conversation_id.clone(), state: *to, at: self.now }.into());
        }
        self.bodies.push(body);
        self.actors.push(actor);
    }

    pub fn write(&mut self, write: impl Into<Write>) {
        self.writes.push(write.into());
    }

    /// The state the conversation moves to in this unit, if it changes.
    pub fn state_change(&self) -> Option<ConvState> {
        self.bodies.iter().rev().find_map(|b| match b {
            EventBody::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
    }
}

impl Chat {
    /// Writes a unit of work with the deliveries its channel needs, atomically, then pushes the new
    /// messages to the customer's live clients. Returns the memory after it.
    pub(crate) async fn commit(&self, unit: Unit) -> Result<(Memory, TurnOutcome), BotError> {
        let Unit { mut memory, bodies, actors, mut writes, now, .. } = unit;
        let conversation_id = memory.conversation_id.clone();
        // Only on the memory it was decided on (another node may have written since).
        writes.insert(0, CustomerWrite::Turn { customer_id: memory.customer_id.clone(), seq: memory.seq }.into());
        if let Some(session) = &memory.session_id {
            writes.extend(memory.channel.deliveries(session, &bodies, now));
        }
        let first_event = writes.iter().filter(|w| matches!(w, Write::Conversations(ConversationWrite::Event { .. }))).count();
        let actors: Vec<String> = actors.into_iter().zip(&bodies).map(|(a, b)| a.unwrap_or_else(|| b.actor().to_string())).collect();
        for (body, actor) in bodies.iter().zip(&actors) {
            writes.push(ConversationWrite::Event { conversation_id: conversation_id.clone(), actor: actor.clone(), body: body.clone(), at: now }.into());
        }
        let changed = bodies.iter().rev().find_map(|b| match b {
            EventBody::StateChanged { to, .. } => Some(*to),
            _ => None,
        });
        let queue = bodies.iter().rev().find_map(|b| match b {
            EventBody::QueueTold { queue } => Some(*queue),
            _ => None,
        });
        let ids = self.store.writer.write(writes).await?;
        memory.seq += 1;
        let messages: Vec<Message> = ids[first_event..]
            .iter()
            .zip(bodies.into_iter().zip(actors))
            .filter_map(|(id, (body, actor))| Event { id: *id, conversation_id: conversation_id.clone(), actor, at: now, body }.message())
            .collect();
        if let (Some(queue), Some(handoff)) = (queue, &memory.handoff_id) {
            self.queue_told.lock().expect("queue told").insert(handoff.clone(), (queue, now));
            self.queue_pushed.lock().expect("queue pushed").insert(handoff.clone(), queue);
        }
        if let Some(session) = &memory.session_id {
            let state = (changed.is_some() || queue.is_some()).then_some((memory.state, queue));
            memory.channel.publish(&self.live, session, &messages, state);
        }
        let state = memory.state;
        Ok((memory, TurnOutcome { messages, state, changed, queue: None }))
    }
}
