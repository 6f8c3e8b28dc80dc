//! Every conversation scored: a reader of the log that turns each ended conversation (closed, or
//! idle past the target) into its automatic effort and QA scorecard ([`komek_handoff::quality`]),
//! stored in `quality` and re-scored when later events come (a later contact about the same matter
//! re-scores the earlier one too).

pub mod report;
pub mod steps;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use komek_handoff::quality::{Contact, Context, QualityConfig, Scorecard, score};
use komek_nlu::Nlu;
use sqlx::Row;

use crate::clock::{DAY_MS, now_ms};
use crate::error::BotError;
use crate::events::EventKind;
use crate::store::quality::name_list;
use crate::store::{ConversationRow, QualityRow, QualityWrite, Store};
use steps::{Matter, Read};

/// Conversations scored in one batch (one read of their events, one write).
pub const BATCH: usize = 400;
/// After a restart, conversations started this long ago are checked for missing scorecards.
const CATCH_UP_MS: i64 = 30 * DAY_MS;
/// Conversations still going on that the sweeper remembers (the last event it read of each, and
/// when it ends by idling) so as not to read them again before either changes. Past this many, the
/// others are read on every sweep.
const WATCHED_MAX: usize = 50_000;

#[derive(Clone)]
pub struct Quality {
    pub config: Arc<QualityConfig>,
    nlu: Arc<Nlu>,
}

/// What scoring a batch did.
#[derive(Debug, Default)]
pub struct Scored {
    /// Conversations whose scorecard was written.
    pub written: Vec<String>,
    /// Conversations still going on (not written).
    pub open: Vec<Open>,
    /// Earlier contacts about the same matter as a conversation of the batch (their scorecard
    /// changes: they did not resolve it).
    pub earlier: Vec<String>,
}

/// A conversation still going on, as it was scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub conversation_id: String,
    /// The last event read of it.
    pub last_event: i64,
    /// When it ends by idling if no event comes before (unix ms): until then, without new events,
    /// its scorecard cannot change from open to ended.
    pub idle_at: i64,
}

/// One conversation scored: its scorecard, its row, the earlier contact about the same matter (if
/// any), and when it ends by idling.
struct Carded {
    card: Scorecard,
    row: QualityRow,
    earlier: Option<String>,
    idle_at: i64,
}

impl Quality {
    pub fn load(models: &Path, nlu: Arc<Nlu>) -> Result<Self, BotError> {
        let path = models.join("content").join("quality.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| BotError::Config(format!("{}: {e}", path.display())))?;
        let config = QualityConfig::parse(&text).map_err(|e| BotError::Config(e.to_string()))?;
        Ok(Self { config: Arc::new(config), nlu })
    }

    /// A scorer with its own settings (e.g. tighter targets).
    pub fn new(config: QualityConfig, nlu: Arc<Nlu>) -> Self {
        Self { config: Arc::new(config), nlu }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.config.targets.repeat_contact_days) * DAY_MS
    }

    /// The scorecard of one conversation as of `now` (ended or not), without storing it.
    pub async fn card(&self, store: &Store, conversation_id: &str, now: i64) -> Result<Option<(Scorecard, QualityRow)>, BotError> {
        let ids = [conversation_id.to_string()];
        let mut cards = self.cards(store, &ids, now).await?;
        Ok(cards.pop().map(|c| (c.card, c.row)))
    }

    /// Scores a batch; writes the scorecards of the conversations that have ended.
    pub async fn score_batch(&self, store: &Store, ids: &[String], now: i64) -> Result<Scored, BotError> {
        let mut scored = Scored::default();
        let mut writes = Vec::new();
        for Carded { card, row, earlier, idle_at } in self.cards(store, ids, now).await? {
            if let Some(e) = earlier {
                scored.earlier.push(e);
            }
            if card.ended {
                scored.written.push(row.conversation_id.clone());
                writes.push(QualityWrite::Upsert(row).into());
            } else {
                scored.open.push(Open { conversation_id: row.conversation_id, last_event: row.through_event, idle_at });
            }
        }
        if !writes.is_empty() {
            store.writer.write(writes).await?;
        }
        Ok(scored)
    }

    /// Reads and scores conversations: each one's scorecard, its row, the earlier contact about the
    /// same matter (if any), and when it ends by idling.
    async fn cards(&self, store: &Store, ids: &[String], now: i64) -> Result<Vec<Carded>, BotError> {
        let conversations = store.conversations_by_id(ids).await?;
        if conversations.is_empty() {
            return Ok(Vec::new());
        }
        let window = self.window_ms();
        let events = store.events_of_conversations(ids, None).await?;
        let mut by_conversation: HashMap<String, Vec<crate::events::Event>> = HashMap::new();
        for e in events {
            by_conversation.entry(e.conversation_id.clone()).or_default().push(e);
        }
        let reads: HashMap<&str, Read> =
            conversations.iter().map(|c| (c.id.as_str(), steps::read(by_conversation.get(&c.id).map_or(&[][..], Vec::as_slice), &self.nlu, &self.config))).collect();

        // The customers' other contacts around these conversations, and what each was about.
        let customers: Vec<String> = conversations.iter().map(|c| c.customer_id.clone()).filter(|c| !c.is_empty()).collect::<BTreeSet<_>>().into_iter().collect();
        let first = conversations.iter().map(|c| c.created_at).min().unwrap_or(now);
        let last = conversations.iter().map(|c| c.created_at).max().unwrap_or(now);
        let around = store.conversations_of_customers(&customers, first - window, last + window).await?;
        let outside: Vec<String> = around.iter().filter(|c| !reads.contains_key(c.id.as_str())).map(|c| c.id.clone()).collect();
        let mut matters: HashMap<String, (Matter, BTreeSet<String>)> = HashMap::new();
        for chunk in outside.chunks(BATCH) {
            for e in store.events_of_conversations(chunk, Some(&[EventKind::Fact, EventKind::Subscribed, EventKind::BotMessage])).await? {
                let entry = matters.entry(e.conversation_id.clone()).or_default();
                entry.0.fold(&e.body);
                if let crate::events::EventBody::Fact { name, .. } = &e.body {
                    entry.1.insert(name.clone());
                }
            }
        }
        for (id, r) in &reads {
            matters.insert((*id).to_string(), (r.matter.clone(), r.facts.clone()));
        }

        let orders: BTreeSet<String> = reads
            .values()
            .flat_map(|r| r.steps.iter())
            .filter_map(|s| match &s.what {
                komek_handoff::quality::What::Subscribed { order_id } => Some(order_id.clone()),
                _ => None,
            })
            .collect();
        let changes = order_changes(store, &orders).await?;

        let idle_ms = i64::from(self.config.targets.idle_minutes) * 60_000;
        let mut out = Vec::with_capacity(conversations.len());
        for conv in &conversations {
            let Some(read) = reads.get(conv.id.as_str()) else { continue };
            let context = self.context(conv, read, &around, &matters, &changes, now);
            let card = score(&read.steps, &context, &self.config);
            let row = row_of(conv, read, &card, now);
            // As the scorer judges idling: from the last step (or now, when there is none).
            let idle_at = read.steps.last().map_or(now, |s| s.at).saturating_add(idle_ms);
            out.push(Carded { card, row, earlier: context.earlier.map(|c| c.conversation_id), idle_at });
        }
        Ok(out)
    }

    fn context(
        &self,
        conv: &ConversationRow,
        read: &Read,
        around: &[ConversationRow],
        matters: &HashMap<String, (Matter, BTreeSet<String>)>,
        changes: &[(String, i64)],
        now: i64,
    ) -> Context {
        let window = self.window_ms();
        let mine = &read.matter;
        let same = |c: &ConversationRow| matters.get(&c.id).is_some_and(|(m, _)| m.same(mine));
        let others = around.iter().filter(|c| c.customer_id == conv.customer_id && c.id != conv.id && !conv.customer_id.is_empty());
        let earlier = others
            .clone()
            .filter(|c| c.created_at < conv.created_at && conv.created_at - c.created_at <= window && same(c))
            .max_by_key(|c| c.created_at)
            .map(|c| Contact { conversation_id: c.id.clone(), channel: c.channel.as_str().to_string() });
        let later = others
            .clone()
            .filter(|c| c.created_at > conv.created_at && c.created_at - conv.created_at <= window && same(c))
            .min_by_key(|c| c.created_at)
            .map(|c| Contact { conversation_id: c.id.clone(), channel: c.channel.as_str().to_string() });
        let known_facts: BTreeSet<String> = others
            .filter(|c| c.created_at < conv.created_at)
            .filter_map(|c| matters.get(&c.id))
            .flat_map(|(_, facts)| facts.iter().cloned())
            .collect();
        Context {
            channel: conv.channel.as_str().to_string(),
            lang: read.language,
            known_facts: known_facts.into_iter().collect(),
            earlier,
            later,
            vip: false,
            order_changes: changes.to_vec(),
            now,
        }
    }

    /// Scores the conversations started since `from` that have no scorecard of their latest events,
    /// `BATCH` at a time; `progress(done, total)` after each batch. Returns how many were written.
    pub async fn backfill(&self, store: &Store, from: i64, now: i64, mut progress: impl FnMut(usize, usize)) -> Result<usize, BotError> {
        let stale: Vec<String> = store.quality_stale(from).await?.into_iter().map(|(id, _)| id).collect();
        let total = stale.len();
        let mut written = 0;
        for (i, chunk) in stale.chunks(BATCH).enumerate() {
            written += self.score_batch(store, chunk, now).await?.written.len();
            progress(((i + 1) * BATCH).min(total), total);
        }
        Ok(written)
    }

    /// Scores ended conversations as the log grows: every `every`, the conversations with new
    /// events, those still going on whose idle deadline has passed, and earlier contacts whose
    /// later contact was just scored. A conversation still going on is not read again until it has
    /// new events or its idle deadline passes (its scorecard could not be written before).
    pub fn spawn_sweeper(self, store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut sweeper = Sweeper::default();
            match store.quality_stale(now_ms() - CATCH_UP_MS).await {
                Ok(stale) => sweeper.pending.extend(stale.into_iter().map(|(id, _)| id)),
                Err(e) => tracing::warn!(error = %e, "quality: could not read what is left to score"),
            }
            match sqlx::query("SELECT COALESCE(MAX(id), 0) FROM events").fetch_one(&store.pool).await {
                Ok(r) => sweeper.cursor = r.try_get::<i64, _>(0).unwrap_or(0),
                Err(e) => tracing::warn!(error = %e, "quality: could not read the log's end"),
            }
            loop {
                match self.sweep(&store, &mut sweeper).await {
                    Ok(n) if n > 0 => tracing::debug!(scored = n, "quality: scorecards written"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "quality: scoring failed; trying again"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    async fn sweep(&self, store: &Store, sweeper: &mut Sweeper) -> Result<usize, BotError> {
        let (changed, newest) = store.conversations_with_events_after(sweeper.cursor).await?;
        for (id, last) in changed {
            sweeper.changed(id, last);
        }
        sweeper.cursor = newest;
        let now = now_ms();
        let due = sweeper.due(now);
        let mut written = 0;
        let mut earlier: BTreeSet<String> = BTreeSet::new();
        for chunk in due.chunks(BATCH) {
            let scored = self.score_batch(store, chunk, now).await?;
            for id in &scored.written {
                sweeper.done(id);
            }
            for open in scored.open {
                sweeper.watch(open);
            }
            written += scored.written.len();
            // Those still pending are scored when they are due.
            earlier.extend(scored.earlier.into_iter().filter(|e| !sweeper.pending.contains(e)));
        }
        let scored_now: HashSet<&String> = due.iter().collect();
        let earlier: Vec<String> = earlier.into_iter().filter(|e| !scored_now.contains(e)).collect();
        for chunk in earlier.chunks(BATCH) {
            written += self.score_batch(store, chunk, now).await?.written.len();
        }
        Ok(written)
    }
}

/// What the sweeper keeps between sweeps.
#[derive(Debug, Default)]
struct Sweeper {
    /// Conversations whose scorecard is missing or behind their log.
    pending: HashSet<String>,
    /// The last event id read from the log.
    cursor: i64,
    /// Pending conversations still going on when last scored: the last event read of each and its
    /// idle deadline (at most [`WATCHED_MAX`]).
    watched: HashMap<String, (i64, i64)>,
}

impl Sweeper {
    /// `id` has events up to `last` after the cursor: pending, and due again unless they were
    /// already read.
    fn changed(&mut self, id: String, last: i64) {
        if self.watched.get(&id).is_some_and(|&(seen, _)| last > seen) {
            self.watched.remove(&id);
        }
        self.pending.insert(id);
    }

    /// The pending conversations to score now: all but those still going on, with no new events,
    /// whose idle deadline is ahead.
    fn due(&self, now: i64) -> Vec<String> {
        self.pending.iter().filter(|id| self.watched.get(*id).is_none_or(|&(_, idle_at)| now >= idle_at)).cloned().collect()
    }

    /// `id`'s scorecard is written.
    fn done(&mut self, id: &str) {
        self.pending.remove(id);
        self.watched.remove(id);
    }

    /// A conversation still going on: not due again before new events or its idle deadline.
    fn watch(&mut self, open: Open) {
        if !self.pending.contains(&open.conversation_id) {
            return;
        }
        if self.watched.len() >= WATCHED_MAX && !self.watched.contains_key(&open.conversation_id) {
            return;
        }
        self.watched.insert(open.conversation_id, (open.last_event, open.idle_at));
    }
}

/// When each of these orders last changed status: one query (a batch's orders, `BATCH` at a time).
async fn order_changes(store: &Store, orders: &BTreeSet<String>) -> Result<Vec<(String, i64)>, BotError> {
    let orders: Vec<String> = orders.iter().cloned().collect();
    let mut out = Vec::with_capacity(orders.len());
    for chunk in orders.chunks(BATCH) {
        out.extend(store.orders_updated_at(chunk).await?);
    }
    Ok(out)
}

fn row_of(conv: &ConversationRow, read: &Read, card: &Scorecard, now: i64) -> QualityRow {
    let failed: Vec<&str> = card.failed().map(|c| c.as_str()).collect();
    QualityRow {
        conversation_id: conv.id.clone(),
        started_at: conv.created_at,
        channel: conv.channel.as_str().to_string(),
        language: read.language.map_or_else(|| "unknown".to_string(), |l| l.code().to_string()),
        agents: name_list(read.agents.iter().map(String::as_str)),
        failed: name_list(failed),
        score: i32::from(card.score),
        effort: i32::from(card.effort.score),
        survey_ces: read.survey_ces.map(i32::from),
        through_event: read.last_event,
        scored_at: now,
        card: serde_json::to_string(card).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Open, Sweeper};

    fn open(id: &str, last_event: i64, idle_at: i64) -> Open {
        Open { conversation_id: id.into(), last_event, idle_at }
    }

    #[test]
    fn a_conversation_going_on_is_read_again_on_new_events_or_past_its_idle_deadline() {
        let mut s = Sweeper::default();
        s.changed("a".into(), 10);
        s.changed("b".into(), 20);
        let mut due = s.due(0);
        due.sort();
        assert_eq!(due, ["a", "b"], "new conversations are read");
        s.watch(open("a", 10, 1_000));
        s.watch(open("b", 20, 1_000));
        assert!(s.due(999).is_empty(), "nothing new and not idle yet: nothing to read");
        // The same events seen again (a cursor that overlaps) change nothing.
        s.changed("a".into(), 10);
        assert!(s.due(999).is_empty());
        s.changed("a".into(), 11);
        assert_eq!(s.due(999), ["a"], "a new event");
        s.done("a");
        assert!(!s.pending.contains("a") && !s.watched.contains_key("a"), "written: forgotten");
        assert_eq!(s.due(1_000), ["b"], "idle deadline passed");
        // Only pending conversations are watched.
        s.watch(open("c", 5, 1_000));
        assert!(!s.watched.contains_key("c"));
    }

    #[test]
    fn the_watch_is_bounded() {
        let mut s = Sweeper::default();
        for i in 0..super::WATCHED_MAX + 10 {
            let id = format!("c{i}");
            s.changed(id.clone(), 1);
            s.watch(open(&id, 1, 1_000));
        }
        assert_eq!(s.watched.len(), super::WATCHED_MAX);
        assert_eq!(s.due(0).len(), 10, "the conversations past the bound are read every sweep");
    }
}
