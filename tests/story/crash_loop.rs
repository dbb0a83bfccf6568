//! The kill -9 loop, five rounds: the real binary killed at random moments under parallel
//! registrations, invitations and profile changes loses nothing acknowledged, sends no email
//! twice, leaves no job running, and drains its queue within one lease of the last restart.
//! `load/crash_loop.sh` runs the same loop with many rounds.

use carespace_tests::crash_loop::{self, LoopSettings, carespace_binary};
use carespace_tests::{TestDatabase, backend};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_kill_9_rounds_lose_nothing_and_send_nothing_twice() {
    let database = TestDatabase::create(backend()).await;
    let settings = LoopSettings {
        rounds: 5,
        writers: 4,
        lease_seconds: 2,
        max_uptime: Duration::from_millis(3_000),
        binary: carespace_binary(),
    };
    let figures = crash_loop::run(&settings, &database).await;
    println!("{figures}");
    assert!(figures.kept_every_promise(), "{figures}");
    assert!(
        figures.registrations + figures.invitations > 0 && figures.emails_queued > 0,
        "the writers got work done: {figures}"
    );
    assert_eq!(figures.emails_once, figures.emails_queued, "{figures}");
}
