//! Slowing down password guessing without locking real users out (ASVS 6.3.1).
//!
//! Failed logins are counted per account, per IP address and per trusted device. After a number
//! of free failures each further try must wait, the wait doubling with every failure up to a
//! cap; a try made while waiting is refused without looking at the password and without counting.
//! A browser that logged in to the account before holds a trusted-device cookie, and its tries are
//! counted on its own: an attacker guessing from elsewhere cannot keep the real user out.
//! `docs/login-throttling.md` describes the scheme.

use crate::time::Timestamp;

/// How failures turn into waiting time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Curve {
    /// Failures allowed before any waiting.
    pub free: i64,
    /// The wait after the first failure beyond the free ones.
    pub base_ms: i64,
    /// The longest wait.
    pub cap_ms: i64,
}

/// Per account (tries from browsers that are not trusted for it), and per trusted device.
pub const PER_ACCOUNT: Curve = Curve {
    free: 5,
    base_ms: 30_000,
    cap_ms: 15 * 60_000,
};

/// Per IP address, across accounts: catches one address trying many accounts.
pub const PER_IP: Curve = Curve {
    free: 20,
    base_ms: 30_000,
    cap_ms: 60 * 60_000,
};

/// A counter with no failure for this long starts again from zero.
pub const FORGET_AFTER_MS: i64 = 24 * 60 * 60_000;

/// How long a trusted-device cookie lasts.
pub const TRUSTED_DEVICE_MS: i64 = 90 * 24 * 60 * 60_000;

/// The block an address is counted under: an IPv4 address itself, an IPv6 address its /64,
/// since one subscriber usually holds a whole /64 and could otherwise take a fresh address
/// for every try. Anything that is no address is its own block.
pub fn address_block(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        _ => ip.to_owned(),
    }
}

impl Curve {
    /// The wait required after `failures` failures.
    pub fn delay_ms(self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = u32::try_from((failures - self.free).min(30)).unwrap_or(30);
        self.base_ms
            .saturating_mul(1_i64 << doublings)
            .min(self.cap_ms)
    }

    /// How long a new try must still wait, or `None` when it may go ahead.
    pub fn remaining_ms(
        self,
        failures: i64,
        last_failure: Timestamp,
        now: Timestamp,
    ) -> Option<i64> {
        if now.millis() - last_failure.millis() >= FORGET_AFTER_MS {
            return None;
        }
        let ready_at = last_failure.millis() + self.delay_ms(failures);
        (ready_at > now.millis()).then(|| ready_at - now.millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_cap() {
        assert_eq!(PER_ACCOUNT.delay_ms(4), 0);
        assert_eq!(PER_ACCOUNT.delay_ms(5), 30_000);
        assert_eq!(PER_ACCOUNT.delay_ms(6), 60_000);
        assert_eq!(PER_ACCOUNT.delay_ms(100), 15 * 60_000);
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_ipv4_per_address() {
        assert_eq!(
            address_block("2001:db8:1:2:aaaa::1"),
            address_block("2001:db8:1:2::ffff")
        );
        assert_eq!(address_block("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(
            address_block("2001:db8:1:3::1"),
            address_block("2001:db8:1:2::1")
        );
        assert_eq!(address_block("192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn a_try_after_the_wait_may_go_ahead() {
        let last = Timestamp::from_millis(1_000_000);
        assert_eq!(
            PER_ACCOUNT.remaining_ms(5, last, last.plus_millis(10_000)),
            Some(20_000)
        );
        assert_eq!(
            PER_ACCOUNT.remaining_ms(5, last, last.plus_millis(30_000)),
            None
        );
        assert_eq!(PER_ACCOUNT.remaining_ms(3, last, last), None);
        assert_eq!(
            PER_ACCOUNT.remaining_ms(50, last, last.plus_millis(FORGET_AFTER_MS)),
            None
        );
    }
}
