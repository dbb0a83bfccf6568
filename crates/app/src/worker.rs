//! The background worker: claims due jobs from the queue and hands each to the handler of its
//! kind. `serve` runs one; several instances may each run one against the same PostgreSQL.
//!
//! A worker holds a job by a short lease and renews it (a heartbeat) every third of the lease
//! while the handler runs, however long that takes. A worker that dies stops renewing, so
//! another instance takes its jobs over within one lease. A job can therefore run more than
//! once — after a crash between its effect and its completion — and every handler is idempotent
//! by its job id: it says at its `run` how.

use crate::context::AppContext;
use crate::error::AppResult;
use async_trait::async_trait;
use carespace_store::jobs::{self, ClaimedJob, FailureOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// Why a job did not succeed. The message is stored with the job for operators, so it must
/// never carry health content or credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(pub String);

/// Carries out the jobs of one kind. `run` may be called again for a job whose earlier run had
/// its effect but crashed before the job was recorded done: it must then not repeat the effect
/// (keyed by `job.id`, or by an id in the payload fixed when the job was queued).
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    async fn run(&self, ctx: &AppContext, job: &ClaimedJob) -> Result<(), JobError>;
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long to sleep when no job is due.
    pub poll_interval: Duration,
    /// How long a claimed job stays reserved for this worker without a heartbeat; renewed every
    /// third of it while the job runs. After a crash, the dead worker's jobs wait this long.
    pub lease: Duration,
}

impl WorkerSettings {
    fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }

    fn heartbeat(&self) -> Duration {
        (self.lease / 3).max(Duration::from_millis(1))
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(30),
        }
    }
}

/// What one turn of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    Idle,
    Done {
        job_id: String,
    },
    Failed {
        job_id: String,
        outcome: FailureOutcome,
    },
    /// The lease ran out while the job ran; another worker owns it now.
    LeaseLost {
        job_id: String,
    },
}

pub struct Worker {
    ctx: AppContext,
    id: String,
    settings: WorkerSettings,
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Worker {
    pub fn new(ctx: AppContext, settings: WorkerSettings) -> Self {
        Self {
            ctx,
            id: worker_id(),
            settings,
            handlers: HashMap::new(),
        }
    }

    pub fn with_handler(mut self, handler: Arc<dyn JobHandler>) -> Self {
        self.handlers.insert(handler.kind(), handler);
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs jobs until `stop` is cancelled. A job already started is finished first, so a
    /// shutdown never leaves one half-done.
    pub async fn run_until(self, stop: CancellationToken) {
        tracing::info!(worker = %self.id, "job worker started");
        while !stop.is_cancelled() {
            let idle = match self.run_once().await {
                Ok(turn) => turn == Turn::Idle,
                Err(error) => {
                    tracing::error!(worker = %self.id, %error, "job worker could not reach the queue");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(self.settings.poll_interval) => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "job worker stopped");
    }

    /// Claims and runs at most one due job.
    pub async fn run_once(&self) -> AppResult<Turn> {
        let lease_ms = self.settings.lease_ms();
        let Some(job) = jobs::claim(&self.ctx.db, &self.id, self.ctx.now(), lease_ms).await? else {
            return Ok(Turn::Idle);
        };
        if let Some(previous) = &job.taken_over_from {
            tracing::warn!(
                job = %job.id, kind = %job.kind, attempt = job.attempts, previous_worker = %previous,
                worker = %self.id,
                "job taken over from an expired lease: its worker stopped renewing it (crashed or cut off)"
            );
        }
        let result = match self.handlers.get(job.kind.as_str()) {
            Some(handler) => match self.run_holding_lease(handler.as_ref(), &job).await {
                Some(result) => result,
                None => return Ok(Turn::LeaseLost { job_id: job.id }),
            },
            // Perhaps a newer instance knows this kind: keep it and retry later.
            None => Err(JobError(format!("no handler for job kind {:?}", job.kind))),
        };
        self.record(job, result).await
    }

    /// Runs the handler while renewing the lease. `None` when the lease was lost meanwhile: the
    /// handler is stopped, since the job's new holder runs it.
    async fn run_holding_lease(
        &self,
        handler: &dyn JobHandler,
        job: &ClaimedJob,
    ) -> Option<Result<(), JobError>> {
        let work = handler.run(&self.ctx, job);
        tokio::pin!(work);
        let every = self.settings.heartbeat();
        let mut beat = tokio::time::interval_at(Instant::now() + every, every);
        beat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                result = &mut work => return Some(result),
                _ = beat.tick() => {
                    let now = self.ctx.now();
                    match jobs::renew(&self.ctx.db, &job.id, &self.id, now, self.settings.lease_ms()).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = %job.id, kind = %job.kind, worker = %self.id, "lease lost while the job ran; stopped, its new holder runs it");
                            return None;
                        }
                        // The lease still has two thirds to go: try again at the next beat.
                        Err(error) => tracing::warn!(job = %job.id, %error, "could not renew a job's lease"),
                    }
                }
            }
        }
    }

    async fn record(&self, job: ClaimedJob, result: Result<(), JobError>) -> AppResult<Turn> {
        let now = self.ctx.now();
        let job_id = job.id.clone();
        match result {
            Ok(()) => {
                if jobs::complete(&self.ctx.db, &job.id, &self.id, now).await? {
                    Ok(Turn::Done { job_id })
                } else {
                    Ok(Turn::LeaseLost { job_id })
                }
            }
            Err(JobError(message)) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %message, "job failed");
                match jobs::fail(&self.ctx.db, &job, &self.id, &message, now).await? {
                    Some(outcome) => Ok(Turn::Failed { job_id, outcome }),
                    None => Ok(Turn::LeaseLost { job_id }),
                }
            }
        }
    }
}

/// Names this worker for operators: the process id, and a random part that tells apart
/// instances on different machines that happen to share one.
fn worker_id() -> String {
    let id = carespace_core::ids::new_id();
    let random = &id[id.len() - 8..];
    format!("worker-{}-{random}", std::process::id())
}
