//! Reservations' rules: what a hold may ask for, how long it lasts, and how
//! an active hold ends (the one place its status transitions are decided).

use std::{collections::HashSet, time::Duration};

use shop_client::wire::catalogue::{ReservationStatus, StockLine};
use shop_kit::{Problem, idempotency::Fingerprint};

/// The most lines one reservation or restock may have.
pub const MAX_LINES: usize = 100;
/// The most units of one product one line may ask for.
pub const MAX_QUANTITY: i32 = 1000;
/// The longest hold a caller may ask for: a day.
pub const MAX_TTL_SECS: i64 = 86_400;

/// The lines of a reservation or restock, valid, in product-id order: the
/// order their product rows are locked in, so two multi-line holds cannot
/// deadlock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLines(Vec<StockLine>);

impl StockLines {
    /// 1 to [`MAX_LINES`] lines, each product once, 1 to [`MAX_QUANTITY`]
    /// units; otherwise a 422 naming `items`.
    pub fn parse(items: &[StockLine]) -> Result<Self, Problem> {
        if items.is_empty() || items.len() > MAX_LINES {
            return Err(Problem::invalid_field("items", "must have 1 to 100 lines"));
        }
        let mut seen = HashSet::new();
        for line in items {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                return Err(Problem::invalid_field(
                    "items",
                    "every quantity must be 1 to 1000",
                ));
            }
            if !seen.insert(line.product_id) {
                return Err(Problem::invalid_field(
                    "items",
                    "each product may appear once",
                ));
            }
        }
        let mut lines = items.to_vec();
        lines.sort_by_key(|line| line.product_id);
        Ok(Self(lines))
    }

    /// The lines, in product-id order.
    pub fn as_slice(&self) -> &[StockLine] {
        &self.0
    }

    /// What a reservation id is bound to: these lines.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint(&self.0)
    }
}

/// The fingerprint of lines in product-id order (as they are stored).
pub fn fingerprint(lines: &[StockLine]) -> Fingerprint {
    let parts: Vec<String> = lines
        .iter()
        .map(|line| format!("{}x{}", line.product_id, line.quantity))
        .collect();
    Fingerprint::of(&parts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// How long a hold lasts: `default`, or 1 to [`MAX_TTL_SECS`] seconds asked
/// for (a 422 naming `ttl_seconds` otherwise).
pub fn ttl(requested: Option<i64>, default: Duration) -> Result<chrono::Duration, Problem> {
    match requested {
        None => chrono::Duration::from_std(default).map_err(Problem::internal),
        Some(seconds) if (1..=MAX_TTL_SECS).contains(&seconds) => {
            Ok(chrono::Duration::seconds(seconds))
        }
        Some(_) => Err(Problem::invalid_field("ttl_seconds", "must be 1 to 86400")),
    }
}

/// How an active reservation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Sold: the units leave stock on hand.
    Commit,
    /// Put back on sale by the caller.
    Release,
    /// Not committed in time; put back on sale by the sweeper.
    Expire,
}

impl Ending {
    /// The status the reservation ends in.
    pub fn status(self) -> ReservationStatus {
        match self {
            Self::Commit => ReservationStatus::Committed,
            Self::Release => ReservationStatus::Released,
            Self::Expire => ReservationStatus::Expired,
        }
    }

    /// Whether a reservation already `current` has ended this way, so the
    /// request is a repeat to answer rather than a conflict. A release after
    /// expiry counts: the stock is back on sale either way.
    pub fn is_done_in(self, current: ReservationStatus) -> bool {
        use ReservationStatus::{Committed, Expired, Released};
        matches!(
            (self, current),
            (Self::Commit, Committed)
                | (Self::Release, Released | Expired)
                | (Self::Expire, Expired)
        )
    }

    /// What ending this way does to stock on hand for a line of `quantity`
    /// (what is reserved always drops by the quantity).
    pub fn on_hand_delta(self, quantity: i32) -> i32 {
        match self {
            Self::Commit => -quantity,
            Self::Release | Self::Expire => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn line(quantity: i32) -> StockLine {
        StockLine {
            product_id: Uuid::now_v7(),
            quantity,
        }
    }

    #[test]
    fn lines_are_bounded_unique_and_sorted() {
        let (a, b) = (line(1), line(2));
        let parsed = StockLines::parse(&[b.clone(), a.clone()]).unwrap();
        assert_eq!(parsed.as_slice(), [a.clone(), b.clone()]);
        assert_eq!(
            parsed.fingerprint(),
            StockLines::parse(&[a.clone(), b]).unwrap().fingerprint()
        );
        assert!(StockLines::parse(&[]).is_err());
        assert!(StockLines::parse(&[line(0)]).is_err());
        assert!(StockLines::parse(&[line(1001)]).is_err());
        assert!(StockLines::parse(&[a.clone(), a]).is_err());
    }

    #[test]
    fn a_hold_lasts_the_default_or_what_was_asked_within_a_day() {
        let default = Duration::from_secs(900);
        assert_eq!(ttl(None, default).unwrap(), chrono::Duration::seconds(900));
        assert_eq!(
            ttl(Some(60), default).unwrap(),
            chrono::Duration::seconds(60)
        );
        assert!(ttl(Some(0), default).is_err());
        assert!(ttl(Some(MAX_TTL_SECS + 1), default).is_err());
    }

    #[test]
    fn a_repeat_is_told_from_a_conflict() {
        use ReservationStatus::*;
        assert!(Ending::Commit.is_done_in(Committed));
        assert!(!Ending::Commit.is_done_in(Released));
        assert!(!Ending::Commit.is_done_in(Expired));
        assert!(Ending::Release.is_done_in(Released));
        assert!(Ending::Release.is_done_in(Expired));
        assert!(!Ending::Release.is_done_in(Committed));
        assert!(Ending::Expire.is_done_in(Expired));
        assert!(!Ending::Expire.is_done_in(Released));
        assert_eq!(Ending::Commit.on_hand_delta(3), -3);
        assert_eq!(Ending::Expire.on_hand_delta(3), 0);
    }
}
