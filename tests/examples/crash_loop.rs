//! The kill -9 loop with many rounds; `load/crash_loop.sh` runs it. Prints the figures and
//! exits with 1 when a promise was broken.
//!
//!   crash_loop [--database sqlite|postgres] [--rounds N] [--writers N] [--lease-seconds N]
//!              [--max-uptime-ms N]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use carespace_tests::crash_loop::{self, LoopSettings, carespace_binary};
use carespace_tests::{TestBackend, TestDatabase};
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let mut backend = TestBackend::Sqlite;
    let mut settings = LoopSettings {
        rounds: 100,
        writers: 6,
        lease_seconds: 30,
        max_uptime: Duration::from_millis(3_000),
        binary: carespace_binary(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).map(String::as_str).unwrap_or_default();
        let number = || value.parse::<u64>().expect("a number");
        match pair[0].as_str() {
            "--database" if value == "postgres" => backend = TestBackend::Postgres,
            "--database" if value == "sqlite" => backend = TestBackend::Sqlite,
            "--rounds" => settings.rounds = usize::try_from(number()).unwrap(),
            "--writers" => settings.writers = usize::try_from(number()).unwrap(),
            "--lease-seconds" => settings.lease_seconds = number(),
            "--max-uptime-ms" => settings.max_uptime = Duration::from_millis(number()),
            other => {
                eprintln!("unknown argument {other} {value}");
                return ExitCode::from(2);
            }
        }
    }
    let database = TestDatabase::create(backend).await;
    println!(
        "kill -9 loop on {backend:?}: {} rounds, {} writers, lease {} s, killed within {} ms",
        settings.rounds,
        settings.writers,
        settings.lease_seconds,
        settings.max_uptime.as_millis()
    );
    let figures = crash_loop::run(&settings, &database).await;
    println!("{figures}");
    if figures.kept_every_promise() {
        println!("every promise kept");
        ExitCode::SUCCESS
    } else {
        println!("A PROMISE WAS BROKEN");
        ExitCode::FAILURE
    }
}
