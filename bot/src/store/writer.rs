//! The one writer: every write goes through a single task that commits whatever has queued up in one
//! transaction (group commit). SQLite allows one writer at a time anyway; batching turns a thousand
//! small transactions a second into a few dozen, and callers only hear back after their writes are
//! durable. Each caller's writes sit in their own savepoint, so one bad request cannot fail another.

use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::{mpsc, oneshot};

use std::sync::Arc;

use super::{AgentWrite, ConversationWrite, CustomerWrite, HandoffWrite, OrderWrite, OutboxWrite, PrivacyWrite, QualityWrite};
use crate::error::BotError;

/// Most callers' writes committed together.
const MAX_BATCH: usize = 256;

/// One write of a caller's unit of work, by table group.
#[derive(Clone, Debug)]
pub enum Write {
    Customers(CustomerWrite),
    Conversations(ConversationWrite),
    Agents(AgentWrite),
    Handoffs(HandoffWrite),
    Orders(OrderWrite),
    Outbox(OutboxWrite),
    Privacy(PrivacyWrite),
    Quality(QualityWrite),
}

macro_rules! write_from {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for Write {
            fn from(w: $ty) -> Self {
                Write::$variant(w)
            }
        })*
    };
}
write_from!(Customers(CustomerWrite), Conversations(ConversationWrite), Agents(AgentWrite), Handoffs(HandoffWrite), Orders(OrderWrite), Outbox(OutboxWrite), Privacy(PrivacyWrite), Quality(QualityWrite));

impl Write {
    /// Applies the write; an event's new id is returned.
    async fn apply(&self, tx: &mut Tx) -> Result<Option<i64>, BotError> {
        match self {
            Write::Customers(w) => w.apply(tx).await.map(|()| None),
            Write::Conversations(w) => w.apply(tx).await,
            Write::Agents(w) => w.apply(tx).await.map(|()| None),
            Write::Handoffs(w) => w.apply(tx).await.map(|()| None),
            Write::Orders(w) => w.apply(tx).await.map(|()| None),
            Write::Outbox(w) => w.apply(tx).await.map(|()| None),
            Write::Privacy(w) => w.apply(tx).await.map(|()| None),
            Write::Quality(w) => w.apply(tx).await.map(|()| None),
        }
    }
}

/// The transaction a batch of units of work is written in.
pub type Tx = Transaction<'static, Any>;

struct Job {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<Vec<i64>, BotError>>,
}

/// A handle to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    pub fn spawn(pool: AnyPool) -> Self {
        let (tx, rx) = mpsc::channel(4096);
        tokio::spawn(run(pool, rx));
        Self { tx }
    }

    /// Commits `writes` atomically; returns the ids of the events among them, in order.
    pub async fn write(&self, writes: Vec<Write>) -> Result<Vec<i64>, BotError> {
        let (done, answer) = oneshot::channel();
        self.tx.send(Job { writes, done }).await.map_err(|_| BotError::WriterStopped)?;
        answer.await.map_err(|_| BotError::WriterStopped)?
    }
}

async fn run(pool: AnyPool, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&pool, &mut batch).await;
    }
}

/// Times a batch is written again after PostgreSQL broke a deadlock with another node's batch (or
/// a serialisation failure): the batch is rolled back whole and nobody was answered yet.
const DEADLOCK_RETRIES: usize = 3;

async fn commit_batch(pool: &AnyPool, batch: &mut Vec<Job>) {
    let mut tries = 0;
    let result = loop {
        match try_batch(pool, batch).await {
            Err(e) if tries < DEADLOCK_RETRIES && retriable(&e) => {
                tries += 1;
                tracing::debug!(error = %e, tries, "write batch rolled back by the database; writing it again");
                // The other side of the deadlock gets to finish first.
                tokio::time::sleep(std::time::Duration::from_millis(5 * tries as u64)).await;
            }
            done => break done,
        }
    };
    match result {
        Ok(outcomes) => {
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                let _ = job.done.send(outcome);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, jobs = batch.len(), "write batch failed");
            let e = Arc::new(e);
            for job in batch.drain(..) {
                let _ = job.done.send(Err(BotError::Database(e.clone())));
            }
        }
    }
}

/// A deadlock (40P01) or serialisation failure (40001): the same batch may well succeed again.
fn retriable(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "40P01" || c == "40001")
}

/// Writes the batch in one transaction, each job in its own savepoint; the jobs' outcomes in order.
/// A job that deadlocked with another node's batch fails the whole batch (retried by the caller):
/// its locks are let go at once, and rolled back to its savepoint it would only wait again.
async fn try_batch(pool: &AnyPool, batch: &[Job]) -> Result<Vec<Result<Vec<i64>, BotError>>, sqlx::Error> {
    let mut outcomes: Vec<Result<Vec<i64>, BotError>> = Vec::with_capacity(batch.len());
    let mut tx = pool.begin().await?;
    for job in batch.iter() {
        sqlx::query("SAVEPOINT job").execute(&mut *tx).await?;
        match apply(&mut tx, &job.writes).await {
            Ok(ids) => {
                sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await?;
                outcomes.push(Ok(ids));
            }
            Err(BotError::Database(e)) if retriable(&e) => {
                return Err(Arc::try_unwrap(e).unwrap_or_else(|e| sqlx::Error::Protocol(e.to_string())));
            }
            Err(e) => {
                sqlx::query("ROLLBACK TO SAVEPOINT job").execute(&mut *tx).await?;
                sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await?;
                outcomes.push(Err(e));
            }
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// One unit of work, in order; the first failing write fails it.
async fn apply(tx: &mut Tx, writes: &[Write]) -> Result<Vec<i64>, BotError> {
    let mut ids = Vec::new();
    for w in writes {
        if let Some(id) = w.apply(tx).await? {
            ids.push(id);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backoffice::OrderStatus;
    use crate::store::{OrderRow, Store};

    fn order(id: &str) -> Write {
        OrderWrite::Upsert(OrderRow { id: id.into(), status: OrderStatus::Paid, amount: 1, currency: "KZT".into(), status_date: 0, updated_at: 0, phone: None, email: None }).into()
    }

    /// Two callers in one batch: the one whose conditional write loses is rolled back whole (its
    /// order too), the other is committed, and each hears its own outcome.
    #[tokio::test]
    async fn a_losing_unit_of_work_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite:{}", dir.path().join("w.db").display())).await.unwrap();
        store.writer.write(vec![OutboxWrite::TelegramUpdate { update_id: 7, at: 0 }.into()]).await.unwrap();

        let (win_tx, win) = oneshot::channel();
        let (lose_tx, lose) = oneshot::channel();
        let mut batch = vec![
            Job { writes: vec![order("900001"), OutboxWrite::TelegramUpdate { update_id: 8, at: 0 }.into()], done: win_tx },
            // Update 7 was taken before: this unit conflicts after writing its order.
            Job { writes: vec![order("900002"), OutboxWrite::TelegramUpdate { update_id: 7, at: 0 }.into()], done: lose_tx },
        ];
        commit_batch(&store.pool, &mut batch).await;
        assert!(win.await.unwrap().is_ok());
        assert!(matches!(lose.await.unwrap(), Err(BotError::Conflict(crate::error::Conflict::UpdateSeen))));
        assert!(store.order("900001").await.unwrap().is_some());
        assert!(store.order("900002").await.unwrap().is_none(), "the loser's earlier write is rolled back");
    }

    #[tokio::test]
    async fn events_get_their_ids_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite:{}", dir.path().join("w.db").display())).await.unwrap();
        let conversation = ConversationWrite::Conversation {
            id: "c_1".into(),
            customer_id: "u_1".into(),
            session_id: None,
            channel: crate::channel::Channel::Web,
            at: 0,
        };
        let note = |text: &str| -> Write {
            ConversationWrite::Event {
                conversation_id: "c_1".into(),
                actor: "agent:a".into(),
                body: crate::events::EventBody::Note { text: text.into(), agent: "a".into() },
                at: 0,
            }
            .into()
        };
        let ids = store.writer.write(vec![conversation.into(), note("one"), order("900003"), note("two")]).await.unwrap();
        assert_eq!(ids.len(), 2);
        assert!(ids[0] < ids[1]);
        let events = store.conversation_events("c_1").await.unwrap();
        assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    }
}
