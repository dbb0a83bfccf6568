//! The raw argon2id rate of this machine, to compare the server's login throughput with:
//! `cargo run --release -p carespace-app --example hash_rate`.

use carespace_app::passwords::{self, HashGate, HashUse};
use carespace_core::secret::Secret;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cores = std::thread::available_parallelism()?.get();
    // Wide enough that the gate never holds these back.
    let gate = Arc::new(HashGate::new(2 * cores, cores));
    let hash = passwords::hash(&gate, Secret::new("violet tram under the dunes")).await?;
    let rounds = 40;
    let started = Instant::now();
    for _ in 0..rounds {
        passwords::verify(
            &gate,
            HashUse::Login,
            Secret::new("violet tram under the dunes"),
            Some(hash.clone()),
        )
        .await?;
    }
    let one_core = started.elapsed().as_secs_f64() / f64::from(rounds);
    println!(
        "one core: {:.1} ms per verification, {:.1} per second",
        one_core * 1e3,
        1.0 / one_core
    );

    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..cores {
        let hash = hash.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..rounds {
                passwords::verify(
                    &gate,
                    HashUse::Login,
                    Secret::new("violet tram under the dunes"),
                    Some(hash.clone()),
                )
                .await?;
            }
            Ok::<_, carespace_app::AppError>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let total = f64::from(rounds) * cores as f64;
    println!(
        "{cores} cores: {:.1} verifications per second",
        total / started.elapsed().as_secs_f64()
    );
    Ok(())
}
