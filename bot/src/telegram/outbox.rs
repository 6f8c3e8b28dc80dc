//! Delivery of Telegram replies from the persistent outbox: in order per chat, once each. Flood
//! control (429) waits the `retry_after` Telegram asks for; 5xx and network errors back off
//! exponentially; a chat that cannot receive (blocked the bot, gone) is given up. A later message of
//! a chat never overtakes an earlier one that is waiting to be retried.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use teloxide::Bot;
use teloxide::payloads::SendMessageSetters;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::{ApiError, RequestError};
use tokio::sync::watch;

use crate::channel::{Channel, OutboxPayload};
use crate::chat::Chat;
use crate::clock::now_ms;
use crate::events::Button;
use crate::store::{OutboxRow, OutboxWrite};

/// Deliveries looked at per pass.
const BATCH: i64 = 500;
/// Chats delivered to side by side.
const CHATS_AT_ONCE: usize = 16;
/// How long a node holds a chat's delivery after taking it (renewed every pass); a dead node's
/// chats are taken over when it runs out.
const LEASE_MS: i64 = 15_000;
/// No send is started this close to the lease's end (a send may take this long).
const LEASE_MARGIN_MS: i64 = 5_000;
/// The longest pause between retries.
const MAX_BACKOFF_MS: i64 = 60_000;


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
            _ = chat.live.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait_ms.clamp(10, 5_000) as u64)) => {}
        }
    }
}

/// Sends what is due, chats side by side (one slow or failing chat does not hold up the others),
/// each chat's messages one after another; returns how long until the next retry is due.
async fn pass(bot: &Bot, chat: &Chat, stopped: &watch::Receiver<bool>) -> Result<i64, crate::error::BotError> {
    let now = now_ms();
    let (rows, lease_until) = if chat.node.shared {
        // With other nodes: only the chats this node holds, each whole (their order stays).
        let until = now + LEASE_MS;
        (chat.store.lease_outbox(Channel::Telegram, &chat.node.id, now, until, BATCH).await?, until)
    } else {
        (chat.store.pending_outbox(Channel::Telegram, BATCH).await?, i64::MAX)
    };
    let mut by_chat: Vec<(String, Vec<OutboxRow>)> = Vec::new();
    for row in rows {
        match by_chat.iter_mut().find(|(a, _)| *a == row.address) {
            Some((_, list)) => list.push(row),
            None => by_chat.push((row.address.clone(), vec![row])),
        }
    }
    let results: Vec<Result<i64, crate::error::BotError>> = futures_util::stream::iter(by_chat)
        .map(|(_, rows)| deliver_chat(bot, chat, rows, stopped, lease_until))
        .buffer_unordered(CHATS_AT_ONCE)
        .collect()
        .await;
    let mut next_due = i64::MAX;
    for r in results {
        next_due = next_due.min(r?);
    }
    if chat.node.shared {
        chat.store.release_idle_leases(Channel::Telegram, &chat.node.id).await?;
    }
    Ok(if next_due == i64::MAX { 1_000 } else { next_due })
}

/// One chat's due messages in order, stopping at the first that must wait.
async fn deliver_chat(bot: &Bot, chat: &Chat, rows: Vec<OutboxRow>, stopped: &watch::Receiver<bool>, lease_until: i64) -> Result<i64, crate::error::BotError> {
    for row in rows {
        if *stopped.borrow() {
            break;
        }
        let now = now_ms();
        if now > lease_until.saturating_sub(LEASE_MARGIN_MS) {
            // The lease may be running out: the next pass renews it before sending more.
            return Ok(0);
        }
        if row.next_attempt_at > now {
            return Ok(row.next_attempt_at - now);
        }
        match deliver(bot, &row).await {
            Outcome::Sent => chat.store.writer.write(vec![OutboxWrite::Sent { id: row.id, at: now_ms() }.into()]).await.map(|_| ())?,
            Outcome::Retry { after_ms, error } => {
                tracing::debug!(id = row.id, attempts = row.attempts + 1, %error, "delivery will be retried");
                chat.store.writer.write(vec![OutboxWrite::Retry { id: row.id, next_attempt_at: now_ms() + after_ms, error }.into()]).await?;
                return Ok(after_ms);
            }
            Outcome::GiveUp(error) => {
                tracing::warn!(id = row.id, %error, "delivery given up");
                chat.store.writer.write(vec![OutboxWrite::Failed { id: row.id, error }.into()]).await?;
            }
        }
    }
    Ok(i64::MAX)
}

async fn deliver(bot: &Bot, row: &OutboxRow) -> Outcome {
    let Ok(payload) = serde_json::from_str::<OutboxPayload>(&row.payload) else { return Outcome::GiveUp("unreadable payload".into()) };
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
        Err(RequestError::Api(e)) if permanent(&e) => Outcome::GiveUp(e.to_string()),
        Err(e) => {
            let after_ms = (500_i64 << row.attempts.clamp(0, 7)).min(MAX_BACKOFF_MS);
            Outcome::Retry { after_ms, error: e.to_string() }
        }
    }
}

/// Errors that no retry will fix: Telegram refused the message itself (400 Bad Request, 403
/// Forbidden: too long, blocked, chat gone…). Anything else — 5xx, network — is worth retrying.
/// teloxide names the errors it knows and keeps Telegram's description for the rest.
fn permanent(e: &ApiError) -> bool {
    match e {
        ApiError::Unknown(description) => description.starts_with("Bad Request") || description.starts_with("Forbidden"),
        _ => true,
    }
}

/// Bot buttons as an inline keyboard: short labels (survey scores) in one row, others two a row.
fn keyboard(buttons: &[Button]) -> InlineKeyboardMarkup {
    let button = |b: &Button| InlineKeyboardButton::callback(b.label.clone(), b.id.clone());
    let per_row = if buttons.iter().all(|b| b.label.chars().count() <= 2) { 8 } else { 2 };
    InlineKeyboardMarkup::new(buttons.chunks(per_row).map(|row| row.iter().map(button).collect::<Vec<_>>()))
}
