//! A fake Telegram Bot API server for tests: the real API's URLs, parameters and JSON
//! (<https://core.telegram.org/bots/api>), on a random local port.
//!
//! Requests are `GET|POST {url}/bot{TOKEN}/{method}` with parameters in the query string, a JSON
//! body, an `application/x-www-form-urlencoded` body or a `multipart/form-data` body (the real API
//! accepts all four; teloxide sends JSON, or multipart when a file is uploaded). Method names are
//! matched case-insensitively (teloxide sends `GetUpdates`, `SendMessage`…). Answers are
//! `{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …}` with that HTTP
//! status, as Telegram answers.
//!
//! Tests push updates (`push_message`, `push_callback`, `push_photo`, `push_sticker`, `push_raw`),
//! which the service takes with `getUpdates` (`offset` confirms, `timeout` long-polls), and read
//! what the service did (`sent`, `actions`, `answered_callbacks`, `webhook`, `calls`). Failures of
//! `sendMessage` (429, 500, a broken connection, a 400) are injected with `fail_next_sends`, standing
//! 400 refusals with `refuse_texts_containing`. Set `FAKE_TELEGRAM_LOG=1` to print every request as
//! it arrives.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The bot's names in `getMe` and in the `from` of its messages.
pub const BOT_FIRST_NAME: &str = "Komek";
pub const BOT_USERNAME: &str = "komek_test_bot";
/// The bot's user id when the token does not start with one (`123456:ABC…`).
const DEFAULT_BOT_ID: i64 = 7_000_000_001;
/// The longest long poll Telegram allows.
const MAX_POLL_SECONDS: u64 = 50;
/// The longest text of a message.
const MAX_TEXT_UTF16: usize = 4096;

/// An injected answer to one `sendMessage` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 429 `Too Many Requests: retry after N` with `parameters.retry_after` N (seconds).
    TooMany(u64),
    /// 500 `Internal Server Error`.
    ServerError,
    /// The connection breaks in the middle of the answer (a network error for the client).
    Disconnect,
    /// 400 `Bad Request: …` with this description (e.g. `message is too long`): an error no retry fixes.
    BadRequest(String),
    /// No failure: answered normally (to interleave failures with successes).
    Pass,
}

/// A message the bot sent successfully (`sendMessage`), in arrival order.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub chat_id: i64,
    pub text: String,
    /// The inline keyboard, row after row: (label, callback_data); URL buttons have an empty
    /// callback_data.
    pub buttons: Vec<(String, String)>,
    /// The message id the fake gave it (for `push_callback`).
    pub message_id: i64,
    /// `reply_markup` as the bot sent it (decoded when sent as a JSON string), if any.
    pub reply_markup: Option<Value>,
    pub parse_mode: Option<String>,
    /// The position of the call among all calls to the fake (see [`Call::seq`]).
    pub seq: u64,
}

/// A `sendChatAction` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub chat_id: i64,
    pub action: String,
    pub seq: u64,
}

/// An `answerCallbackQuery` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnsweredCallback {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
    pub seq: u64,
}

/// The webhook set by `setWebhook` (none after `deleteWebhook` or `setWebhook` with an empty url).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub secret_token: Option<String>,
    pub drop_pending_updates: bool,
}

/// Any request that reached the fake, as it arrived.
#[derive(Clone, Debug)]
pub struct Call {
    /// 1, 2, 3… in arrival order, over all requests (the same numbering as `Sent::seq`).
    pub seq: u64,
    /// The method name as sent (e.g. `SendMessage`).
    pub method: String,
    pub http_method: String,
    pub content_type: String,
    /// The parameters from the query string and the body, decoded to one JSON object.
    pub params: Value,
    /// The HTTP status of the answer; 0 when the connection was broken instead (`Failure::Disconnect`).
    pub status: u16,
    /// When it arrived.
    pub at: std::time::Instant,
}

#[derive(Clone, Debug)]
struct FileInfo {
    file_unique_id: String,
    file_size: u64,
    file_path: String,
}

#[derive(Default)]
struct State {
    next_update_id: i64,
    /// Updates not yet confirmed by an `offset`, oldest first.
    pending: VecDeque<Value>,
    /// The highest offset confirmed so far.
    confirmed_offset: i64,
    /// Message ids are per chat, shared by the customer's and the bot's messages.
    next_message_id: HashMap<i64, i64>,
    /// The customer's first name per chat (chat.first_name of messages).
    chat_names: HashMap<i64, String>,
    next_callback: u64,
    /// Callback query ids pushed (answerable).
    callbacks: HashMap<String, i64>,
    next_file: u64,
    files: HashMap<String, FileInfo>,
    sent: Vec<Sent>,
    failed_sends: Vec<(Failure, Value)>,
    actions: Vec<Action>,
    answered: Vec<AnsweredCallback>,
    webhook: Option<Webhook>,
    webhook_calls: Vec<Webhook>,
    failures: VecDeque<Failure>,
    /// sendMessage calls whose text contains the first are always refused with 400 and the second.
    refusals: Vec<(String, String)>,
    calls: Vec<Call>,
    next_seq: u64,
    /// Bumped by every getUpdates: an older long poll still waiting is terminated with 409.
    poll_generation: u64,
    get_updates_calls: u64,
}

struct Inner {
    token: String,
    bot_id: i64,
    state: Mutex<State>,
    /// Bumped on every change (a pushed update, a sent message…) to wake waiters.
    changed: watch::Sender<u64>,
    log: bool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    fn bot_user(&self) -> Value {
        json!({"id": self.bot_id, "is_bot": true, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME})
    }
}

/// The fake server; stops when dropped.
pub struct FakeTelegram {
    inner: Arc<Inner>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl FakeTelegram {
    /// Starts on a random port of 127.0.0.1 for bot `token` (e.g. `"123456:TEST-token"`; the number
    /// before `:` is the bot's user id, as in real tokens).
    pub async fn start(token: &str) -> Self {
        let bot_id = token.split(':').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(DEFAULT_BOT_ID);
        let (changed, _) = watch::channel(0);
        let state = State { next_update_id: 100_000_001, ..State::default() };
        let inner = Arc::new(Inner {
            token: token.to_string(),
            bot_id,
            state: Mutex::new(state),
            changed,
            log: std::env::var("FAKE_TELEGRAM_LOG").is_ok_and(|v| !v.is_empty() && v != "0"),
        });
        let app_inner = inner.clone();
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let inner = app_inner.clone();
            async move { handle(inner, method, uri, headers, body).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("fake Telegram binds");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake Telegram serves");
        });
        Self { inner, addr, task }
    }

    /// The base URL to give the service as `TELEGRAM_API_URL` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &str {
        &self.inner.token
    }

    pub fn bot_id(&self) -> i64 {
        self.inner.bot_id
    }

    // ---- Updates ----

    fn user(from_id: i64, language_code: &str) -> Value {
        let mut user = json!({"id": from_id, "is_bot": false, "first_name": format!("User{from_id}")});
        if !language_code.is_empty() {
            user["language_code"] = json!(language_code);
        }
        user
    }

    fn next_message_id(state: &mut State, chat_id: i64) -> i64 {
        let n = state.next_message_id.entry(chat_id).or_insert(0);
        *n += 1;
        *n
    }

    fn customer_message(&self, chat_id: i64, from_id: i64, language_code: &str) -> Value {
        let mut state = self.inner.lock();
        let message_id = Self::next_message_id(&mut state, chat_id);
        let first_name = state.chat_names.entry(chat_id).or_insert_with(|| format!("User{from_id}")).clone();
        json!({
            "message_id": message_id,
            "date": unix_now(),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": Self::user(from_id, language_code),
        })
    }

    /// A text message update (not queued; for `push_raw` or a webhook POST). `language_code` ""
    /// leaves it out, as Telegram does for users whose client does not say. Commands (`/start`…)
    /// carry a `bot_command` entity, as in real updates.
    pub fn message_update(&self, chat_id: i64, from_id: i64, language_code: &str, text: &str) -> Value {
        let mut message = self.customer_message(chat_id, from_id, language_code);
        message["text"] = json!(text);
        if text.starts_with('/') {
            let command = text.split_whitespace().next().unwrap_or(text);
            message["entities"] = json!([{"offset": 0, "length": utf16_len(command), "type": "bot_command"}]);
        }
        json!({"update_id": self.take_update_id(), "message": message})
    }

    /// A press of an inline button (not queued): `data` is the callback_data, `message_id` the bot
    /// message it was under (its text and keyboard are included, as Telegram does).
    pub fn callback_update(&self, chat_id: i64, from_id: i64, language_code: &str, data: &str, message_id: i64) -> Value {
        let mut state = self.inner.lock();
        state.next_callback += 1;
        let id = format!("{}{:06}", 4_382_000_000_000_u64 + state.next_callback, chat_id.rem_euclid(1_000_000));
        state.callbacks.insert(id.clone(), chat_id);
        let first_name = state.chat_names.entry(chat_id).or_insert_with(|| format!("User{from_id}")).clone();
        let original = state.sent.iter().rev().find(|s| s.chat_id == chat_id && s.message_id == message_id).cloned();
        drop(state);
        let mut message = json!({
            "message_id": message_id,
            "date": unix_now(),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": self.inner.bot_user(),
            "text": original.as_ref().map_or("…".to_string(), |s| s.text.clone()),
        });
        if let Some(markup) = original.and_then(|s| s.reply_markup).filter(|m| m.get("inline_keyboard").is_some()) {
            message["reply_markup"] = markup;
        }
        json!({
            "update_id": self.take_update_id(),
            "callback_query": {
                "id": id,
                "from": Self::user(from_id, language_code),
                "chat_instance": format!("-{}", 900_000_000_000_i64 + chat_id.rem_euclid(1_000_000_000)),
                "data": data,
                "message": message,
            }
        })
    }

    /// A photo message (not queued) in three sizes, largest last, with an optional caption. The
    /// photos' file ids are known to `getFile`.
    pub fn photo_update(&self, chat_id: i64, from_id: i64, language_code: &str, caption: Option<&str>) -> Value {
        let mut message = self.customer_message(chat_id, from_id, language_code);
        let sizes = [(90, 67, 1_254_u64), (320, 240, 15_872), (800, 600, 68_431)];
        let photo: Vec<Value> = sizes
            .iter()
            .map(|&(w, h, size)| {
                let (file_id, unique) = self.new_file("photos", "jpg", size);
                json!({"file_id": file_id, "file_unique_id": unique, "width": w, "height": h, "file_size": size})
            })
            .collect();
        message["photo"] = json!(photo);
        if let Some(c) = caption {
            message["caption"] = json!(c);
        }
        json!({"update_id": self.take_update_id(), "message": message})
    }

    /// A sticker message (not queued).
    pub fn sticker_update(&self, chat_id: i64, from_id: i64, language_code: &str) -> Value {
        let mut message = self.customer_message(chat_id, from_id, language_code);
        let (file_id, unique) = self.new_file("stickers", "webp", 23_040);
        message["sticker"] = json!({
            "file_id": file_id, "file_unique_id": unique, "type": "regular", "width": 512, "height": 512,
            "is_animated": false, "is_video": false, "emoji": "👍", "set_name": "HotCherry", "file_size": 23_040,
        });
        json!({"update_id": self.take_update_id(), "message": message})
    }

    fn new_file(&self, folder: &str, ext: &str, size: u64) -> (String, String) {
        let mut state = self.inner.lock();
        state.next_file += 1;
        let n = state.next_file;
        let file_id = format!("AgACAgIAAxkBAAI{n:08}X1fake{folder}");
        let unique = format!("AQAD{n:08}");
        state.files.insert(file_id.clone(), FileInfo { file_unique_id: unique.clone(), file_size: size, file_path: format!("{folder}/file_{n}.{ext}") });
        (file_id, unique)
    }

    fn take_update_id(&self) -> i64 {
        let mut state = self.inner.lock();
        let id = state.next_update_id;
        state.next_update_id += 1;
        id
    }

    /// Queues a text message for getUpdates; returns its update_id.
    pub fn push_message(&self, chat_id: i64, from_id: i64, language_code: &str, text: &str) -> i64 {
        let u = self.message_update(chat_id, from_id, language_code, text);
        self.push_raw(u)
    }

    /// Queues a button press under bot message `message_id`; returns its update_id.
    pub fn push_callback(&self, chat_id: i64, from_id: i64, language_code: &str, data: &str, message_id: i64) -> i64 {
        let u = self.callback_update(chat_id, from_id, language_code, data, message_id);
        self.push_raw(u)
    }

    /// Queues a photo message; returns its update_id.
    pub fn push_photo(&self, chat_id: i64, from_id: i64, language_code: &str, caption: Option<&str>) -> i64 {
        let u = self.photo_update(chat_id, from_id, language_code, caption);
        self.push_raw(u)
    }

    /// Queues a sticker message; returns its update_id.
    pub fn push_sticker(&self, chat_id: i64, from_id: i64, language_code: &str) -> i64 {
        let u = self.sticker_update(chat_id, from_id, language_code);
        self.push_raw(u)
    }

    /// Queues any update as it is; an update without `update_id` gets the next one. Returns the
    /// update_id.
    pub fn push_raw(&self, mut update: Value) -> i64 {
        let mut state = self.inner.lock();
        let id = match update.get("update_id").and_then(Value::as_i64) {
            Some(id) => {
                state.next_update_id = state.next_update_id.max(id + 1);
                id
            }
            None => {
                let id = state.next_update_id;
                state.next_update_id += 1;
                update["update_id"] = json!(id);
                id
            }
        };
        state.pending.push_back(update);
        drop(state);
        self.inner.bump();
        id
    }

    /// Updates pushed and not yet confirmed by an offset.
    pub fn pending_updates(&self) -> usize {
        self.inner.lock().pending.len()
    }

    /// The highest `offset` a getUpdates has confirmed.
    pub fn confirmed_offset(&self) -> i64 {
        self.inner.lock().confirmed_offset
    }

    pub fn get_updates_calls(&self) -> u64 {
        self.inner.lock().get_updates_calls
    }

    // ---- What the bot did ----

    /// Successful sendMessage calls, in arrival order.
    pub fn sent(&self) -> Vec<Sent> {
        self.inner.lock().sent.clone()
    }

    /// Successful sendMessage calls to one chat, in arrival order.
    pub fn sent_to(&self, chat_id: i64) -> Vec<Sent> {
        self.inner.lock().sent.iter().filter(|s| s.chat_id == chat_id).cloned().collect()
    }

    /// sendMessage calls answered with an injected failure, with their parameters.
    pub fn failed_sends(&self) -> Vec<(Failure, Value)> {
        self.inner.lock().failed_sends.clone()
    }

    /// Injected failures not used yet.
    pub fn failures_left(&self) -> usize {
        self.inner.lock().failures.iter().filter(|f| **f != Failure::Pass).count()
    }

    pub fn actions(&self) -> Vec<Action> {
        self.inner.lock().actions.clone()
    }

    pub fn answered_callbacks(&self) -> Vec<AnsweredCallback> {
        self.inner.lock().answered.clone()
    }

    /// The webhook currently set.
    pub fn webhook(&self) -> Option<Webhook> {
        self.inner.lock().webhook.clone()
    }

    /// Every successful setWebhook call, in order.
    pub fn webhook_calls(&self) -> Vec<Webhook> {
        self.inner.lock().webhook_calls.clone()
    }

    /// Every request answered so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        let mut calls = self.inner.lock().calls.clone();
        calls.sort_by_key(|c| c.seq);
        calls
    }

    /// Requests of one method (case-insensitive).
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.inner.lock().calls.iter().filter(|c| c.method.eq_ignore_ascii_case(method)).cloned().collect()
    }

    // ---- Failure injection ----

    /// The next sendMessage calls are answered with these failures, in order (`Failure::Pass`
    /// answers one normally); a failed call is not recorded as sent.
    pub fn fail_next_sends(&self, failures: Vec<Failure>) {
        self.inner.lock().failures.extend(failures);
    }

    /// Every sendMessage whose text contains `needle` is refused with 400 `Bad Request: {description}`
    /// (recorded in `failed_sends`), for as long as the fake runs.
    pub fn refuse_texts_containing(&self, needle: &str, description: &str) {
        self.inner.lock().refusals.push((needle.to_string(), description.to_string()));
    }

    // ---- Waiting ----

    /// Waits until `done` holds for the fake's state, or `timeout`; returns whether it held.
    async fn wait_until(&self, timeout: Duration, mut done: impl FnMut(&FakeTelegram) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.inner.changed.subscribe();
        loop {
            rx.borrow_and_update();
            if done(self) {
                return true;
            }
            // Wake on a change, and now and then anyway.
            let tick = tokio::time::Instant::now() + Duration::from_millis(200);
            let _ = tokio::time::timeout_at(deadline.min(tick), rx.changed()).await;
            if tokio::time::Instant::now() >= deadline {
                return done(self);
            }
        }
    }

    /// Waits until at least `n` messages were sent; panics with what was sent after `timeout`.
    pub async fn wait_for_sent(&self, n: usize, timeout: Duration) -> Vec<Sent> {
        if !self.wait_until(timeout, |f| f.inner.lock().sent.len() >= n).await {
            panic!("fewer than {n} messages sent within {timeout:?}:\n{}", self.describe_sent());
        }
        self.sent()
    }

    /// Waits until at least `n` messages were sent to `chat_id`; panics after `timeout`.
    pub async fn wait_for_sent_to(&self, chat_id: i64, n: usize, timeout: Duration) -> Vec<Sent> {
        if !self.wait_until(timeout, |f| f.inner.lock().sent.iter().filter(|s| s.chat_id == chat_id).count() >= n).await {
            panic!("fewer than {n} messages sent to chat {chat_id} within {timeout:?}:\n{}", self.describe_sent());
        }
        self.sent_to(chat_id)
    }

    /// Waits until a message to `chat_id` satisfies `pred`; panics after `timeout`.
    pub async fn wait_for_message(&self, chat_id: i64, timeout: Duration, pred: impl Fn(&Sent) -> bool) -> Sent {
        let mut found = None;
        let ok = self
            .wait_until(timeout, |f| {
                found = f.inner.lock().sent.iter().find(|s| s.chat_id == chat_id && pred(s)).cloned();
                found.is_some()
            })
            .await;
        match found {
            Some(s) if ok => s,
            _ => panic!("no matching message to chat {chat_id} within {timeout:?}:\n{}", self.describe_sent()),
        }
    }

    /// Waits until at least `n` callbacks were answered; panics after `timeout`.
    pub async fn wait_for_answered(&self, n: usize, timeout: Duration) -> Vec<AnsweredCallback> {
        if !self.wait_until(timeout, |f| f.inner.lock().answered.len() >= n).await {
            panic!("fewer than {n} callbacks answered within {timeout:?}: {:?}", self.answered_callbacks());
        }
        self.answered_callbacks()
    }

    /// Waits until no message has been sent for `quiet` (or `timeout` passed); returns what was sent.
    pub async fn settle(&self, quiet: Duration, timeout: Duration) -> Vec<Sent> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut seen = self.inner.lock().sent.len();
        loop {
            tokio::time::sleep(quiet).await;
            let now = self.inner.lock().sent.len();
            if now == seen || tokio::time::Instant::now() >= deadline {
                return self.sent();
            }
            seen = now;
        }
    }

    /// The sent messages, one a line, for failure messages.
    pub fn describe_sent(&self) -> String {
        let state = self.inner.lock();
        let mut out: Vec<String> = state.sent.iter().map(|s| format!("  #{} chat {} msg {}: {:?} {:?}", s.seq, s.chat_id, s.message_id, s.text, s.buttons)).collect();
        if out.is_empty() {
            out.push("  (nothing sent)".into());
        }
        out.push(format!(
            "  [{} calls; {} failed sends; {} updates pending, offset {}; methods: {}]",
            state.calls.len(),
            state.failed_sends.len(),
            state.pending.len(),
            state.confirmed_offset,
            method_counts(&state.calls)
        ));
        out.join("\n")
    }
}

fn method_counts(calls: &[Call]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for c in calls {
        let m = format!("{}→{}", c.method, c.status);
        match counts.iter_mut().find(|(k, _)| *k == m) {
            Some((_, n)) => *n += 1,
            None => counts.push((m, 1)),
        }
    }
    counts.iter().map(|(k, n)| format!("{k}×{n}")).collect::<Vec<_>>().join(", ")
}

// ---- The server ----

/// An answer of the API: the HTTP status and the JSON body.
struct Answer(StatusCode, Value);

/// The status of an answer whose connection is broken instead (see `Failure::Disconnect`).
const BROKEN: StatusCode = StatusCode::BAD_GATEWAY;
const BROKEN_MARK: &str = "__fake_telegram_disconnect__";

impl Answer {
    fn ok(result: Value) -> Self {
        Answer(StatusCode::OK, json!({"ok": true, "result": result}))
    }

    fn ok_described(result: Value, description: &str) -> Self {
        Answer(StatusCode::OK, json!({"ok": true, "result": result, "description": description}))
    }

    fn error(status: StatusCode, description: &str) -> Self {
        Answer(status, json!({"ok": false, "error_code": status.as_u16(), "description": description}))
    }

    fn bad_request(what: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, &format!("Bad Request: {what}"))
    }

    fn too_many(retry_after: u64) -> Self {
        Answer(
            StatusCode::TOO_MANY_REQUESTS,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": {"retry_after": retry_after},
            }),
        )
    }

    fn server_error() -> Self {
        Self::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    }
}

async fn handle(inner: Arc<Inner>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();

    // File downloads: /file/bot{token}/{file_path}
    if segments.first() == Some(&"file") {
        let token_ok = segments.get(1).and_then(|s| s.strip_prefix("bot")) == Some(inner.token.as_str());
        let path = segments.get(2..).map(|p| p.join("/")).unwrap_or_default();
        let known = inner.lock().files.values().any(|f| f.file_path == path);
        return if token_ok && known {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], format!("fake file {path}")).into_response()
        } else {
            let a = Answer::error(StatusCode::NOT_FOUND, "Not Found");
            (a.0, axum::Json(a.1)).into_response()
        };
    }

    let (token, api_method) = match segments.iter().position(|s| s.starts_with("bot")) {
        Some(i) => (segments[i].trim_start_matches("bot").to_string(), segments.get(i + 1).map(|m| m.to_string()).unwrap_or_default()),
        None => (String::new(), String::new()),
    };

    let mut params = Map::new();
    if let Some(q) = uri.query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    let body_params = parse_body(&content_type, &body);
    let parse_error = body_params.as_ref().err().cloned();
    if let Ok(map) = body_params {
        params.extend(map);
    }
    let params = Value::Object(params);

    if inner.log {
        eprintln!("[fake telegram] {method} {} content-type={content_type:?} params={params}", uri.path());
    }

    // Every request gets its place in arrival order, before a long poll waits.
    let at = std::time::Instant::now();
    let seq = {
        let mut state = inner.lock();
        state.next_seq += 1;
        state.next_seq
    };
    let answer = if token.is_empty() || api_method.is_empty() {
        Answer::error(StatusCode::NOT_FOUND, "Not Found")
    } else if token != inner.token {
        Answer::error(StatusCode::UNAUTHORIZED, "Unauthorized")
    } else if let Some(e) = parse_error {
        Answer::bad_request(&e)
    } else {
        dispatch(&inner, &api_method, &params, seq).await
    };
    inner.lock().calls.push(Call {
        seq,
        method: api_method.clone(),
        http_method: method.to_string(),
        content_type: content_type.clone(),
        params: params.clone(),
        status: if answer.0 == BROKEN && answer.1 == json!(BROKEN_MARK) { 0 } else { answer.0.as_u16() },
        at,
    });
    inner.bump();
    if inner.log {
        eprintln!("[fake telegram] → {} {}", answer.0.as_u16(), answer.1);
    }
    if answer.0 == BROKEN && answer.1 == json!(BROKEN_MARK) {
        // Headers go out, then the body fails: hyper drops the connection mid-answer.
        let body = futures_util::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("fake disconnect")) });
        return (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], axum::body::Body::from_stream(body)).into_response();
    }
    (answer.0, axum::Json(answer.1)).into_response()
}

async fn dispatch(inner: &Arc<Inner>, api_method: &str, p: &Value, seq: u64) -> Answer {
    match api_method.to_ascii_lowercase().as_str() {
        "getme" => {
            let mut me = inner.bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["can_connect_to_business"] = json!(false);
            me["has_main_web_app"] = json!(false);
            Answer::ok(me)
        }
        "getupdates" => get_updates(inner, p).await,
        "getwebhookinfo" => {
            let state = inner.lock();
            let mut info = json!({
                "url": state.webhook.as_ref().map_or("", |w| w.url.as_str()),
                "has_custom_certificate": false,
                "pending_update_count": state.pending.len(),
            });
            if state.webhook.is_some() {
                info["max_connections"] = json!(40);
                info["ip_address"] = json!("127.0.0.1");
            }
            Answer::ok(info)
        }
        "setwebhook" => {
            let url = string_param(p, "url").unwrap_or_default();
            let secret = string_param(p, "secret_token");
            let drop_pending = bool_param(p, "drop_pending_updates");
            if !url.is_empty() && !url.starts_with("https://") {
                return Answer::bad_request("bad webhook: An HTTPS URL must be provided for webhook");
            }
            if let Some(s) = &secret
                && (s.is_empty() || s.len() > 256 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            {
                return Answer::bad_request("secret token contains unallowed characters");
            }
            let mut state = inner.lock();
            if drop_pending {
                drop_all_pending(&mut state);
            }
            if url.is_empty() {
                let was = state.webhook.take();
                return Answer::ok_described(json!(true), if was.is_some() { "Webhook was deleted" } else { "Webhook is already deleted" });
            }
            let hook = Webhook { url, secret_token: secret, drop_pending_updates: drop_pending };
            let same = state.webhook.as_ref() == Some(&hook);
            state.webhook = Some(hook.clone());
            state.webhook_calls.push(hook);
            // A long poll in progress ends with a conflict.
            state.poll_generation += 1;
            Answer::ok_described(json!(true), if same { "Webhook is already set" } else { "Webhook was set" })
        }
        "deletewebhook" => {
            let mut state = inner.lock();
            if bool_param(p, "drop_pending_updates") {
                drop_all_pending(&mut state);
            }
            let was = state.webhook.take();
            Answer::ok_described(json!(true), if was.is_some() { "Webhook was deleted" } else { "Webhook is already deleted" })
        }
        "sendmessage" => send_message(inner, p, seq),
        "sendchataction" => {
            let Some(chat_id) = int_param(p, "chat_id") else { return Answer::bad_request("chat_id is empty") };
            let Some(action) = string_param(p, "action") else { return Answer::bad_request("action is empty") };
            const ACTIONS: &[&str] = &[
                "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
                "choose_sticker", "find_location", "record_video_note", "upload_video_note",
            ];
            if !ACTIONS.contains(&action.as_str()) {
                return Answer::bad_request("wrong parameter action in request");
            }
            inner.lock().actions.push(Action { chat_id, action, seq });
            Answer::ok(json!(true))
        }
        "answercallbackquery" => {
            let Some(id) = string_param(p, "callback_query_id") else { return Answer::bad_request("query is too old and response timeout expired or query ID is invalid") };
            let mut state = inner.lock();
            if !state.callbacks.contains_key(&id) {
                return Answer::bad_request("query is too old and response timeout expired or query ID is invalid");
            }
            state.answered.push(AnsweredCallback { callback_query_id: id, text: string_param(p, "text"), show_alert: bool_param(p, "show_alert"), seq });
            Answer::ok(json!(true))
        }
        "getfile" => {
            let Some(file_id) = string_param(p, "file_id") else { return Answer::bad_request("file_id is empty") };
            let state = inner.lock();
            match state.files.get(&file_id) {
                Some(f) => Answer::ok(json!({"file_id": file_id, "file_unique_id": f.file_unique_id, "file_size": f.file_size, "file_path": f.file_path})),
                None => Answer::bad_request("invalid file_id"),
            }
        }
        "setmycommands" | "deletemycommands" | "setmydescription" | "setmyshortdescription" | "setchatmenubutton" => Answer::ok(json!(true)),
        "getmycommands" => Answer::ok(json!([])),
        "logout" | "close" => Answer::ok(json!(true)),
        _ => Answer::error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn drop_all_pending(state: &mut State) {
    if let Some(last) = state.pending.back().and_then(|u| u["update_id"].as_i64()) {
        state.confirmed_offset = state.confirmed_offset.max(last + 1);
    }
    state.pending.clear();
}

async fn get_updates(inner: &Arc<Inner>, p: &Value) -> Answer {
    let offset = int_param(p, "offset").unwrap_or(0);
    let limit = int_param(p, "limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = int_param(p, "timeout").unwrap_or(0).max(0) as u64;
    let allowed: Option<Vec<String>> = match p.get("allowed_updates") {
        Some(Value::Array(a)) => Some(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
        Some(Value::String(s)) => serde_json::from_str(s).ok(),
        _ => None,
    }
    .filter(|a: &Vec<String>| !a.is_empty());

    let generation = {
        let mut state = inner.lock();
        state.get_updates_calls += 1;
        if state.webhook.is_some() {
            return Answer::error(StatusCode::CONFLICT, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        }
        // Confirm: updates before the offset are forgotten; a negative offset keeps the last -offset.
        if offset > 0 {
            state.pending.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            state.confirmed_offset = state.confirmed_offset.max(offset);
        } else if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            while state.pending.len() > keep {
                let u = state.pending.pop_front().unwrap();
                let id = u["update_id"].as_i64().unwrap_or(0);
                state.confirmed_offset = state.confirmed_offset.max(id + 1);
            }
        }
        state.poll_generation += 1;
        state.poll_generation
    };
    inner.bump();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout.min(MAX_POLL_SECONDS));
    let mut rx = inner.changed.subscribe();
    loop {
        rx.borrow_and_update();
        {
            let state = inner.lock();
            if state.poll_generation != generation {
                return Answer::error(
                    StatusCode::CONFLICT,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                );
            }
            let wanted = |u: &&Value| match &allowed {
                None => true,
                Some(kinds) => u.as_object().is_some_and(|o| o.keys().any(|k| kinds.contains(k))),
            };
            let updates: Vec<Value> = state.pending.iter().filter(wanted).take(limit).cloned().collect();
            if !updates.is_empty() || tokio::time::Instant::now() >= deadline {
                return Answer::ok(Value::Array(updates));
            }
        }
        let _ = tokio::time::timeout_at(deadline, rx.changed()).await;
    }
}

fn send_message(inner: &Arc<Inner>, p: &Value, seq: u64) -> Answer {
    let Some(chat_id) = int_param(p, "chat_id") else {
        return if p.get("chat_id").is_some() { Answer::bad_request("chat not found") } else { Answer::bad_request("chat_id is empty") };
    };
    let text = string_param(p, "text").unwrap_or_default();
    if text.trim().is_empty() {
        return Answer::bad_request("message text is empty");
    }
    if utf16_len(&text) > MAX_TEXT_UTF16 {
        return Answer::bad_request("message is too long");
    }
    let reply_markup = match p.get("reply_markup") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(v) => Some(v),
            Err(_) => return Answer::bad_request("can't parse reply keyboard markup JSON object"),
        },
        Some(v) => Some(v.clone()),
    };
    let mut buttons = Vec::new();
    if let Some(rows) = reply_markup.as_ref().and_then(|m| m.get("inline_keyboard")) {
        let Some(rows) = rows.as_array() else { return Answer::bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array") };
        for row in rows {
            let Some(row) = row.as_array() else { return Answer::bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays") };
            for b in row {
                let label = b["text"].as_str().unwrap_or_default();
                if label.is_empty() {
                    return Answer::bad_request("text buttons are unallowed in the inline keyboard");
                }
                let data = b["callback_data"].as_str().unwrap_or_default();
                if data.len() > 64 {
                    return Answer::bad_request("BUTTON_DATA_INVALID");
                }
                if data.is_empty() && b.get("url").is_none() && b.get("switch_inline_query").is_none() {
                    return Answer::bad_request("BUTTON_DATA_INVALID");
                }
                buttons.push((label.to_string(), data.to_string()));
            }
        }
    }

    let mut state = inner.lock();
    if let Some((_, what)) = state.refusals.iter().find(|(needle, _)| text.contains(needle.as_str())).cloned() {
        state.failed_sends.push((Failure::BadRequest(what.clone()), p.clone()));
        return Answer::bad_request(&what);
    }
    match state.failures.pop_front() {
        Some(Failure::TooMany(n)) => {
            state.failed_sends.push((Failure::TooMany(n), p.clone()));
            return Answer::too_many(n);
        }
        Some(Failure::ServerError) => {
            state.failed_sends.push((Failure::ServerError, p.clone()));
            return Answer::server_error();
        }
        Some(Failure::Disconnect) => {
            state.failed_sends.push((Failure::Disconnect, p.clone()));
            return Answer(BROKEN, json!(BROKEN_MARK));
        }
        Some(Failure::BadRequest(what)) => {
            state.failed_sends.push((Failure::BadRequest(what.clone()), p.clone()));
            return Answer::bad_request(&what);
        }
        Some(Failure::Pass) | None => {}
    }
    let message_id = FakeTelegram::next_message_id(&mut state, chat_id);
    let first_name = state.chat_names.get(&chat_id).cloned().unwrap_or_else(|| format!("User{chat_id}"));
    let mut message = json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": {"id": chat_id, "type": "private", "first_name": first_name},
        "from": inner.bot_user(),
        "text": text,
    });
    if let Some(markup) = reply_markup.as_ref().filter(|m| m.get("inline_keyboard").is_some()) {
        message["reply_markup"] = markup.clone();
    }
    state.sent.push(Sent { chat_id, text, buttons, message_id, reply_markup, parse_mode: string_param(p, "parse_mode"), seq });
    Answer::ok(message)
}

// ---- Parameters ----

fn int_param(p: &Value, name: &str) -> Option<i64> {
    match p.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn string_param(p: &Value, name: &str) -> Option<String> {
    match p.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        v => Some(v.to_string()),
    }
}

fn bool_param(p: &Value, name: &str) -> bool {
    match p.get(name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "True" | "1"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// The body's parameters as a JSON object (form values as strings).
fn parse_body(content_type: &str, body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err("parameters must be a JSON object".into()),
            Err(e) => Err(format!("can't parse JSON: {e}")),
        },
        "application/x-www-form-urlencoded" => {
            std::str::from_utf8(body).map_err(|_| "body is not UTF-8".to_string())?;
            Ok(url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect())
        }
        "multipart/form-data" => {
            let boundary = content_type
                .split(';')
                .filter_map(|part| part.trim().strip_prefix("boundary="))
                .next()
                .map(|b| b.trim_matches('"').to_string())
                .ok_or_else(|| "multipart body without boundary".to_string())?;
            parse_multipart(body, &boundary)
        }
        _ => Err(format!("unsupported content type {content_type:?}")),
    }
}

/// Parts of a multipart body: text fields as strings, files as `"<file NAME, N bytes>"`. Kept by hand:
/// a multipart crate (multer, behind axum's `multipart`) is not compiled in this tree, and this fake
/// needs only field names, text values and file sizes.
fn parse_multipart(body: &[u8], boundary: &str) -> Result<Map<String, Value>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut out = Map::new();
    let mut rest = body;
    let Some(start) = find(rest, &delimiter) else { return Err("multipart body without its boundary".into()) };
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Ok(out);
        }
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(rest, &delimiter) else { return Err("unterminated multipart body".into()) };
        let part = &rest[..end];
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else { return Err("multipart part without headers".into()) };
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let disposition = headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition")).unwrap_or_default();
        let attr = |name: &str| {
            disposition.split(';').map(str::trim).find_map(|a| a.strip_prefix(&format!("{name}="))).map(|v| v.trim_matches('"').to_string())
        };
        if let Some(name) = attr("name") {
            let value = match attr("filename") {
                Some(file) => format!("<file {file}, {} bytes>", content.len()),
                None => String::from_utf8_lossy(content).into_owned(),
            };
            out.insert(name, Value::String(value));
        }
        rest = &rest[end + delimiter.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
