//! A customer's personal data: everything stored about them as one export, and the erase that takes
//! it away (names, contacts, message texts, facts, addresses, Telegram chat ids) while the shape of
//! each conversation stays — its channel, language, intents, handoffs and survey scores — so the
//! reports still count it.

use serde_json::{Value, json};
use sqlx::Row;

use super::Store;
use super::conversations::ConversationWrite;
use super::writer::Tx;
use crate::events::{Attachment, ConvState, EventBody};
use crate::clock::rfc3339;
use crate::error::BotError;

/// The reason recorded when an erase closes a conversation still open.
const ERASED: &str = "erased";

#[derive(Clone, Debug)]
pub enum PrivacyWrite {
    /// The customer, every customer linked into them, their sessions, conversations and codes.
    EraseCustomer { id: String, at: i64 },
    /// A session that never spoke, with its conversations, codes, and its customer when nothing else
    /// of theirs is left. Nothing of it is worth counting.
    PurgeSession { id: String },
    /// Agent logins and link codes past their expiry at `now`.
    PurgeExpired { now: i64 },
    /// One conversation's texts, facts and brief; the customer and their sessions stay.
    EraseConversation { id: String, at: i64 },
}

impl PrivacyWrite {
    pub(super) async fn apply(&self, tx: &mut Tx) -> Result<(), BotError> {
        match self {
            PrivacyWrite::EraseCustomer { id, at } => erase_customer(tx, id, *at).await,
            PrivacyWrite::EraseConversation { id, at } => erase_conversation(tx, id, *at).await,
            PrivacyWrite::PurgeSession { id } => purge_session(tx, id).await,
            PrivacyWrite::PurgeExpired { now } => {
                sqlx::query("DELETE FROM agent_tokens WHERE expires_at <= $1").bind(now).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM link_codes WHERE expires_at <= $1").bind(now).execute(&mut **tx).await?;
                Ok(())
            }
        }
    }
}

async fn erase_customer(tx: &mut Tx, id: &str, at: i64) -> Result<(), BotError> {
    let group: Vec<String> =
        sqlx::query_scalar("SELECT id FROM customers WHERE id = $1 OR merged_into = $1").bind(id).fetch_all(&mut **tx).await?;
    for customer in &group {
        let sessions: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE customer_id = $1").bind(customer).fetch_all(&mut **tx).await?;
        let mut conversations: Vec<String> =
            sqlx::query_scalar("SELECT id FROM conversations WHERE customer_id = $1").bind(customer).fetch_all(&mut **tx).await?;
        for session in &sessions {
            let of_session: Vec<String> =
                sqlx::query_scalar("SELECT id FROM conversations WHERE session_id = $1").bind(session).fetch_all(&mut **tx).await?;
            conversations.extend(of_session);
            if let Some(chat_id) = session.strip_prefix("tg:") {
                sqlx::query("DELETE FROM outbox WHERE channel = 'telegram' AND address = $1").bind(chat_id).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM outbox_leases WHERE channel = 'telegram' AND address = $1").bind(chat_id).execute(&mut **tx).await?;
            }
            sqlx::query("DELETE FROM link_codes WHERE session_id = $1 OR joiner_session = $1").bind(session).execute(&mut **tx).await?;
        }
        conversations.sort();
        conversations.dedup();
        for conversation in &conversations {
            erase_conversation(tx, conversation, at).await?;
        }
        sqlx::query("DELETE FROM link_codes WHERE customer_id = $1 OR joiner_customer = $1").bind(customer).execute(&mut **tx).await?;
        sqlx::query("DELETE FROM sessions WHERE customer_id = $1").bind(customer).execute(&mut **tx).await?;
        sqlx::query("UPDATE customers SET name = NULL, email = NULL, phone = NULL, erased_at = $1, turn_seq = turn_seq + 1 WHERE id = $2")
            .bind(at)
            .bind(customer)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn purge_session(tx: &mut Tx, id: &str) -> Result<(), BotError> {
    let customer: Option<String> = sqlx::query_scalar("SELECT customer_id FROM sessions WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    let Some(customer) = customer else { return Ok(()) };
    // It may have spoken since it was chosen: then it stays.
    let spoke: Option<i64> = sqlx::query_scalar(
        "SELECT e.id FROM events e JOIN conversations c ON c.id = e.conversation_id WHERE c.session_id = $1 AND e.kind = 'customer_message' LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if spoke.is_some() {
        return Ok(());
    }
    for sql in [
        "DELETE FROM events WHERE conversation_id IN (SELECT id FROM conversations WHERE session_id = $1)",
        "DELETE FROM handoffs WHERE conversation_id IN (SELECT id FROM conversations WHERE session_id = $1)",
        "DELETE FROM conversations WHERE session_id = $1",
        "DELETE FROM link_codes WHERE session_id = $1 OR joiner_session = $1",
        "DELETE FROM sessions WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut **tx).await?;
    }
    sqlx::query(
        "DELETE FROM customers WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM sessions WHERE customer_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM conversations WHERE customer_id = $1) AND NOT EXISTS (SELECT 1 FROM customers m WHERE m.merged_into = $1)",
    )
    .bind(&customer)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn erase_conversation(tx: &mut Tx, id: &str, at: i64) -> Result<(), BotError> {
    // Memory of the customer cached on any node is out of date from here.
    sqlx::query("UPDATE customers SET turn_seq = turn_seq + 1 WHERE id = (SELECT customer_id FROM conversations WHERE id = $1)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let events = sqlx::query("SELECT id, payload FROM events WHERE conversation_id = $1").bind(id).fetch_all(&mut **tx).await?;
    for e in events {
        let event_id: i64 = e.try_get(0)?;
        let payload: String = e.try_get(1)?;
        // An event this version cannot read may hold anything: it goes.
        match serde_json::from_str::<EventBody>(&payload).ok().and_then(redacted) {
            Some(body) => {
                sqlx::query("UPDATE events SET payload = $1, ref = $2 WHERE id = $3")
                    .bind(serde_json::to_string(&body)?)
                    .bind(body.reference().map(str::to_string))
                    .bind(event_id)
                    .execute(&mut **tx)
                    .await?;
            }
            None => {
                sqlx::query("DELETE FROM events WHERE id = $1").bind(event_id).execute(&mut **tx).await?;
            }
        }
    }
    let briefs = sqlx::query("SELECT id, brief FROM handoffs WHERE conversation_id = $1").bind(id).fetch_all(&mut **tx).await?;
    for b in briefs {
        let handoff: String = b.try_get(0)?;
        let brief: String = b.try_get(1)?;
        sqlx::query("UPDATE handoffs SET brief = $1 WHERE id = $2").bind(redacted_brief(&brief)).bind(handoff).execute(&mut **tx).await?;
    }
    // Nobody can reach the customer any more: the conversation leaves the queue and the agents.
    sqlx::query("UPDATE handoffs SET status = 'closed', closed_at = $1 WHERE conversation_id = $2 AND status IN ('queued', 'claimed')")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM conversations WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    if let Some(from) = state.as_deref().and_then(ConvState::parse).filter(|s| *s != ConvState::Closed) {
        let body = EventBody::StateChanged { from, to: ConvState::Closed, reason: ERASED.into() };
        ConversationWrite::Event { conversation_id: id.to_string(), actor: body.actor().to_string(), body, at }.apply(tx).await?;
        ConversationWrite::State { conversation_id: id.to_string(), state: ConvState::Closed, at }.apply(tx).await?;
    }
    sqlx::query("UPDATE conversations SET session_id = NULL, erased_at = $1 WHERE id = $2").bind(at).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// An event without what the customer (or anyone) wrote or told: texts emptied, entity values and
/// file references dropped; facts and subscriptions go entirely (`None`). Kinds, languages, intents,
/// handoff reasons, states and survey scores stay for the reports.
fn redacted(body: EventBody) -> Option<EventBody> {
    Some(match body {
        EventBody::CustomerMessage { lang, button, attachment, .. } => EventBody::CustomerMessage {
            text: String::new(),
            lang,
            button,
            attachment: attachment.map(|a| Attachment { kind: a.kind, file_id: None, file_name: None }),
        },
        EventBody::Parse { mut parse } => {
            parse.entities.clear();
            EventBody::Parse { parse }
        }
        EventBody::BotMessage { lang, key, intent, awaiting, proactive, .. } => {
            EventBody::BotMessage { text: String::new(), lang, key, intent, buttons: Vec::new(), awaiting, proactive }
        }
        EventBody::AgentMessage { lang, agent, .. } => EventBody::AgentMessage { text: String::new(), lang, agent },
        EventBody::SystemMessage { lang, .. } => EventBody::SystemMessage { text: String::new(), lang },
        EventBody::Note { agent, .. } => EventBody::Note { text: String::new(), agent },
        EventBody::Fact { .. } | EventBody::Subscribed { .. } => return None,
        other => other,
    })
}

/// A handoff brief with its reason, language, channel, intents and emotion only.
fn redacted_brief(brief: &str) -> String {
    match serde_json::from_str::<komek_handoff::Brief>(brief) {
        Ok(mut b) => {
            b.summary.clear();
            b.facts.clear();
            b.customer.name = None;
            b.customer.email = None;
            b.customer.phone = None;
            b.past_contacts.clear();
            b.bot_answers.clear();
            b.suggested_replies.clear();
            b.order = None;
            serde_json::to_string(&b).unwrap_or_else(|_| "{}".into())
        }
        Err(_) => "{}".into(),
    }
}

impl Store {
    /// Sessions created before `before` that never had a customer message (at most `limit`).
    pub async fn silent_sessions(&self, before: i64, limit: i64) -> Result<Vec<String>, BotError> {
        Ok(sqlx::query_scalar(
            "SELECT s.id FROM sessions s WHERE s.created_at < $1 AND NOT EXISTS (SELECT 1 FROM conversations c JOIN events e ON e.conversation_id = c.id \
             WHERE c.session_id = s.id AND e.kind = 'customer_message') ORDER BY s.created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Conversations not yet erased with nothing in them since `before`: (customer, conversation).
    pub async fn conversations_idle_since(&self, before: i64, limit: i64) -> Result<Vec<(String, String)>, BotError> {
        let rows = sqlx::query(
            "SELECT c.customer_id, c.id FROM conversations c WHERE c.erased_at IS NULL AND c.created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.id AND e.created_at >= $1) ORDER BY c.created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get::<Option<String>, _>(0)?.unwrap_or_default(), r.try_get(1)?))).collect()
    }

    /// Customers not yet erased (nor linked into another) created before `before` with no
    /// conversation active since.
    pub async fn customers_idle_since(&self, before: i64, limit: i64) -> Result<Vec<String>, BotError> {
        Ok(sqlx::query_scalar(
            "SELECT u.id FROM customers u WHERE u.erased_at IS NULL AND u.merged_into IS NULL AND u.created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = u.id AND c.erased_at IS NULL) ORDER BY u.created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The customer and every customer linked into them (empty when unknown).
    pub async fn customer_group(&self, id: &str) -> Result<Vec<String>, BotError> {
        Ok(sqlx::query_scalar("SELECT id FROM customers WHERE id = $1 OR merged_into = $1").bind(id).fetch_all(&self.pool).await?)
    }

    /// The sessions of these customers.
    pub async fn sessions_of(&self, customers: &[String]) -> Result<Vec<String>, BotError> {
        let mut out = Vec::new();
        for c in customers {
            let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE customer_id = $1").bind(c).fetch_all(&self.pool).await?;
            out.extend(ids);
        }
        Ok(out)
    }

    /// Everything stored about a customer (and the customers linked into them): profile, channels,
    /// conversations with their messages, facts and survey answers. `None` when unknown.
    pub async fn customer_export(&self, id: &str) -> Result<Option<Value>, BotError> {
        let group = self.customer_group(id).await?;
        if group.is_empty() {
            return Ok(None);
        }
        let mut profiles = Vec::new();
        let mut channels = Vec::new();
        let mut conversations = Vec::new();
        let mut facts = Vec::new();
        let mut surveys = Vec::new();
        for customer in &group {
            let r = sqlx::query("SELECT name, email, phone, created_at, erased_at FROM customers WHERE id = $1")
                .bind(customer)
                .fetch_one(&self.pool)
                .await?;
            profiles.push(json!({
                "id": customer,
                "name": r.try_get::<Option<String>, _>("name")?,
                "email": r.try_get::<Option<String>, _>("email")?,
                "phone": r.try_get::<Option<String>, _>("phone")?,
                "created_at": rfc3339(r.try_get("created_at")?),
                "erased_at": r.try_get::<Option<i64>, _>("erased_at")?.map(rfc3339),
            }));
            for s in sqlx::query("SELECT id, channel, locale, created_at FROM sessions WHERE customer_id = $1 ORDER BY created_at")
                .bind(customer)
                .fetch_all(&self.pool)
                .await?
            {
                channels.push(json!({
                    "session_id": s.try_get::<String, _>("id")?,
                    "channel": s.try_get::<String, _>("channel")?,
                    "locale": s.try_get::<Option<String>, _>("locale")?,
                    "created_at": rfc3339(s.try_get("created_at")?),
                }));
            }
            for c in sqlx::query("SELECT id, channel, state, created_at FROM conversations WHERE customer_id = $1 ORDER BY created_at")
                .bind(customer)
                .fetch_all(&self.pool)
                .await?
            {
                let conversation_id: String = c.try_get("id")?;
                let events = self.conversation_events(&conversation_id).await?;
                for e in &events {
                    match &e.body {
                        EventBody::Fact { name, value } => {
                            facts.push(json!({"conversation_id": conversation_id, "name": name, "value": value, "at": rfc3339(e.at)}))
                        }
                        EventBody::SurveyAnswer { question, score } => surveys
                            .push(json!({"conversation_id": conversation_id, "question": question, "score": score, "at": rfc3339(e.at)})),
                        _ => {}
                    }
                }
                let messages: Vec<_> = events.iter().filter_map(|e| e.message()).collect();
                conversations.push(json!({
                    "id": conversation_id,
                    "channel": c.try_get::<String, _>("channel")?,
                    "state": c.try_get::<String, _>("state")?,
                    "created_at": rfc3339(c.try_get("created_at")?),
                    "messages": messages,
                }));
            }
        }
        let profile = profiles.first().cloned().unwrap_or(Value::Null);
        Ok(Some(json!({
            "customer": profile,
            "linked_customers": profiles.get(1..).unwrap_or_default(),
            "channels": channels,
            "conversations": conversations,
            "facts": facts,
            "survey_answers": surveys,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_counts_and_drops_words() {
        let msg = EventBody::CustomerMessage {
            text: "my phone is +77011234567".into(),
            lang: komek_nlu::Lang::En,
            button: None,
            attachment: Some(Attachment { kind: "photo".into(), file_id: Some("F1".into()), file_name: Some("me.jpg".into()) }),
        };
        let out = serde_json::to_string(&redacted(msg).unwrap()).unwrap();
        assert!(out.contains("customer_message") && out.contains("photo"), "{out}");
        assert!(!out.contains("7011234567") && !out.contains("F1") && !out.contains("me.jpg"), "{out}");
        assert!(redacted(EventBody::Fact { name: "phone".into(), value: "+77011234567".into() }).is_none());
        let survey = EventBody::SurveyAnswer { question: "csat".into(), score: 4 };
        assert_eq!(redacted(survey.clone()), Some(survey));
    }
}
