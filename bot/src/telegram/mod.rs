//! The Telegram channel (teloxide's `Bot` for the Bot API): updates arrive by long polling or by
//! webhook, become the same turns as widget messages, and every reply leaves through the persistent
//! outbox. Enabled when `TELEGRAM_BOT_TOKEN` is set.

mod inbound;
mod outbox;

use std::sync::Arc;
use std::time::Duration;

use teloxide::Bot;
use teloxide::payloads::{GetUpdatesSetters, SetWebhookSetters};
use teloxide::requests::Requester;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use inbound::handle_update;

use crate::chat::Chat;
use crate::config::TelegramConfig;
use crate::error::BotError;

/// Seconds a long poll waits for updates.
const POLL_TIMEOUT: u32 = 10;

#[derive(Clone)]
pub struct Telegram {
    pub bot: Bot,
    pub config: TelegramConfig,
}

impl Telegram {
    pub fn new(config: &TelegramConfig) -> Result<Self, BotError> {
        let mut bot = Bot::new(config.token.expose());
        if let Some(url) = &config.api_url {
            let url = reqwest::Url::parse(url).map_err(|e| BotError::Config(format!("TELEGRAM_API_URL: {e}")))?;
            bot = bot.set_api_url(url);
        }
        Ok(Self { bot, config: config.clone() })
    }

    pub fn webhook_mode(&self) -> bool {
        self.config.webhook_url.is_some()
    }

    /// A file a customer sent, fetched through the Bot API (the file URL holds the token, so it is
    /// never shown to anyone; agents get the bytes through the agent API).
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, BotError> {
        let file = self
            .bot
            .get_file(teloxide::types::FileId(file_id.to_string()))
            .await
            .map_err(|e| BotError::Upstream(format!("Telegram getFile: {e}")))?;
        let base = self.config.api_url.as_deref().unwrap_or("https://api.telegram.org").trim_end_matches('/');
        let url = format!("{base}/file/bot{}/{}", self.config.token.expose(), file.path);
        let response = reqwest::get(&url).await.map_err(|e| BotError::Upstream(format!("Telegram file: {}", e.without_url())))?;
        let response = response.error_for_status().map_err(|e| BotError::Upstream(format!("Telegram file: {}", e.without_url())))?;
        Ok(response.bytes().await.map_err(|e| BotError::Upstream(format!("Telegram file: {}", e.without_url())))?.to_vec())
    }
}

/// The channel's background tasks; stopped cleanly (between two deliveries) on shutdown.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Starts the outbox worker and, in polling mode, the poller; in webhook mode registers the webhook
/// (updates then come to `POST /telegram/webhook`).
/// With other nodes on the database, only the node that `leading` says leads polls.
pub async fn start(telegram: Telegram, chat: Arc<Chat>, leading: watch::Receiver<bool>) -> Result<Running, BotError> {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = vec![tokio::spawn(outbox::run(telegram.bot.clone(), chat.clone(), stopped.clone()))];
    if let (Some(url), Some(secret)) = (&telegram.config.webhook_url, &telegram.config.webhook_secret) {
        let url = reqwest::Url::parse(url).map_err(|e| BotError::Config(format!("TELEGRAM_WEBHOOK_URL: {e}")))?;
        telegram
            .bot
            .set_webhook(url)
            .secret_token(secret.expose().to_string())
            .await
            .map_err(|e| BotError::Upstream(format!("Telegram setWebhook: {e}")))?;
        tracing::info!("Telegram webhook registered");
    } else {
        tasks.push(tokio::spawn(poll_while_leading(telegram.clone(), chat, stopped, leading)));
    }
    Ok(Running { stop, tasks })
}

/// Polls while this node leads (always, alone); another node's death hands the polling here.
async fn poll_while_leading(telegram: Telegram, chat: Arc<Chat>, mut stopped: watch::Receiver<bool>, mut leading: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            led = leading.wait_for(|l| *l) => if led.is_err() { return },
        }
        if *stopped.borrow() {
            return;
        }
        tokio::select! {
            _ = poll(telegram.clone(), chat.clone(), stopped.clone()) => return,
            _ = leading.wait_for(|l| !*l) => tracing::info!("another node polls Telegram now"),
        }
    }
}

/// Long polling: takes updates in order, confirms them by asking for the next offset. An update
/// handled before (after a crash between handling and confirming) is recognised and skipped.
async fn poll(telegram: Telegram, chat: Arc<Chat>, mut stopped: watch::Receiver<bool>) {
    // A webhook left over from webhook mode would make getUpdates fail.
    if let Err(e) = telegram.bot.delete_webhook().await {
        tracing::warn!(error = %e, "Telegram deleteWebhook failed");
    }
    let mut offset: i32 = 0;
    let mut backoff = Duration::from_millis(500);
    loop {
        let request = telegram.bot.get_updates().offset(offset).timeout(POLL_TIMEOUT);
        let updates = tokio::select! {
            _ = stopped.changed() => return,
            r = request.into_future() => r,
        };
        match updates {
            Ok(updates) => {
                backoff = Duration::from_millis(500);
                for update in updates {
                    offset = offset.max(update.id.0 as i32 + 1);
                    handle_update(&telegram, &chat, update).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "Telegram getUpdates failed; retrying");
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
        if *stopped.borrow() {
            return;
        }
    }
}
