//! One Telegram update → one customer turn. The update id is taken in the same transaction as the
//! turn, so a re-sent update (webhook retry, polling after a crash) is handled exactly once.

use std::sync::Arc;

use teloxide::requests::Requester;
use teloxide::types::{ChatAction, ChatId, Message, Update, UpdateKind};

use super::Telegram;
use crate::chat::{Chat, Incoming};
use crate::clock::now_ms;
use crate::error::{BotError, Conflict};
use crate::events::Attachment;
use crate::store::OutboxWrite;

/// The longest a typing indicator may delay handling a message.
const TYPING_WAIT: std::time::Duration = std::time::Duration::from_millis(300);

pub async fn handle_update(telegram: &Telegram, chat: &Arc<Chat>, update: Update) {
    let update_id = i64::from(update.id.0);
    let result = match update.kind {
        UpdateKind::Message(message) => on_message(telegram, chat, update_id, &message).await,
        UpdateKind::CallbackQuery(query) => {
            // Stop the button's spinner whatever happens next.
            let _ = telegram.bot.answer_callback_query(query.id.clone()).await;
            let Some(message) = query.message.as_ref().and_then(|m| m.regular_message()) else { return };
            let data = query.data.clone().unwrap_or_default();
            let label = button_label(message, &data).unwrap_or_else(|| data.clone());
            let lang = query.from.language_code.clone();
            let name = Some(query.from.first_name.clone());
            customer_turn(telegram, chat, update_id, message.chat.id, lang, name, Incoming { text: &label, button: Some(&data), attachment: None, client: Some(format!("tg:{}", message.chat.id)) }).await
        }
        _ => Ok(()),
    };
    match result {
        Ok(()) => {}
        Err(BotError::Conflict(Conflict::UpdateSeen)) => tracing::debug!(update_id, "Telegram update seen before; skipped"),
        Err(e) => tracing::error!(update_id, error = %e, "Telegram update failed"),
    }
}

async fn on_message(telegram: &Telegram, chat: &Arc<Chat>, update_id: i64, message: &Message) -> Result<(), BotError> {
    let from = message.from.as_ref();
    let lang = from.and_then(|u| u.language_code.clone());
    let name = from.map(|u| crate::http::without_control(&u.first_name));
    let lang = lang.map(|l| crate::http::without_control(&l));
    if let Some(text) = message.text() {
        // Telegram cannot be told "400": control characters are dropped instead.
        let text: String = crate::http::without_control(text).chars().take(crate::http::MAX_TEXT_CHARS).collect();
        if text.trim().is_empty() {
            return Ok(());
        }
        return customer_turn(telegram, chat, update_id, message.chat.id, lang, name, Incoming { text: &text, button: None, attachment: None, client: Some(format!("tg:{}", message.chat.id)) }).await;
    }
    let attachment = attachment_of(message);
    let caption = crate::http::without_control(message.caption().unwrap_or_default());
    customer_turn(telegram, chat, update_id, message.chat.id, lang, name, Incoming { text: &caption, button: None, attachment: Some(attachment), client: Some(format!("tg:{}", message.chat.id)) }).await
}

#[allow(clippy::too_many_arguments)]
async fn customer_turn(
    telegram: &Telegram,
    chat: &Arc<Chat>,
    update_id: i64,
    chat_id: ChatId,
    language_code: Option<String>,
    name: Option<String>,
    incoming: Incoming<'_>,
) -> Result<(), BotError> {
    // The typing indicator before the bot works; best effort, and never worth holding a reply for.
    let _ = tokio::time::timeout(TYPING_WAIT, telegram.bot.send_chat_action(chat_id, ChatAction::Typing).into_future()).await;
    let session = chat.telegram_session(chat_id.0, language_code.as_deref(), name).await?;
    let take = vec![OutboxWrite::TelegramUpdate { update_id, at: now_ms() }.into()];
    if chat.allow_message(&session.id) {
        chat.turn(&session, incoming, take).await?;
    } else {
        tracing::info!(chat = chat_id.0, "Telegram chat over the rate limit; message kept, not answered");
        chat.record_only(&session, incoming, take).await?;
    }
    Ok(())
}

/// The label of the inline button with this callback data, from the message it was under.
fn button_label(message: &Message, data: &str) -> Option<String> {
    message.reply_markup()?.inline_keyboard.iter().flatten().find_map(|b| match &b.kind {
        teloxide::types::InlineKeyboardButtonKind::CallbackData(d) if d == data => Some(b.text.clone()),
        _ => None,
    })
}

fn attachment_of(message: &Message) -> Attachment {
    let file = |kind: &str, id: Option<String>, name: Option<String>| Attachment { kind: kind.into(), file_id: id, file_name: name };
    if let Some(photo) = message.photo() {
        // The largest size is last.
        return file("photo", photo.last().map(|p| p.file.id.0.clone()), None);
    }
    if let Some(d) = message.document() {
        return file("document", Some(d.file.id.0.clone()), d.file_name.clone());
    }
    if let Some(v) = message.voice() {
        return file("voice", Some(v.file.id.0.clone()), None);
    }
    if let Some(v) = message.video() {
        return file("video", Some(v.file.id.0.clone()), v.file_name.clone());
    }
    if let Some(a) = message.audio() {
        return file("audio", Some(a.file.id.0.clone()), a.file_name.clone());
    }
    if let Some(s) = message.sticker() {
        return file("sticker", Some(s.file.id.0.clone()), None);
    }
    if message.location().is_some() {
        return file("location", None, None);
    }
    if message.contact().is_some() {
        return file("contact", None, None);
    }
    file("other", None, None)
}
