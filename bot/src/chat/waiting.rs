//! Customers waiting for a person: where each stands in the queue and how long it should take (from
//! the live queue, the agents online and the recent pace), what they are told about it, and telling
//! them again when it changes — at most once per `queue_update_ms`, the same on every channel.

use std::collections::HashMap;

use komek_handoff::queue::{AgentLoad, Pace, QueueInfo, Waiting, queue_info};
use komek_handoff::sla::TARGET_SECONDS;
use komek_nlu::Lang;

use super::queue::waiting_of;
use super::{Chat, Unit};
use crate::clock::now_ms;
use crate::dialogue::QueueNote;
use crate::error::BotError;
use crate::events::{ConvState, EventBody};
use crate::store::HandoffRow;

/// What a waiting customer is told, by reply key: with an estimate, and without one (nobody who
/// speaks their language is online).
#[derive(Clone, Copy)]
pub(super) enum Telling {
    /// Just queued.
    Opened,
    /// In answer to a message of theirs.
    Note(QueueNote),
    /// The queue changed.
    Update { agents_came: bool },
}

impl Telling {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Telling::Opened => ("queue.waiting", "queue.no_agent_for_language"),
            Telling::Note(QueueNote::StillWaiting) => ("queue.still_waiting", "queue.still_waiting_no_agent"),
            Telling::Note(QueueNote::Noted) => ("queue.noted", "queue.noted_no_agent"),
            Telling::Note(QueueNote::StillQueued) => ("queue.still_queued", "queue.still_queued"),
            Telling::Note(QueueNote::WaitAny) => ("queue.wait_any", "queue.wait_any"),
            Telling::Note(QueueNote::Later) => ("queue.answer_later", "queue.answer_later"),
            Telling::Update { agents_came: true } => ("queue.agent_available", "queue.no_agent"),
            Telling::Update { agents_came: false } => ("queue.update", "queue.no_agent"),
        }
    }
}

impl Chat {
    /// Where every queued handoff (and `new`, not yet stored) stands, from one read of the queue,
    /// the agents and the pace of each language.
    pub(super) async fn standings(&self, new: Option<Waiting>) -> Result<HashMap<String, QueueInfo>, BotError> {
        let rows = self.store.queued_handoffs().await?;
        self.standings_of(&rows, new).await
    }

    /// [`Chat::standings`] of queued rows already read.
    async fn standings_of(&self, rows: &[HandoffRow], new: Option<Waiting>) -> Result<HashMap<String, QueueInfo>, BotError> {
        let mut waiting: Vec<Waiting> = rows.iter().map(waiting_of).collect();
        waiting.extend(new);
        if waiting.is_empty() {
            return Ok(HashMap::new());
        }
        let loads: Vec<AgentLoad> = self.agent_loads().await?.into_iter().map(|(_, l)| l).collect();
        let mut paces: HashMap<String, Pace> = HashMap::new();
        for w in &waiting {
            if !paces.contains_key(&w.language) {
                paces.insert(w.language.clone(), self.store.recent_pace(&w.language).await?);
            }
        }
        let now = now_ms();
        Ok(waiting.iter().filter_map(|w| Some((w.id.clone(), queue_info(&w.id, &waiting, &loads, paces[&w.language], TARGET_SECONDS, now)?))).collect())
    }

    /// Where the conversation's open handoff stands, while it waits.
    pub async fn queue_of(&self, conversation_id: &str) -> Result<Option<QueueInfo>, BotError> {
        let Some(row) = self.store.conversation_handoff(conversation_id).await? else { return Ok(None) };
        Ok(self.standings(None).await?.remove(&row.id))
    }

    /// Tells the customer where they stand, in `unit` (a message and what it said). Nothing when
    /// the handoff is no longer waiting (an agent took it meanwhile).
    pub(super) fn tell_queue(&self, unit: &mut Unit, telling: Telling, info: Option<QueueInfo>, lang: Lang) {
        let Some(info) = info else { return };
        let (with_estimate, without) = telling.keys();
        let pick = unit.memory.customer_messages as usize;
        let reply = match info.minutes() {
            Some(minutes) => self.dialogue.reply(lang, with_estimate, &[("position", &info.position.to_string()), ("minutes", &minutes.to_string())], pick),
            None => self.dialogue.reply(lang, without, &[("position", &info.position.to_string())], pick),
        };
        unit.record(reply.said(lang));
        unit.record(EventBody::QueueTold { queue: info });
    }

    /// Tells every waiting customer where they stand now: the status line of open widgets at every
    /// change, and a message (every channel) when it changed materially since they were last told
    /// and that was at least `queue_update_ms` ago. Run after every change to the queue and on a
    /// timer (a change too soon after the last message is told when the interval has passed).
    /// Returns where every waiting handoff stands (empty when that could not be read).
    pub async fn tell_waiting(&self) -> HashMap<String, QueueInfo> {
        match self.try_tell_waiting().await {
            Ok(standings) => standings,
            Err(e) => {
                tracing::warn!(error = %e, "waiting customers not updated");
                HashMap::new()
            }
        }
    }

    async fn try_tell_waiting(&self) -> Result<HashMap<String, QueueInfo>, BotError> {
        let rows = self.store.queued_handoffs().await?;
        let standings = self.standings_of(&rows, None).await?;
        {
            let keep = |id: &String| standings.contains_key(id);
            self.queue_pushed.lock().expect("queue pushed").retain(|id, _| keep(id));
            self.queue_told.lock().expect("queue told").retain(|id, _| keep(id));
        }
        let now = now_ms();
        for row in &rows {
            let Some(info) = standings.get(&row.id).copied() else { continue };
            let told = self.queue_told.lock().expect("queue told").get(&row.id).copied();
            let due = told.is_none_or(|(t, at)| info.differs_materially(&t) && now - at >= self.queue_update_ms);
            if due {
                self.again(|| self.update_waiting(row, info)).await?;
            } else if self.queue_pushed.lock().expect("queue pushed").get(&row.id) != Some(&info) {
                self.push_standing(row, info).await?;
            }
        }
        Ok(standings)
    }

    /// Tells one waiting customer where they stand, if they still wait and it is news to them (the
    /// log decides: their memory holds what they were last told).
    async fn update_waiting(&self, row: &HandoffRow, info: QueueInfo) -> Result<(), BotError> {
        let Some(conv) = self.store.conversation(&row.conversation_id).await? else { return Ok(()) };
        let slot = self.slot(&conv.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, &conv).await?;
        if memory.state != ConvState::WaitingAgent || memory.handoff_id.as_deref() != Some(row.id.as_str()) {
            *guard = Some(memory);
            return Ok(());
        }
        let now = now_ms();
        let telling = match memory.queue_told {
            Some((told, at)) if !info.differs_materially(&told) || now - at < self.queue_update_ms => {
                self.queue_told.lock().expect("queue told").insert(row.id.clone(), (told, at));
                *guard = Some(memory);
                drop(guard);
                return self.push_standing(row, info).await;
            }
            Some((told, _)) => Telling::Update { agents_came: told.agents_online_for_language == 0 && info.agents_online_for_language > 0 },
            None => Telling::Update { agents_came: info.agents_online_for_language > 0 },
        };
        let lang = memory.lang.current();
        let mut unit = Unit::new(memory, Vec::new(), now);
        self.tell_queue(&mut unit, telling, Some(info), lang);
        let (memory, _) = self.commit(unit).await?;
        if self.is_current(&conv).await? {
            *guard = Some(memory);
        }
        Ok(())
    }

    /// The widget's status line: a `state` frame with the queue, without a message.
    async fn push_standing(&self, row: &HandoffRow, info: QueueInfo) -> Result<(), BotError> {
        self.queue_pushed.lock().expect("queue pushed").insert(row.id.clone(), info);
        let Some(conv) = self.store.conversation(&row.conversation_id).await? else { return Ok(()) };
        if let Some(session) = &conv.session_id {
            conv.channel.publish_state(&self.live, session, ConvState::WaitingAgent, Some(info));
        }
        Ok(())
    }
}
