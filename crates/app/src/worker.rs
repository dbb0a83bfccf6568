//! The background worker: claims due jobs from the queue and hands each to the handler of its
//! kind. `serve` runs one; several instances may each run one against the same PostgreSQL.

use crate::context::AppContext;
use crate::error::AppResult;
use async_trait::async_trait;
use carespace_store::jobs::{self, ClaimedJob, FailureOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Why a job did not succeed. The message is stored with the job for operators, so it must
/// never carry health content or credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError(pub String);

/// Carries out the jobs of one kind.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    async fn run(&self, ctx: &AppContext, payload: &str) -> Result<(), JobError>;
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long to sleep when no job is due.
    pub poll_interval: Duration,
    /// How long a claimed job is reserved for this worker. A job that runs longer may be
    /// claimed again by another worker, so handlers must be idempotent.
    pub lease: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(300),
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
            id: format!("worker-{}", carespace_core::ids::new_id()),
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
        let lease_ms = i64::try_from(self.settings.lease.as_millis()).unwrap_or(i64::MAX);
        let Some(job) = jobs::claim(&self.ctx.db, &self.id, self.ctx.now(), lease_ms).await? else {
            return Ok(Turn::Idle);
        };
        let result = match self.handlers.get(job.kind.as_str()) {
            Some(handler) => handler.run(&self.ctx, &job.payload).await,
            // Perhaps a newer instance knows this kind: keep it and retry later.
            None => Err(JobError(format!("no handler for job kind {:?}", job.kind))),
        };
        self.record(job, result).await
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
