//! Deciding to hand over (through the `handoff` crate's policy) and opening the handoff: the queue
//! row with its brief and first offer, and what the customer is told about the wait.

use komek_handoff::conversation::Signal;
use komek_handoff::queue::{Waiting, route};
use komek_handoff::{Brief, Escalation, OrderFacts, Reason, build_brief};
use komek_nlu::parse::EscalationReason;
use komek_nlu::{Lang, Parse};

use super::waiting::Telling;
use super::{Chat, Unit};
use crate::dialogue::{Memory, Resolved, Understood};
use crate::error::BotError;
use crate::events::EventBody;
use crate::secrets::new_id;
use crate::store::{HandoffRow, HandoffStatus, HandoffWrite};

/// From this confidence a reading of "a person, please" hands over without asking what was meant.
const PERSON_REQUEST_CONFIDENCE: f32 = 0.75;

impl Chat {
    /// The policy's decision on the latest message; `memory` already holds it. Only what the bot is
    /// sure of can hand over by intent (a request for a person, a sensitive matter); anger or
    /// distress always can.
    pub(super) fn escalation(&self, memory: &Memory, parse: &Parse, resolved: &Resolved, now: i64) -> Option<Escalation> {
        let intent = resolved.intent.as_str();
        let acting = resolved.understood == Understood::Act && resolved.sure;
        let def = self.nlu.defs.iter().find(|d| d.name == intent).filter(|_| acting);
        let script = &self.dialogue.script;
        let missed = match resolved.understood {
            Understood::Act => intent == script.out_of_scope_intent(),
            Understood::Rejected | Understood::FollowUp => true,
            _ => false,
        };
        // The confidence of what the bot acts on: certain for a click, an answer to its question, or
        // a message that is not a request at all (an "ok", a clarification to come).
        let confidence = if acting && intent == parse.intent.name { parse.intent.confidence } else { 1.0 };
        let signal = Signal {
            intent,
            confidence,
            out_of_scope: missed,
            // A request for a person is never worth a clarification round: a clear reading of one
            // ("could I speak to someone?") hands over even below the intent's action threshold,
            // unless the customer is saying they no longer need one.
            requests_person: def.is_some_and(|d| d.handoff)
                || (parse.escalate.reason == Some(EscalationReason::CustomerRequest)
                    && parse.intent.confidence >= PERSON_REQUEST_CONFIDENCE
                    && !parse.form.is_noise()
                    && resolved.understood != Understood::Withdrawn),
            sensitive: def.is_some_and(|d| d.sensitive),
            concerns_order: acting && script.action(intent).needs_order(),
            emotion: parse.emotion,
            order_id: parse.entities.iter().find(|e| e.kind == "order_id").map(|e| e.value.as_str()),
        };
        self.handoff.policy.decide(&memory.view(now), &signal)
    }

    /// A handoff the dialogue asked for itself (e.g. an address change after shipping).
    pub(super) fn dialogue_escalation(&self, reason: Reason) -> Escalation {
        Escalation { reason, rule: reason.as_str().into(), priority: self.handoff.policy.base_priority(reason), vip: false }
    }

    /// The brief of the conversation as `memory` holds it, with the order from the back office and
    /// `answers` (what the bot would say to the latest message) first among the suggested replies.
    async fn brief(&self, memory: &Memory, escalation: &Escalation, now: i64, answers: Vec<String>) -> Brief {
        let lang = memory.lang.current();
        let texts = self.handoff.texts.get(&lang).or_else(|| self.handoff.texts.get(&Lang::En)).expect("brief texts load with the service");
        let conv = memory.view(now);
        let vip = escalation.vip || self.handoff.policy.is_vip(&conv);
        let mut brief = build_brief(&conv, escalation, vip, texts);
        brief.suggest_first(answers);
        if let Some(id) = memory.facts.get("order_id") {
            // The brief is still useful without it: a back office that does not answer costs the
            // agent one look-up, not the handoff.
            match self.dialogue.backoffice.order(id).await {
                Ok(Some(o)) => {
                    brief.order = Some(OrderFacts { id: o.id, status: o.status.as_str().into(), amount: o.amount, currency: o.currency, status_date: o.status_date });
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "the brief goes without the order's facts"),
            }
        }
        brief
    }

    /// Opens a handoff in `unit`: the queue row with the brief of the conversation so far and the
    /// first offer, the request in the log, and what the customer is told about the wait.
    pub(super) async fn open_handoff(&self, unit: &mut Unit, escalation: Escalation, lang: Lang) -> Result<(), BotError> {
        let (id, now) = (new_id("h"), unit.now);
        let brief = self.brief(&unit.memory, &escalation, now, Vec::new()).await;
        let loads: Vec<_> = self.agent_loads().await?.into_iter().map(|(_, l)| l).collect();
        let offered_to = route(lang.code(), &loads);
        let me = Waiting {
            id: id.clone(),
            language: lang.code().into(),
            priority: escalation.priority,
            requested_at: now,
            offered_to: offered_to.clone(),
            offered_at: offered_to.as_ref().map(|_| now),
        };
        let standing = self.standings(Some(me)).await?.remove(&id);
        tracing::info!(handoff = %id, reason = escalation.reason.as_str(), rule = %escalation.rule, offered_to = ?offered_to, "handoff opened");
        unit.write(HandoffWrite::Open(HandoffRow {
            id: id.clone(),
            conversation_id: unit.memory.conversation_id.clone(),
            reason: escalation.reason,
            rule: escalation.rule.clone(),
            language: lang.code().into(),
            priority: i64::from(escalation.priority),
            status: HandoffStatus::Queued,
            requested_at: now,
            offered_to: offered_to.clone(),
            offered_at: offered_to.as_ref().map(|_| now),
            agent_id: None,
            claimed_at: None,
            first_reply_at: None,
            brief: serde_json::to_string(&brief)?,
        }));
        unit.record(EventBody::HandoffRequested { handoff_id: id, reason: escalation.reason, rule: escalation.rule, priority: escalation.priority });
        self.tell_queue(unit, Telling::Opened, standing, lang);
        Ok(())
    }

    /// Keeps the open handoff's brief current as the customer keeps writing; `answers` are what the
    /// bot would say to the latest message, suggested to the agent.
    pub(super) async fn refresh_brief(&self, unit: &mut Unit, answers: Vec<String>) {
        let (Some(id), Some(escalation)) = (unit.memory.handoff_id.clone(), unit.memory.escalation.clone()) else { return };
        let brief = self.brief(&unit.memory, &escalation, unit.now, answers).await;
        match serde_json::to_string(&brief) {
            Ok(text) => {
                unit.write(HandoffWrite::Brief { id, brief: text });
                unit.brief = Some(brief);
            }
            Err(e) => tracing::warn!(error = %e, "brief not refreshed"),
        }
    }
}
