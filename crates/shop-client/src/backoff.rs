//! The one backoff every retry in the shop uses: HTTP retries here, card
//! retries in payments, outbox deliveries and fulfilment's steps.

use std::time::Duration;

use rand::Rng as _;

/// The longest any retry waits.
pub const MAX_DELAY: Duration = Duration::from_secs(300);

/// How long to wait before attempt `attempt + 1` after `attempt` failures
/// (`attempt` from 1): `base * 2^(attempt-1)`, at most [`MAX_DELAY`], then a
/// random point in its upper half (jitter, so retries of many clients do not
/// arrive together).
pub fn delay(base: Duration, attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    let full = base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(MAX_DELAY);
    let ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX).max(1);
    // The upper half, rounded up so that a 1 ms delay stays 1 ms, never 0.
    Duration::from_millis(rand::rng().random_range(ms.div_ceil(2)..=ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_and_stays_under_the_cap() {
        let base = Duration::from_millis(100);
        for attempt in 1..=30_u32 {
            let wait = delay(base, attempt).as_millis();
            let full = (100_u128 << (attempt - 1).min(20)).min(300_000);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait}");
        }
        // A zero base still waits: 1 ms, every time (this drew 0 ms half the
        // time when the lower bound was rounded down).
        for _ in 0..1000 {
            assert_eq!(delay(Duration::ZERO, 1), Duration::from_millis(1));
        }
    }
}
