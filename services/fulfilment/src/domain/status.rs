//! The three lifecycles fulfilment owns (packing tasks, shipments, returns),
//! each one `match` on the shared wire enum. Every conditional update in
//! `db/` filters on [`Lifecycle::sources`], so no row moves in a way these
//! rules forbid, and a concurrent second request finds nothing to move.

pub use shop_client::wire::fulfilment::{PackingTaskStatus, ReturnStatus, ShipmentStatus};

/// A status whose moves are decided here and nowhere else.
pub trait Lifecycle: Copy + PartialEq + Into<String> + 'static {
    /// Every status, in declaration order.
    fn all() -> &'static [Self];

    /// Whether a row may move from `self` to `next`.
    fn can_become(self, next: Self) -> bool;

    /// The statuses `next` may follow, spelled as stored: what the
    /// conditional update that makes the move filters on.
    fn sources(next: Self) -> Vec<String> {
        Self::all()
            .iter()
            .copied()
            .filter(|status| status.can_become(next))
            .map(Into::into)
            .collect()
    }
}

impl Lifecycle for PackingTaskStatus {
    fn all() -> &'static [Self] {
        Self::ALL
    }

    fn can_become(self, next: Self) -> bool {
        use PackingTaskStatus::*;
        match self {
            Pending => matches!(next, Packed | Cancelled),
            // Once the goods are in a box the order can only come back as a
            // return; the booking is retried until the courier takes it.
            Packed => next == Shipped,
            Shipped | Cancelled => false,
        }
    }
}

impl Lifecycle for ShipmentStatus {
    fn all() -> &'static [Self] {
        Self::ALL
    }

    fn can_become(self, next: Self) -> bool {
        use ShipmentStatus::*;
        match self {
            // A parcel delivered without a pickup scan skips `in_transit`.
            Booked => matches!(next, InTransit | Delivered),
            InTransit => next == Delivered,
            Delivered => false,
        }
    }
}

impl Lifecycle for ReturnStatus {
    fn all() -> &'static [Self] {
        Self::ALL
    }

    fn can_become(self, next: Self) -> bool {
        use ReturnStatus::*;
        match self {
            Requested => next == Received,
            // Only orders' `return.refunded` makes this move.
            Received => next == Refunded,
            Refunded => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never_back<S: Lifecycle + std::fmt::Debug>() {
        let all = S::all();
        for (i, from) in all.iter().enumerate() {
            assert!(!from.can_become(*from), "{from:?} -> itself");
            for earlier in &all[..i] {
                assert!(!from.can_become(*earlier), "{from:?} -> {earlier:?}");
            }
        }
    }

    #[test]
    fn no_status_moves_back_or_onto_itself() {
        never_back::<PackingTaskStatus>();
        never_back::<ShipmentStatus>();
        never_back::<ReturnStatus>();
    }

    #[test]
    fn a_task_is_packed_or_cancelled_only_while_pending_and_ships_only_once_packed() {
        assert_eq!(
            PackingTaskStatus::sources(PackingTaskStatus::Packed),
            ["pending"]
        );
        assert_eq!(
            PackingTaskStatus::sources(PackingTaskStatus::Cancelled),
            ["pending"]
        );
        assert_eq!(
            PackingTaskStatus::sources(PackingTaskStatus::Shipped),
            ["packed"]
        );
        assert!(PackingTaskStatus::sources(PackingTaskStatus::Pending).is_empty());
    }

    #[test]
    fn a_parcel_is_delivered_from_booked_or_in_transit() {
        assert_eq!(
            ShipmentStatus::sources(ShipmentStatus::Delivered),
            ["booked", "in_transit"]
        );
        assert_eq!(
            ShipmentStatus::sources(ShipmentStatus::InTransit),
            ["booked"]
        );
    }

    #[test]
    fn a_return_is_received_then_refunded_in_that_order() {
        assert_eq!(ReturnStatus::sources(ReturnStatus::Received), ["requested"]);
        assert_eq!(ReturnStatus::sources(ReturnStatus::Refunded), ["received"]);
        assert!(!ReturnStatus::Requested.can_become(ReturnStatus::Refunded));
    }
}
