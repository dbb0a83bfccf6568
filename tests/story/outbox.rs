//! The job queue / outbox: written in the transaction of the change, claimed under a lease,
//! retried with back-off, never run by two workers at once.

use async_trait::async_trait;
use carespace_app::AppContext;
use carespace_app::clock::ManualClock;
use carespace_app::worker::{JobError, JobHandler, Turn, Worker, WorkerSettings};
use carespace_core::jobs::JobState;
use carespace_core::time::{Clock, Timestamp};
use carespace_store::Db;
use carespace_store::files::LocalDirFileStore;
use carespace_store::jobs::{self, ClaimedJob, FailureOutcome, NewJob};
use carespace_tests::{TestDatabase, backend};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

fn job<'a>(kind: &'a str, payload: &'a str) -> NewJob<'a> {
    NewJob {
        kind,
        payload,
        idempotency_key: None,
        run_at: T0,
        max_attempts: 3,
    }
}

async fn add(db: &Db, new: &NewJob<'_>) -> Option<String> {
    let mut tx = db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, new, T0).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_job_exists_only_if_its_transaction_commits() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let mut tx = db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &job("email", "{}"), T0)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(jobs::claim(&db, "w1", T0, 60_000).await.unwrap(), None);

    let id = add(&db, &job("email", r#"{"to":"a"}"#)).await.unwrap();
    let claimed = jobs::claim(&db, "w1", T0, 60_000).await.unwrap().unwrap();
    assert_eq!((claimed.id.as_str(), claimed.attempts), (id.as_str(), 1));
    assert_eq!(claimed.payload, r#"{"to":"a"}"#);
    assert_eq!(
        jobs::claim(&db, "w2", T0, 60_000).await.unwrap(),
        None,
        "leased to w1"
    );
    assert!(jobs::complete(&db, &id, "w1", T0).await.unwrap());
    assert_eq!(
        jobs::find(&db, &id).await.unwrap().unwrap().state,
        JobState::Done
    );
}

#[tokio::test]
async fn a_job_waits_for_its_time() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    add(
        &db,
        &NewJob {
            run_at: T0.plus_millis(5_000),
            ..job("reminder", "{}")
        },
    )
    .await
    .unwrap();
    assert!(
        jobs::claim(&db, "w", T0.plus_millis(4_999), 1_000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        jobs::claim(&db, "w", T0.plus_millis(5_000), 1_000)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_idempotency_key_keeps_a_job_from_being_added_twice() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let keyed = NewJob {
        idempotency_key: Some("welcome:42"),
        ..job("email", "{}")
    };
    assert!(add(&db, &keyed).await.is_some());
    assert!(add(&db, &keyed).await.is_none());
    let depth = jobs::depth_by_state(&db).await.unwrap();
    assert_eq!(depth, vec![(JobState::Pending, 1)]);
}

#[tokio::test]
async fn failures_are_retried_with_growing_back_off_until_the_last_attempt() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let id = add(
        &db,
        &NewJob {
            max_attempts: 3,
            ..job("email", "{}")
        },
    )
    .await
    .unwrap();

    let first = jobs::claim(&db, "w", T0, 60_000).await.unwrap().unwrap();
    let outcome = jobs::fail(&db, &first, "w", "smtp refused", T0)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Some(FailureOutcome::RetryAt(T0.plus_millis(10_000)))
    );
    assert!(
        jobs::claim(&db, "w", T0.plus_millis(9_999), 60_000)
            .await
            .unwrap()
            .is_none()
    );

    let t1 = T0.plus_millis(10_000);
    let second = jobs::claim(&db, "w", t1, 60_000).await.unwrap().unwrap();
    assert_eq!(second.attempts, 2);
    let outcome = jobs::fail(&db, &second, "w", "smtp refused", t1)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Some(FailureOutcome::RetryAt(t1.plus_millis(20_000))),
        "the wait doubles"
    );

    let t2 = t1.plus_millis(20_000);
    let third = jobs::claim(&db, "w", t2, 60_000).await.unwrap().unwrap();
    let outcome = jobs::fail(&db, &third, "w", "mailbox unavailable", t2)
        .await
        .unwrap();
    assert_eq!(outcome, Some(FailureOutcome::GaveUp));
    let record = jobs::find(&db, &id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(record.attempts, 3);
    assert_eq!(record.last_error.as_deref(), Some("mailbox unavailable"));
    assert!(
        jobs::claim(&db, "w", t2.plus_millis(10_000_000), 60_000)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_job_given_up_on_keeps_no_payload_and_one_to_be_retried_keeps_it() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let secret = r#"{"token":"a link that must not outlive its email"}"#;
    let id = add(
        &db,
        &NewJob {
            max_attempts: 2,
            ..job("email", secret)
        },
    )
    .await
    .unwrap();
    let pool = sqlx::AnyPool::connect(&database.url).await.unwrap();
    let payload = || {
        sqlx::query_scalar::<_, String>("SELECT payload FROM jobs WHERE id = $1")
            .bind(&id)
            .fetch_one(&pool)
    };

    let first = jobs::claim(&db, "w", T0, 60_000).await.unwrap().unwrap();
    jobs::fail(&db, &first, "w", "smtp refused", T0)
        .await
        .unwrap();
    assert_eq!(payload().await.unwrap(), secret, "kept for the next try");

    let t1 = T0.plus_millis(10_000);
    let last = jobs::claim(&db, "w", t1, 60_000).await.unwrap().unwrap();
    assert_eq!(last.payload, secret);
    let outcome = jobs::fail(&db, &last, "w", "smtp refused", t1)
        .await
        .unwrap();
    assert_eq!(outcome, Some(FailureOutcome::GaveUp));
    assert_eq!(payload().await.unwrap(), "{}");
    let record = jobs::find(&db, &id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(record.last_error.as_deref(), Some("smtp refused"));
}

#[tokio::test]
async fn a_job_whose_worker_died_is_claimed_again_after_its_lease() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let id = add(&db, &job("email", "{}")).await.unwrap();
    jobs::claim(&db, "dead-worker", T0, 1_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        jobs::claim(&db, "w2", T0.plus_millis(999), 1_000)
            .await
            .unwrap()
            .is_none()
    );
    let again = jobs::claim(&db, "w2", T0.plus_millis(1_001), 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id.as_str(), again.attempts), (id.as_str(), 2));
    assert!(
        !jobs::complete(&db, &id, "dead-worker", T0.plus_millis(1_002))
            .await
            .unwrap(),
        "lease lost"
    );
    assert!(
        jobs::complete(&db, &id, "w2", T0.plus_millis(1_002))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_claim_the_same_job() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let mut tx = db.begin().await.unwrap();
    for _ in 0..60 {
        jobs::enqueue(&mut tx, &job("email", "{}"), T0)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let drain = |worker: &'static str| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            while let Some(job) = jobs::claim(&db, worker, T0, 60_000).await.unwrap() {
                claimed.push(job.id);
                tokio::task::yield_now().await;
            }
            claimed
        })
    };
    let (a, b) = (drain("worker-a"), drain("worker-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let all: HashSet<_> = a.iter().chain(&b).collect();
    assert_eq!(a.len() + b.len(), 60, "every job claimed once");
    assert_eq!(all.len(), 60, "no job claimed twice");
}

/// A handler that fails a payload's first try when it says "flaky".
#[derive(Default)]
struct Recorder {
    tries: Mutex<Vec<String>>,
}

#[async_trait]
impl JobHandler for Recorder {
    fn kind(&self) -> &'static str {
        "record"
    }

    async fn run(&self, _: &AppContext, job: &ClaimedJob) -> Result<(), JobError> {
        let payload = job.payload.as_str();
        let mut tries = self.tries.lock().unwrap();
        let first_try = !tries.iter().any(|p| p == payload);
        tries.push(payload.to_owned());
        if payload == "flaky" && first_try {
            return Err(JobError("temporarily unavailable".into()));
        }
        Ok(())
    }
}

async fn worker_context(db: Db, clock: Arc<ManualClock>) -> (tempfile::TempDir, AppContext) {
    let dir = tempfile::tempdir().unwrap();
    let files = LocalDirFileStore::open_dir(dir.path()).await.unwrap();
    let keys = carespace_tests::keys_in(dir.path()).await;
    (
        dir,
        AppContext {
            clock,
            files: Arc::new(files),
            scanner: None,
            document_max_bytes: 25_000_000,
            accounts: Arc::default(),
            messages: Arc::default(),
            retention: Arc::default(),
            privacy: Arc::default(),
            images: Arc::new(carespace_app::images::decode_gate()),
            hashing: Arc::new(carespace_app::passwords::HashGate::new(4, 16)),
            refusals: Arc::default(),
            sms: None,
            passkeys: None,
            live: Arc::new(carespace_app::live::Live::new(
                db.clone(),
                Default::default(),
            )),
            audit: carespace_app::audit::AuditLog::start(db.clone()),
            keys,
            db,
        },
    )
}

#[tokio::test]
async fn the_worker_runs_jobs_with_their_handler_and_retries_failures() {
    let database = TestDatabase::create(backend()).await;
    let clock = Arc::new(ManualClock::starting_at(T0));
    let (_dir, ctx) = worker_context(database.connect().await, clock.clone()).await;
    let recorder = Arc::new(Recorder::default());
    let worker = Worker::new(ctx.clone(), WorkerSettings::default()).with_handler(recorder.clone());

    let ok = add(&ctx.db, &job("record", "steady")).await.unwrap();
    assert_eq!(worker.run_once().await.unwrap(), Turn::Done { job_id: ok });

    let flaky = add(&ctx.db, &job("record", "flaky")).await.unwrap();
    let turn = worker.run_once().await.unwrap();
    assert_eq!(
        turn,
        Turn::Failed {
            job_id: flaky.clone(),
            outcome: FailureOutcome::RetryAt(clock.now().plus_millis(10_000))
        }
    );
    assert_eq!(
        worker.run_once().await.unwrap(),
        Turn::Idle,
        "not before its back-off"
    );
    clock.advance_millis(10_000);
    assert_eq!(
        worker.run_once().await.unwrap(),
        Turn::Done { job_id: flaky }
    );
    assert_eq!(
        *recorder.tries.lock().unwrap(),
        ["steady", "flaky", "flaky"]
    );
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_is_kept_for_a_later_try() {
    let database = TestDatabase::create(backend()).await;
    let clock = Arc::new(ManualClock::starting_at(T0));
    let (_dir, ctx) = worker_context(database.connect().await, clock).await;
    let worker = Worker::new(ctx.clone(), WorkerSettings::default());
    let id = add(&ctx.db, &job("from-the-future", "{}")).await.unwrap();
    assert!(matches!(
        worker.run_once().await.unwrap(),
        Turn::Failed {
            outcome: FailureOutcome::RetryAt(_),
            ..
        }
    ));
    let record = jobs::find(&ctx.db, &id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Pending);
    assert!(record.last_error.unwrap().contains("from-the-future"));
}

#[tokio::test]
async fn the_worker_stops_when_asked() {
    let database = TestDatabase::create(backend()).await;
    let clock = Arc::new(ManualClock::starting_at(T0));
    let (_dir, ctx) = worker_context(database.connect().await, clock).await;
    let worker = Worker::new(
        ctx,
        WorkerSettings {
            poll_interval: Duration::from_secs(3600),
            ..Default::default()
        },
    );
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(worker.run_until(stop.clone()));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap();
}
