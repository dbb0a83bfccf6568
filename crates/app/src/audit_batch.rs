//! The batched appender for read entries. A page that shows client data must leave an audit
//! entry, but must not become a write transaction of its own: its entry goes into a bounded
//! channel, and one task writes what has gathered in one transaction and one step of the
//! chain, at most [`BATCH_WINDOW`] after the first entry came in, and everything left on
//! shutdown. Changes keep their entry in their own transaction instead (`audit::record`).
//!
//! A full channel does not make a page wait for room, nor lose the entry: that entry is written
//! through, in a transaction of its own. After shutdown every entry is written through.

use crate::error::AppResult;
use carespace_core::audit::AuditRecord;
use carespace_store::{Db, audit};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long an entry may wait for others to join its batch.
pub const BATCH_WINDOW: Duration = Duration::from_millis(50);
/// How many entries may wait; more are written through.
const CHANNEL: usize = 8192;
/// The most entries one transaction writes.
const BATCH_MAX: usize = 1024;

enum Message {
    Entry(Box<AuditRecord>),
    /// Answered once everything sent before it is written.
    Flush(oneshot::Sender<()>),
}

/// The handle: cheap to clone, one task per process.
#[derive(Clone)]
pub struct AuditLog {
    db: Db,
    sender: mpsc::Sender<Message>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl AuditLog {
    /// Starts the task that writes batches to `db` (which holds the chain's key).
    pub fn start(db: Db) -> AuditLog {
        let (sender, receiver) = mpsc::channel(CHANNEL);
        let task = tokio::spawn(run(db.clone(), receiver));
        AuditLog {
            db,
            sender,
            task: Arc::new(Mutex::new(Some(task))),
        }
    }

    /// Queues a read entry; written through when the queue is full or closed.
    pub async fn append(&self, record: AuditRecord) -> AppResult<()> {
        match self.sender.try_send(Message::Entry(Box::new(record))) {
            Ok(()) => Ok(()),
            Err(
                mpsc::error::TrySendError::Full(Message::Entry(record))
                | mpsc::error::TrySendError::Closed(Message::Entry(record)),
            ) => write(&self.db, &[*record]).await,
            Err(_) => Ok(()),
        }
    }

    /// Waits until every entry queued so far is written.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }

    /// Writes what is queued and stops the task; later entries are written through.
    pub async fn close(&self) {
        let task = self.task.lock().ok().and_then(|mut task| task.take());
        if let Some(task) = task {
            self.flush().await;
            task.abort();
            let _ = task.await;
        }
    }
}

async fn run(db: Db, mut receiver: mpsc::Receiver<Message>) {
    let mut batch: Vec<AuditRecord> = Vec::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    while let Some(message) = receiver.recv().await {
        let deadline = Instant::now() + BATCH_WINDOW;
        let mut next = Some(message);
        loop {
            match next.take() {
                Some(Message::Entry(record)) => batch.push(*record),
                Some(Message::Flush(done)) => {
                    waiting.push(done);
                    break;
                }
                None => {}
            }
            if batch.len() >= BATCH_MAX {
                break;
            }
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(message)) => next = Some(message),
                Ok(None) | Err(_) => break,
            }
        }
        if !batch.is_empty() {
            if let Err(error) = write(&db, &batch).await {
                tracing::error!(target: "audit", %error, lost = batch.len(), "cannot write read entries");
            }
            batch.clear();
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

async fn write(db: &Db, records: &[AuditRecord]) -> AppResult<()> {
    let mut tx = db.begin().await?;
    audit::append(&mut tx, records).await?;
    tx.commit().await?;
    Ok(())
}
