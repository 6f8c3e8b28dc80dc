//! Data that ends (issue 12, M5): on a schedule, sessions that never spoke are deleted after a grace
//! period, expired agent logins and link codes go, and with `KOMEK_RETENTION_DAYS` conversations idle
//! for longer are erased as a customer's erase does it (the reports keep counting them), then
//! customers with nothing left.

use std::sync::Arc;
use std::time::Duration;

use crate::chat::Chat;
use crate::clock::{DAY_MS, now_ms};
use crate::error::BotError;
use crate::store::PrivacyWrite;

/// Rows handled per kind and pass: a pass stays short; the next one takes the rest.
const BATCH: i64 = 500;

#[derive(Clone, Copy, Debug)]
pub struct PurgeSettings {
    pub every: Duration,
    /// How long a session that never spoke is kept.
    pub silent_grace_ms: i64,
    /// Conversations idle this many days are erased; `None`: kept.
    pub retention_days: Option<u32>,
}

/// What one pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub silent_sessions: usize,
    pub conversations: usize,
    pub customers: usize,
}

/// Runs a pass every `settings.every`, logging failures (the next pass tries again).
pub fn spawn(chat: Arc<Chat>, settings: PurgeSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(settings.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match run_once(&chat, &settings, now_ms()).await {
                Ok(p) if p != Purged::default() => tracing::info!(?p, "purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purge failed"),
            }
        }
    })
}

/// One pass as of `now`.
pub async fn run_once(chat: &Chat, settings: &PurgeSettings, now: i64) -> Result<Purged, BotError> {
    let store = &chat.store;
    let mut purged = Purged::default();
    store.writer.write(vec![PrivacyWrite::PurgeExpired { now }.into()]).await?;
    for id in store.silent_sessions(now - settings.silent_grace_ms, BATCH).await? {
        store.writer.write(vec![PrivacyWrite::PurgeSession { id: id.clone() }.into()]).await?;
        chat.forget_session(&id);
        purged.silent_sessions += 1;
    }
    if let Some(days) = settings.retention_days {
        let before = now - i64::from(days) * DAY_MS;
        for (customer, conversation) in store.conversations_idle_since(before, BATCH).await? {
            chat.erase_conversation(&customer, &conversation).await?;
            purged.conversations += 1;
        }
        for customer in store.customers_idle_since(before, BATCH).await? {
            chat.erase_customer(&customer).await?;
            purged.customers += 1;
        }
    }
    if purged != Purged::default() {
        store.flush_erased().await?;
    }
    Ok(purged)
}
