//! Delivery of Telegram replies from the persistent outbox: in order per chat, once each. Flood
//! control (429) waits the `retry_after` Telegram asks for; 5xx and network errors back off
//! exponentially; a chat that cannot receive (blocked the bot, gone) is given up. A later message of
//! a chat never overtakes an earlier one that is waiting to be retried.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use teloxide::Bot;
use teloxide::payloads::SendMessageSetters;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::{ApiError, RequestError};
use tokio::sync::watch;

use crate::chat::{Chat, TELEGRAM};
use crate::clock::now_ms;
use crate::events::Button;
use crate::store::{OutboxRow, Write};

/// Deliveries looked at per pass.
const BATCH: i64 = 200;
/// The longest pause between retries.
const MAX_BACKOFF_MS: i64 = 60_000;

#[derive(Deserialize)]
struct Payload {
    text: String,
    #[serde(default)]
    buttons: Vec<Button>,
}

enum Outcome {
    Sent,
    Retry { after_ms: i64, error: String },
    GiveUp(String),
}

pub async fn run(bot: Bot, chat: Arc<Chat>, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow() {
            return;
        }
        let wait_ms = match pass(&bot, &chat, &stopped).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(error = %e, "outbox pass failed");
                1_000
            }
        };
        tokio::select! {
            _ = stopped.changed() => return,
            _ = chat.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait_ms.clamp(10, 5_000) as u64)) => {}
        }
    }
}

/// Sends what is due; returns how long until the next retry is due.
async fn pass(bot: &Bot, chat: &Chat, stopped: &watch::Receiver<bool>) -> Result<i64, crate::error::BotError> {
    let rows = chat.store.pending_outbox(TELEGRAM, BATCH).await?;
    let mut blocked: HashSet<String> = HashSet::new();
    let mut next_due = i64::MAX;
    for row in rows {
        if *stopped.borrow() {
            break;
        }
        if blocked.contains(&row.address) {
            continue;
        }
        let now = now_ms();
        if row.next_attempt_at > now {
            // Waiting for its retry: later messages of this chat wait too.
            blocked.insert(row.address.clone());
            next_due = next_due.min(row.next_attempt_at - now);
            continue;
        }
        let write = match deliver(bot, &row).await {
            Outcome::Sent => Write::OutboxSent { id: row.id, at: now_ms() },
            Outcome::Retry { after_ms, error } => {
                blocked.insert(row.address.clone());
                next_due = next_due.min(after_ms);
                tracing::debug!(id = row.id, attempts = row.attempts + 1, %error, "delivery will be retried");
                Write::OutboxRetry { id: row.id, next_attempt_at: now_ms() + after_ms, error }
            }
            Outcome::GiveUp(error) => {
                tracing::warn!(id = row.id, %error, "delivery given up");
                Write::OutboxFailed { id: row.id, error }
            }
        };
        chat.store.writer.write(vec![write]).await?;
    }
    Ok(if next_due == i64::MAX { 1_000 } else { next_due })
}

async fn deliver(bot: &Bot, row: &OutboxRow) -> Outcome {
    let Ok(payload) = serde_json::from_str::<Payload>(&row.payload) else { return Outcome::GiveUp("unreadable payload".into()) };
    let Ok(chat_id) = row.address.parse::<i64>() else { return Outcome::GiveUp("bad chat id".into()) };
    let mut request = bot.send_message(ChatId(chat_id), payload.text);
    if !payload.buttons.is_empty() {
        request = request.reply_markup(keyboard(&payload.buttons));
    }
    match request.await {
        Ok(_) => Outcome::Sent,
        Err(RequestError::RetryAfter(seconds)) => {
            Outcome::Retry { after_ms: seconds.duration().as_millis() as i64, error: "429 Too Many Requests".into() }
        }
        Err(RequestError::Api(e)) if gone(&e) => Outcome::GiveUp(e.to_string()),
        Err(e) => {
            let after_ms = (500_i64 << row.attempts.clamp(0, 7)).min(MAX_BACKOFF_MS);
            Outcome::Retry { after_ms, error: e.to_string() }
        }
    }
}

/// Errors that no retry will fix.
fn gone(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::BotBlocked | ApiError::ChatNotFound | ApiError::UserDeactivated | ApiError::BotKicked | ApiError::BotKickedFromSupergroup
    )
}

/// Bot buttons as an inline keyboard: short labels (survey scores) in one row, others two a row.
fn keyboard(buttons: &[Button]) -> InlineKeyboardMarkup {
    let button = |b: &Button| InlineKeyboardButton::callback(b.label.clone(), b.id.clone());
    let per_row = if buttons.iter().all(|b| b.label.chars().count() <= 2) { 8 } else { 2 };
    InlineKeyboardMarkup::new(buttons.chunks(per_row).map(|row| row.iter().map(button).collect::<Vec<_>>()))
}
