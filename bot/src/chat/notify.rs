//! Proactive messages: an order's new status told to every conversation subscribed to it, in each
//! conversation's language and channel. A customer who asked to be told and then said goodbye is
//! still told: in their session's current conversation, or else in the one they subscribed in.

use std::collections::HashSet;

use super::{Chat, Unit};
use crate::backoffice::Order;
use crate::clock::{DAY_MS, now_ms};
use crate::error::BotError;
use crate::events::ConvState;
use crate::store::ConversationRow;

/// How long a subscription outlives its conversation: a closed conversation that subscribed to an
/// order this recently is still told about it (an open one always is).
const SUBSCRIPTION_AFTER_CLOSE_MS: i64 = 30 * DAY_MS;

impl Chat {
    /// Tells every conversation subscribed to the order about its new status. Returns how many
    /// were told: each conversation once, however many subscriptions lead to it.
    pub async fn notify_order(&self, order: &Order) -> Result<usize, BotError> {
        let since = now_ms() - SUBSCRIPTION_AFTER_CLOSE_MS;
        let mut told: HashSet<String> = HashSet::new();
        for subscriber in self.store.subscribers(&order.id, since).await? {
            let conv = self.notice_conversation(subscriber).await?;
            // The same customer subscribed in a closed conversation and again in the current one.
            if !told.insert(conv.id.clone()) {
                continue;
            }
            self.again(|| self.tell_order(&conv, order)).await?;
        }
        Ok(told.len())
    }

    /// Where a subscriber hears of the change: an open conversation itself; for a closed one, the
    /// customer's current conversation of that session (a later one, open or not), or else the
    /// closed conversation itself (its channel delivers the notice all the same).
    async fn notice_conversation(&self, subscriber: ConversationRow) -> Result<ConversationRow, BotError> {
        if subscriber.state != ConvState::Closed {
            return Ok(subscriber);
        }
        let Some(session) = &subscriber.session_id else { return Ok(subscriber) };
        Ok(self.store.current_conversation_of_session(session).await?.unwrap_or(subscriber))
    }

    /// One conversation told about the order's status, as one unit of work.
    async fn tell_order(&self, conv: &ConversationRow, order: &Order) -> Result<(), BotError> {
        let slot = self.slot(&conv.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.conversation_memory(&mut guard, conv).await?;
        let lang = memory.lang.current();
        let reply = self.dialogue.order_update(lang, order);
        let mut unit = Unit::new(memory, Vec::new(), now_ms());
        unit.record(reply.said_proactively(lang));
        let (memory, _) = self.commit(unit).await?;
        // Keep the cache only if it holds the customer's current conversation.
        if self.is_current(conv).await? {
            *guard = Some(memory);
        }
        Ok(())
    }
}
