//! The job queue and transactional outbox.
//!
//! A job is written with [`enqueue`] inside the transaction of the change that causes it, so a
//! crash can never lose it. Workers [`claim`] due jobs under a short lease and [`renew`] it while
//! the job runs; a worker that dies stops renewing, its lease runs out, and the job is claimed
//! again — so every handler must be idempotent by its job id. Claiming is the one place where the
//! dialects differ: PostgreSQL skips rows other workers have locked, SQLite runs one writer at a
//! time so a single `UPDATE … RETURNING` is already atomic.

use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use crate::exec::{Exec, conn};
use carespace_core::ids::new_id;
use carespace_core::jobs::{JobState, may_retry, retry_delay_ms};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A job to be written to the queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    /// JSON understood by the handler of `kind`.
    pub payload: &'a str,
    /// When set, a second job with the same key is not added: the first one stands.
    pub idempotency_key: Option<&'a str>,
    pub run_at: Timestamp,
    pub max_attempts: i64,
}

/// A job a worker has claimed and now holds the lease for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub payload: String,
    /// Including the current one.
    pub attempts: i64,
    pub max_attempts: i64,
    /// The worker whose lease ran out while it held this job, when this claim takes it over.
    pub taken_over_from: Option<String>,
}

/// A running job and who holds it, for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldJob {
    pub id: String,
    pub kind: String,
    pub worker: String,
    pub since: Timestamp,
    pub lease_until: Timestamp,
    pub attempts: i64,
    pub taken_over_from: Option<String>,
}

/// Everything stored about a job, for operators and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub state: JobState,
    pub attempts: i64,
    pub run_at: Timestamp,
    pub last_error: Option<String>,
}

/// What became of a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    RetryAt(Timestamp),
    GaveUp,
}

/// Adds a job; returns its id, or `None` when a job with the same idempotency key exists.
pub async fn enqueue(
    ex: impl Into<Exec<'_>>,
    job: &NewJob<'_>,
    now: Timestamp,
) -> StoreResult<Option<String>> {
    let mut c = conn(ex).await?;
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, idempotency_key, state, attempts, max_attempts,
                           run_at, created_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(job.kind)
    .bind(job.payload)
    .bind(job.idempotency_key)
    .bind(job.max_attempts)
    .bind(job.run_at.millis())
    .bind(now.millis())
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok((inserted == 1).then_some(id))
}

/// The claim statement; the backends differ only in how the candidate row is locked.
/// Every `SET` expression sees the row as it was, so `taken_over_from` names the worker whose
/// expired lease this claim replaces (and is empty for a job that was waiting).
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs
                SET taken_over_from = CASE WHEN state = 'running' THEN locked_by END,
                    state = 'running', attempts = attempts + 1, locked_by = $1,
                    locked_until = $2, locked_since = $3
              WHERE id = (SELECT id FROM jobs
                           WHERE (state = 'pending' AND run_at <= $3)
                              OR (state = 'running' AND locked_until < $3)
                           ORDER BY run_at, id
                           LIMIT 1 ",
            $lock,
            ")
             RETURNING id, kind, payload, attempts, max_attempts, taken_over_from"
        )
    };
}

/// Other workers' claimed rows are skipped, not waited for.
const CLAIM_POSTGRES: &str = claim_sql!("FOR UPDATE SKIP LOCKED");
/// One writer at a time: the statement is atomic as it stands.
const CLAIM_SQLITE: &str = claim_sql!("");

/// Claims the job that has been due longest, for `worker` until `now + lease_ms`. A job whose
/// previous worker's lease ran out counts as due.
pub async fn claim(
    ex: impl Into<Exec<'_>>,
    worker: &str,
    now: Timestamp,
    lease_ms: i64,
) -> StoreResult<Option<ClaimedJob>> {
    let ex = ex.into();
    let sql = match ex.backend() {
        Backend::Postgres => CLAIM_POSTGRES,
        Backend::Sqlite => CLAIM_SQLITE,
    };
    let mut c = conn(ex).await?;
    let row = sqlx::query(sql)
        .bind(worker)
        .bind(now.plus_millis(lease_ms).millis())
        .bind(now.millis())
        .fetch_optional(&mut *c)
        .await?;
    row.map(|row| claimed_job(&row)).transpose()
}

fn claimed_job(row: &AnyRow) -> StoreResult<ClaimedJob> {
    Ok(ClaimedJob {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        taken_over_from: row.try_get("taken_over_from")?,
    })
}

/// Extends `worker`'s lease on a running job to `now + lease_ms`: the heartbeat of a job that
/// is still being worked on. Returns false when the lease was lost (it ran out and another
/// worker claimed the job), so the caller stops.
pub async fn renew(
    ex: impl Into<Exec<'_>>,
    job_id: &str,
    worker: &str,
    now: Timestamp,
    lease_ms: i64,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let updated = sqlx::query(
        "UPDATE jobs SET locked_until = $1
          WHERE id = $2 AND locked_by = $3 AND state = 'running'",
    )
    .bind(now.plus_millis(lease_ms).millis())
    .bind(job_id)
    .bind(worker)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The running jobs with who holds them and since when, longest held first.
pub async fn held(ex: impl Into<Exec<'_>>) -> StoreResult<Vec<HeldJob>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        // Jobs claimed before `locked_since` existed count from their creation.
        "SELECT id, kind, locked_by, COALESCE(locked_since, created_at) AS locked_since,
                locked_until, attempts, taken_over_from
           FROM jobs WHERE state = 'running' ORDER BY locked_since, id",
    )
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HeldJob {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                worker: row.try_get("locked_by")?,
                since: Timestamp::from_millis(row.try_get("locked_since")?),
                lease_until: Timestamp::from_millis(row.try_get("locked_until")?),
                attempts: row.try_get("attempts")?,
                taken_over_from: row.try_get("taken_over_from")?,
            })
        })
        .collect()
}

/// Marks a claimed job done. Returns false when `worker` no longer held the lease (it ran out
/// and someone else claimed the job), so the caller knows its result did not count.
/// The payload is emptied: it may hold a secret (an email's link) that must not outlive the job.
pub async fn complete(
    ex: impl Into<Exec<'_>>,
    job_id: &str,
    worker: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let updated = sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, locked_until = NULL,
                         locked_since = NULL, payload = '{}'
          WHERE id = $2 AND locked_by = $3 AND state = 'running'",
    )
    .bind(now.millis())
    .bind(job_id)
    .bind(worker)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Records a failed try: the job waits with back-off for another, or is marked failed after its
/// last allowed attempt. Returns `None` when `worker` no longer held the lease.
/// A job given up on has its payload emptied, as a finished one has: a failed job stays for
/// operators to see, and a secret in it (an email's link) would stay with it.
pub async fn fail(
    ex: impl Into<Exec<'_>>,
    job: &ClaimedJob,
    worker: &str,
    error: &str,
    now: Timestamp,
) -> StoreResult<Option<FailureOutcome>> {
    let mut c = conn(ex).await?;
    let outcome = if may_retry(job.attempts, job.max_attempts) {
        FailureOutcome::RetryAt(now.plus_millis(retry_delay_ms(job.attempts)))
    } else {
        FailureOutcome::GaveUp
    };
    let (state, run_at, finished_at, emptied) = match outcome {
        FailureOutcome::RetryAt(at) => (JobState::Pending, at.millis(), None, None),
        FailureOutcome::GaveUp => (
            JobState::Failed,
            now.millis(),
            Some(now.millis()),
            Some("{}"),
        ),
    };
    let updated = sqlx::query(
        "UPDATE jobs SET state = $1, run_at = $2, finished_at = $3, last_error = $4,
                         locked_by = NULL, locked_until = NULL, locked_since = NULL,
                         payload = COALESCE($7, payload)
          WHERE id = $5 AND locked_by = $6 AND state = 'running'",
    )
    .bind(state.as_str())
    .bind(run_at)
    .bind(finished_at)
    .bind(error)
    .bind(&job.id)
    .bind(worker)
    .bind(emptied)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok((updated == 1).then_some(outcome))
}

/// The number of jobs per state that still matter: waiting, running, or given up.
pub async fn depth_by_state(ex: impl Into<Exec<'_>>) -> StoreResult<Vec<(JobState, i64)>> {
    let mut c = conn(ex).await?;
    let rows = sqlx::query(
        "SELECT state, COUNT(*) AS n FROM jobs
          WHERE state IN ('pending', 'running', 'failed') GROUP BY state",
    )
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                parse_state(&row.try_get::<String, _>("state")?)?,
                row.try_get("n")?,
            ))
        })
        .collect()
}

pub async fn find(ex: impl Into<Exec<'_>>, job_id: &str) -> StoreResult<Option<JobRecord>> {
    let mut c = conn(ex).await?;
    let row =
        sqlx::query("SELECT id, kind, state, attempts, run_at, last_error FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_optional(&mut *c)
            .await?;
    row.map(|row| {
        Ok(JobRecord {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            state: parse_state(&row.try_get::<String, _>("state")?)?,
            attempts: row.try_get("attempts")?,
            run_at: Timestamp::from_millis(row.try_get("run_at")?),
            last_error: row.try_get("last_error")?,
        })
    })
    .transpose()
}

fn parse_state(text: &str) -> StoreResult<JobState> {
    JobState::parse(text).ok_or_else(|| StoreError::Corrupt(format!("job state {text:?}")))
}

/// Jobs that are due now or running: the work a worker has in hand (jobs waiting for a later
/// time do not count).
pub async fn due_or_running(ex: impl Into<Exec<'_>>, now: Timestamp) -> StoreResult<i64> {
    let mut c = conn(ex).await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM jobs
         WHERE state = 'running' OR (state = 'pending' AND run_at <= $1)",
    )
    .bind(now.millis())
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}
