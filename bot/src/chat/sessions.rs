//! Sessions: who is writing. A widget session is created by the chat API and opened with its bearer
//! token; a Telegram chat's session is created on its first message. Each starts a customer and
//! their first conversation, all in the log before anything is answered.

use komek_handoff::queue::QueueInfo;
use komek_nlu::Lang;
use komek_nlu::lang::{ConversationLanguage, LanguageHint, Switch};

use super::{Chat, MAX_CACHED_SESSIONS, Unit, locale_lang};
use crate::channel::Channel;
use crate::clock::now_ms;
use crate::cluster::Notice;
use crate::error::BotError;
use crate::events::{ConvState, Event, EventBody, Message};
use crate::secrets::{new_id, new_token, same, token_hash};
use crate::store::{ConversationWrite, CustomerWrite, SessionRow, Write};

/// A customer profile given when a session starts.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub struct NewSession {
    pub session_id: String,
    pub token: String,
    pub conversation_id: String,
    pub customer_id: String,
}

pub enum Access {
    Granted(SessionRow),
    UnknownSession,
    WrongToken,
}

/// How long a cached session row is trusted when other nodes share the database.
const SHARED_SESSION_CACHE_MS: i64 = 30_000;

/// The writes that start a customer with a session on `channel` and their first conversation.
struct Start<'a> {
    session_id: &'a str,
    channel: Channel,
    token_hash: String,
    locale: Option<String>,
    hint: Option<LanguageHint>,
    profile: Profile,
}

impl Chat {
    fn start_writes(&self, start: Start<'_>, now: i64) -> (Vec<Write>, String, String) {
        let (customer_id, conversation_id) = (new_id("u"), new_id("c"));
        let lang = ConversationLanguage::new(self.default_lang, start.hint);
        let reason = if start.hint.is_some() { Switch::Hint } else { Switch::Default };
        let event = |actor: &str, body: EventBody| -> Write {
            ConversationWrite::Event { conversation_id: conversation_id.clone(), actor: actor.into(), body, at: now }.into()
        };
        let writes = vec![
            CustomerWrite::Customer { id: customer_id.clone(), name: start.profile.name, email: start.profile.email, phone: start.profile.phone, at: now }
                .into(),
            CustomerWrite::Session {
                id: start.session_id.to_string(),
                customer_id: customer_id.clone(),
                channel: start.channel,
                token_hash: start.token_hash,
                locale: start.locale.clone(),
                at: now,
            }
            .into(),
            ConversationWrite::Conversation {
                id: conversation_id.clone(),
                customer_id: customer_id.clone(),
                session_id: Some(start.session_id.to_string()),
                channel: start.channel,
                at: now,
            }
            .into(),
            event("customer", EventBody::ConversationStarted { channel: start.channel.as_str().into(), locale: start.locale }),
            event("system", EventBody::Language { state: lang, reason }),
        ];
        (writes, customer_id, conversation_id)
    }

    /// The language a channel's locale hints at, if the bot speaks it.
    fn hinted(&self, locale: Option<&str>) -> Option<Lang> {
        locale.and_then(locale_lang).filter(|l| self.nlu.detector.languages().contains(l))
    }

    /// A new widget session, with the browser locale as the language hint.
    pub async fn create_session(&self, locale: Option<String>, profile: Profile) -> Result<NewSession, BotError> {
        let (session_id, token) = (new_id("s"), new_token());
        let hint = self.hinted(locale.as_deref()).map(LanguageHint::Browser);
        let start = Start { session_id: &session_id, channel: Channel::Web, token_hash: token_hash(&token), locale, hint, profile };
        let (writes, customer_id, conversation_id) = self.start_writes(start, now_ms());
        self.store.writer.write(writes).await?;
        Ok(NewSession { session_id, token, conversation_id, customer_id })
    }

    /// The session of a Telegram chat, created with its customer and first conversation on the
    /// chat's first message; Telegram's `language_code` is the language hint.
    pub async fn telegram_session(&self, chat_id: i64, language_code: Option<&str>, name: Option<String>) -> Result<SessionRow, BotError> {
        let id = Channel::telegram_session(chat_id);
        if let Some(s) = self.cached_session(&id).await? {
            return Ok(s);
        }
        let hint = self.hinted(language_code).map(LanguageHint::Telegram);
        let profile = Profile { name: name.map(|n| n.chars().take(200).collect()), ..Profile::default() };
        // No token opens a Telegram session from the chat API.
        let start =
            Start { session_id: &id, channel: Channel::Telegram, token_hash: String::new(), locale: language_code.map(str::to_string), hint, profile };
        let (writes, _, _) = self.start_writes(start, now_ms());
        if let Err(e) = self.store.writer.write(writes).await {
            // Two first messages at once: the other one created it.
            tracing::debug!(error = %e, "Telegram session exists already");
        }
        self.cached_session(&id).await?.ok_or(BotError::NotFound("the Telegram session was not created"))
    }

    async fn cached_session(&self, id: &str) -> Result<Option<SessionRow>, BotError> {
        let now = now_ms();
        if let Some((s, at)) = self.sessions.lock().expect("session cache").get(id).cloned()
            // With other nodes, a row cached just before another node's erase could outlive the
            // notice that evicts it: such rows are read again after a while.
            && (!self.node.shared || now - at < SHARED_SESSION_CACHE_MS)
        {
            return Ok(Some(s));
        }
        let Some(s) = self.store.session(id).await? else { return Ok(None) };
        let mut cache = self.sessions.lock().expect("session cache");
        if cache.len() >= MAX_CACHED_SESSIONS {
            cache.clear();
        }
        cache.insert(s.id.clone(), (s.clone(), now));
        Ok(Some(s))
    }

    /// Checks a session's bearer token. Sessions of channels without tokens are not found here.
    pub async fn authenticate(&self, session_id: &str, token: &str) -> Result<Access, BotError> {
        // Hashed first: the work is the same whether the session exists or not.
        let presented = token_hash(token);
        let Some(session) = self.cached_session(session_id).await?.filter(|s| s.channel.uses_session_tokens()) else {
            return Ok(Access::UnknownSession);
        };
        Ok(if same(&session.token_hash, &presented) { Access::Granted(session) } else { Access::WrongToken })
    }

    /// Whether `session` still opens with the token it was opened with (cached: cheap enough to ask
    /// every few seconds for every open socket).
    pub async fn reauthenticate(&self, session: &SessionRow) -> Result<bool, BotError> {
        Ok(self.cached_session(&session.id).await?.is_some_and(|s| s.token_hash == session.token_hash))
    }

    /// A session erased or purged: its cached row goes.
    pub fn forget_session(&self, session_id: &str) {
        self.evict_here(&[], &[session_id.to_string()]);
        self.live.bus.send(Notice::Evict { customers: Vec::new(), sessions: vec![session_id.to_string()] });
    }

    /// After channels were linked: cached sessions of the customer are re-read from the store on
    /// next use (their customer changed). Their memory needs nothing: it is keyed by conversation.
    pub(super) fn forget_customer(&self, customer_id: &str) {
        self.evict_here(&[customer_id.to_string()], &[]);
        self.live.bus.send(Notice::Evict { customers: vec![customer_id.to_string()], sessions: Vec::new() });
    }

    /// Drops this node's cached sessions of `customers` and `sessions` (memory needs nothing: a unit
    /// decided on memory older than a link or an erase does not commit).
    pub(super) fn evict_here(&self, customers: &[String], sessions: &[String]) {
        let mut cache = self.sessions.lock().expect("session cache");
        for id in sessions {
            cache.remove(id);
        }
        if !customers.is_empty() {
            cache.retain(|_, (s, _)| !customers.contains(&s.customer_id));
        }
    }

    /// The session's messages after `after`, and its current state.
    /// The session's messages after event `after`, the current conversation's state and, while it
    /// waits for a person, where it stands in the queue.
    pub async fn history(&self, session: &SessionRow, after: i64) -> Result<(Vec<Message>, ConvState, Option<QueueInfo>), BotError> {
        let events = self.store.session_messages(&session.id, after).await?;
        let conv = self.store.current_conversation_of_session(&session.id).await?;
        let state = conv.as_ref().map_or(ConvState::Bot, |c| c.state);
        let queue = match conv {
            Some(c) if state == ConvState::WaitingAgent => self.queue_of(&c.id).await?,
            _ => None,
        };
        Ok((events.iter().filter_map(Event::message).collect(), state, queue))
    }

    /// The customer picked a language (the widget's language menu).
    pub async fn pick_language(&self, session: &SessionRow, lang: Lang) -> Result<(), BotError> {
        self.again(|| self.pick_language_once(session, lang)).await
    }

    async fn pick_language_once(&self, session: &SessionRow, lang: Lang) -> Result<(), BotError> {
        let slot = self.slot(&session.customer_id);
        let mut guard = slot.lock().await;
        let memory = self.session_memory(&mut guard, session).await?;
        let mut state = memory.lang.clone();
        state.switch_to(lang);
        let mut unit = Unit::new(memory, Vec::new(), now_ms());
        unit.record(EventBody::Language { state, reason: Switch::Explicit });
        let (memory, _) = self.commit(unit).await?;
        *guard = Some(memory);
        Ok(())
    }
}
