//! Short leases with a heartbeat: a running job keeps its lease however long it takes, and a job
//! whose worker died is taken over within one lease, naming the worker it was taken from.

use async_trait::async_trait;
use carespace_app::AppContext;
use carespace_app::clock::SystemClock;
use carespace_app::worker::{JobError, JobHandler, Turn, Worker, WorkerSettings};
use carespace_core::jobs::JobState;
use carespace_core::time::Timestamp;
use carespace_store::Db;
use carespace_store::files::LocalDirFileStore;
use carespace_store::jobs::{self, ClaimedJob, NewJob};
use carespace_tests::{TestDatabase, backend};
use std::sync::Arc;
use std::time::{Duration, Instant};

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
// Long enough that a loaded machine (a CI run beside builds) still polls well within one lease.
const LEASE: Duration = Duration::from_millis(1000);

async fn add(db: &Db, kind: &str, now: Timestamp) -> String {
    let mut tx = db.begin().await.unwrap();
    let new = NewJob {
        kind,
        payload: "{}",
        idempotency_key: None,
        run_at: now,
        max_attempts: 3,
    };
    let id = jobs::enqueue(&mut tx, &new, now).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    id
}

/// A context on the real clock: leases run out in real time here.
async fn real_time_context(db: Db) -> (tempfile::TempDir, AppContext) {
    let dir = tempfile::tempdir().unwrap();
    let files = LocalDirFileStore::open_dir(dir.path()).await.unwrap();
    let ctx = AppContext {
        clock: Arc::new(SystemClock),
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
        keys: carespace_tests::keys_in(dir.path()).await,
        db,
    };
    (dir, ctx)
}

fn short_leases() -> WorkerSettings {
    WorkerSettings {
        poll_interval: Duration::from_millis(20),
        lease: LEASE,
    }
}

/// Takes `duration` of real time, as an export or a deletion would.
struct Slow(Duration);

#[async_trait]
impl JobHandler for Slow {
    fn kind(&self) -> &'static str {
        "slow"
    }

    async fn run(&self, _: &AppContext, _: &ClaimedJob) -> Result<(), JobError> {
        tokio::time::sleep(self.0).await;
        Ok(())
    }
}

#[tokio::test]
async fn a_claim_after_an_expired_lease_names_the_worker_it_took_over_from() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let id = add(&db, "email", T0).await;
    let first = jobs::claim(&db, "worker-dead", T0, 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.taken_over_from, None, "it was waiting, not held");
    let held = jobs::held(&db).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].worker.as_str(), held[0].since, held[0].lease_until),
        ("worker-dead", T0, T0.plus_millis(30_000))
    );

    assert!(
        jobs::claim(&db, "worker-new", T0.plus_millis(30_000), 30_000)
            .await
            .unwrap()
            .is_none(),
        "not before the lease is over"
    );
    let later = T0.plus_millis(30_001);
    let taken = jobs::claim(&db, "worker-new", later, 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.id, id);
    assert_eq!(taken.taken_over_from.as_deref(), Some("worker-dead"));
    let held = jobs::held(&db).await.unwrap();
    assert_eq!(
        (held[0].worker.as_str(), held[0].since),
        ("worker-new", later)
    );
    assert!(jobs::complete(&db, &id, "worker-new", later).await.unwrap());
    assert!(jobs::held(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_renewed_lease_is_kept_and_a_lost_one_is_not_renewed() {
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let id = add(&db, "email", T0).await;
    jobs::claim(&db, "w1", T0, 1_000).await.unwrap().unwrap();
    assert!(
        jobs::renew(&db, &id, "w1", T0.plus_millis(900), 1_000)
            .await
            .unwrap()
    );
    assert!(
        jobs::claim(&db, "w2", T0.plus_millis(1_500), 1_000)
            .await
            .unwrap()
            .is_none(),
        "the renewed lease runs until 1.9 s"
    );
    jobs::claim(&db, "w2", T0.plus_millis(1_901), 1_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !jobs::renew(&db, &id, "w1", T0.plus_millis(1_950), 1_000)
            .await
            .unwrap(),
        "w1 lost it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_runs_longer_than_its_lease_keeps_it_by_the_heartbeat() {
    let database = TestDatabase::create(backend()).await;
    let (_dir, ctx) = real_time_context(database.connect().await).await;
    let id = add(&ctx.db, "slow", ctx.now()).await;
    let slow = Arc::new(Slow(LEASE * 3));
    let holder = Worker::new(ctx.clone(), short_leases()).with_handler(slow.clone());
    let other = Worker::new(ctx.clone(), short_leases()).with_handler(slow);
    let running = tokio::spawn(async move { holder.run_once().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    // All the while, the other worker finds nothing to take over.
    let until = Instant::now() + LEASE * 2;
    while Instant::now() < until {
        assert_eq!(other.run_once().await.unwrap(), Turn::Idle);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(running.await.unwrap(), Turn::Done { job_id: id.clone() });
    let record = jobs::find(&ctx.db, &id).await.unwrap().unwrap();
    assert_eq!((record.state, record.attempts), (JobState::Done, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_job_is_taken_over_within_one_lease() {
    let database = TestDatabase::create(backend()).await;
    let (_dir, ctx) = real_time_context(database.connect().await).await;
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap();
    let id = add(&ctx.db, "slow", ctx.now()).await;
    // A worker claims the job and dies: it never renews nor completes.
    jobs::claim(&ctx.db, "worker-killed", ctx.now(), lease_ms)
        .await
        .unwrap()
        .unwrap();
    let died = Instant::now();
    let restarted = Worker::new(ctx.clone(), short_leases())
        .with_handler(Arc::new(Slow(Duration::from_millis(1))));
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(restarted.run_until(stop.clone()));
    let taken_over = loop {
        let record = jobs::find(&ctx.db, &id).await.unwrap().unwrap();
        if record.state == JobState::Done {
            break died.elapsed();
        }
        assert!(
            died.elapsed() < LEASE * 3,
            "still {:?} after {:?}",
            record.state,
            died.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    stop.cancel();
    running.await.unwrap();
    assert!(
        taken_over >= LEASE,
        "not before the lease ran out: {taken_over:?}"
    );
    // Right after the lease: a poll and the run itself, well before a second lease.
    assert!(taken_over < LEASE * 2, "taken over after {taken_over:?}");
    let record = jobs::find(&ctx.db, &id).await.unwrap().unwrap();
    assert_eq!(record.attempts, 2);
}
