//! A customer's data on request: the export, and the erase done while no turn of theirs runs, after
//! which nothing cached about them survives.

use super::{Chat, Slot};
use crate::clock::now_ms;
use crate::error::BotError;
use crate::store::PrivacyWrite;

impl Chat {
    /// Erases the customer (and every channel linked to them); `false` when there is no such customer.
    pub async fn erase_customer(&self, id: &str) -> Result<bool, BotError> {
        let group = self.store.customer_group(id).await?;
        if group.is_empty() {
            return Ok(false);
        }
        let slots: Vec<Slot> = group.iter().map(|c| self.slot(c)).collect();
        let mut guards = Vec::with_capacity(slots.len());
        for slot in &slots {
            guards.push(slot.lock().await);
        }
        let sessions = self.store.sessions_of(&group).await?;
        self.store.writer.write(vec![PrivacyWrite::EraseCustomer { id: id.to_string(), at: now_ms() }.into()]).await?;
        for guard in &mut guards {
            **guard = None;
        }
        self.store.flush_erased().await?;
        for session in &sessions {
            // Open sockets notice on their next check that the session no longer opens.
            self.forget_session(session);
        }
        tracing::info!(customer = id, linked = group.len() - 1, sessions = sessions.len(), "customer erased");
        Ok(true)
    }

    /// Erases one conversation's words (retention), its customer kept; cached memory is dropped. The
    /// caller flushes the erased pages once for the whole pass (`Store::flush_erased`).
    pub async fn erase_conversation(&self, customer_id: &str, conversation_id: &str) -> Result<(), BotError> {
        let slot = self.slot(customer_id);
        let mut guard = slot.lock().await;
        self.store.writer.write(vec![PrivacyWrite::EraseConversation { id: conversation_id.to_string(), at: now_ms() }.into()]).await?;
        *guard = None;
        Ok(())
    }
}
