//! Proactive messages: an order's new status told to every conversation subscribed to it, in each
//! conversation's language and channel.

use super::{Chat, Unit};
use crate::backoffice::Order;
use crate::clock::now_ms;
use crate::error::BotError;

impl Chat {
    /// Tells every conversation subscribed to the order about its new status. Returns how many
    /// were told.
    pub async fn notify_order(&self, order: &Order) -> Result<usize, BotError> {
        let mut told = 0;
        for conversation_id in self.store.subscribers(&order.id).await? {
            let Some(conv) = self.store.conversation(&conversation_id).await? else { continue };
            let slot = self.slot(&conv.customer_id);
            let mut guard = slot.lock().await;
            let memory = self.conversation_memory(&mut guard, &conv).await?;
            let lang = memory.lang.current();
            let reply = self.dialogue.order_update(lang, order);
            let mut unit = Unit::new(memory, Vec::new(), now_ms());
            unit.record(reply.said_proactively(lang));
            let (memory, _) = self.commit(unit).await?;
            // Keep the cache only if it holds the customer's current conversation.
            if self.is_current(&conv).await? {
                *guard = Some(memory);
            }
            told += 1;
        }
        Ok(told)
    }
}
