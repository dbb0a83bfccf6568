//! What `carespace admin jobs` prints: the queue depth, and who holds each running job since
//! when and until when its lease runs.

use carespace_core::jobs::JobState;
use carespace_core::time::Timestamp;
use carespace_store::jobs::HeldJob;

pub fn print(depth: &[(JobState, i64)], held: &[HeldJob], now: Timestamp) {
    if depth.is_empty() {
        println!("No jobs waiting, running or failed.");
    }
    for (state, n) in depth {
        println!("{:<8} {n}", state.as_str());
    }
    if held.is_empty() {
        return;
    }
    println!();
    println!(
        "{:<36}  {:<20}  {:<24}  {:<20}  {:>7}  {:>5}  taken over from",
        "running job", "kind", "held by", "since (UTC)", "lease", "tries"
    );
    for job in held {
        println!(
            "{:<36}  {:<20}  {:<24}  {:<20}  {:>7}  {:>5}  {}",
            job.id,
            job.kind,
            job.worker,
            utc(job.since),
            lease_left(job.lease_until, now),
            job.attempts,
            job.taken_over_from.as_deref().unwrap_or("-"),
        );
    }
}

/// `2026-03-01 14:05:09`.
fn utc(at: Timestamp) -> String {
    let seconds = at.millis().rem_euclid(86_400_000) / 1000;
    format!(
        "{} {:02}:{:02}:{:02}",
        at.utc_date(),
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The time the lease still runs, or `expired` for a worker that stopped renewing it (its job
/// is taken over at the next poll of any worker).
fn lease_left(until: Timestamp, now: Timestamp) -> String {
    let left = until.millis() - now.millis();
    if left < 0 {
        "expired".into()
    } else {
        format!("{}s", left / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_and_leases_as_seconds_left() {
        assert_eq!(
            utc(Timestamp::from_millis(1_709_251_200_000 + 50_709_000)),
            "2024-03-01 14:05:09"
        );
        let now = Timestamp::from_millis(10_000);
        assert_eq!(lease_left(Timestamp::from_millis(39_999), now), "29s");
        assert_eq!(lease_left(Timestamp::from_millis(9_999), now), "expired");
    }
}
