//! The order state machine. Every status change goes through
//! [`OrderStatus::can_become`]; nothing else decides what may follow what.
//! Which of those changes staff may make by hand is [`OrderStatus::staff_change`].

use std::fmt;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Written, nothing held yet.
    Pending,
    /// Stock is held; the charge has not settled yet.
    Reserved,
    /// Charged, stock sold, invoiced.
    Paid,
    /// Fulfilment has packed it.
    Packing,
    Shipped,
    Delivered,
    /// Stock was short; nothing was charged.
    Rejected,
    /// The charge was declined or failed; the stock went back.
    PaymentFailed,
    /// Charged but the stock could not be committed: refunded.
    Failed,
    Cancelled,
    PartiallyRefunded,
    Refunded,
}

/// A status change staff may make by hand from the back office, and so the
/// code path that carries it out.
///
/// There is no "on hold" / "resume": holding an order is only honest if
/// fulfilment stops packing it, and fulfilment has no such stop yet; a
/// status here alone would promise what the warehouse does not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange {
    /// Cancel through the one cancellation path (before packing: restocked,
    /// refunded and credited when paid; released when never charged).
    Cancel,
}

impl OrderStatus {
    /// Every status, in the order of the happy path and then the exits.
    pub const ALL: [OrderStatus; 12] = [
        Self::Pending,
        Self::Reserved,
        Self::Paid,
        Self::Packing,
        Self::Shipped,
        Self::Delivered,
        Self::Rejected,
        Self::PaymentFailed,
        Self::Failed,
        Self::Cancelled,
        Self::PartiallyRefunded,
        Self::Refunded,
    ];

    /// The name stored in the database and shown on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Reserved => "reserved",
            Self::Paid => "paid",
            Self::Packing => "packing",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Rejected => "rejected",
            Self::PaymentFailed => "payment_failed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Refunded => "refunded",
        }
    }

    /// The status named `raw`, if there is one.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The one place that says which status may follow which.
    pub const fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Pending, Reserved | Rejected | Failed | Cancelled)
                | (Reserved, Paid | PaymentFailed | Failed | Cancelled)
                | (
                    Paid,
                    Packing | Shipped | Cancelled | PartiallyRefunded | Refunded
                )
                | (Packing, Shipped | PartiallyRefunded | Refunded)
                | (Shipped, Delivered | PartiallyRefunded | Refunded)
                | (Delivered | PartiallyRefunded, PartiallyRefunded | Refunded)
        )
    }

    /// What staff asking to move the order from `self` to `next` amounts to,
    /// or `None` when the back office may not set `next` now. Staff make only
    /// changes the state machine allows and that no other part of the shop
    /// owns; every other status is reported by whoever causes it.
    pub const fn staff_change(self, next: OrderStatus) -> Option<StaffChange> {
        use OrderStatus::*;
        match next {
            // Asking again for a cancelled order is answered as it is (the
            // cancel path is idempotent), so a repeated click is harmless.
            Cancelled if matches!(self, Cancelled) || self.can_become(Cancelled) => {
                Some(StaffChange::Cancel)
            }
            // Once packing started the goods come back as a return instead.
            Cancelled => None,
            // Fulfilment reports these as it packs, ships and delivers.
            Packing | Shipped | Delivered => None,
            // Money goes back through returns and cancellations, each with its
            // credit note; a bare status would refund nothing.
            PartiallyRefunded | Refunded => None,
            // The checkout saga and its recovery worker decide these.
            Pending | Reserved | Paid | Rejected | PaymentFailed | Failed => None,
        }
    }

    /// A checkout left the order here: the recovery worker may pick it up.
    pub const fn is_unfinished(self) -> bool {
        matches!(self, Self::Pending | Self::Reserved)
    }

    /// The customer was charged and the sale stands (invoiced).
    pub const fn was_paid(self) -> bool {
        matches!(
            self,
            Self::Paid
                | Self::Packing
                | Self::Shipped
                | Self::Delivered
                | Self::PartiallyRefunded
                | Self::Refunded
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{
        OrderStatus::{self, *},
        StaffChange,
    };

    #[test]
    fn every_status_round_trips_through_its_name() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("lost"), None);
    }

    #[test]
    fn the_checkout_path_is_allowed_in_order_only() {
        let path = [Pending, Reserved, Paid, Packing, Shipped, Delivered];
        for pair in path.windows(2) {
            assert!(pair[0].can_become(pair[1]), "{} -> {}", pair[0], pair[1]);
            assert!(!pair[1].can_become(pair[0]), "{} -> {}", pair[1], pair[0]);
        }
        assert!(!Pending.can_become(Paid), "no charge without a hold");
        assert!(!Reserved.can_become(Shipped));
    }

    #[test]
    fn exits_are_final_except_refunds_after_a_sale() {
        for exit in [Rejected, PaymentFailed, Failed, Cancelled, Refunded] {
            for next in OrderStatus::ALL {
                assert!(!exit.can_become(next), "{exit} -> {next}");
            }
        }
        assert!(PartiallyRefunded.can_become(Refunded));
        assert!(Delivered.can_become(PartiallyRefunded));
    }

    #[test]
    fn cancelling_is_possible_only_before_packing() {
        assert!(Paid.can_become(Cancelled));
        assert!(Reserved.can_become(Cancelled));
        for later in [Packing, Shipped, Delivered] {
            assert!(!later.can_become(Cancelled), "{later}");
        }
    }

    #[test]
    fn staff_may_cancel_before_packing_and_set_nothing_else() {
        for from in [Pending, Reserved, Paid, Cancelled] {
            assert_eq!(
                from.staff_change(Cancelled),
                Some(StaffChange::Cancel),
                "{from}"
            );
        }
        for from in OrderStatus::ALL {
            for next in OrderStatus::ALL {
                if next != Cancelled {
                    assert_eq!(from.staff_change(next), None, "{from} -> {next}");
                }
            }
        }
    }

    #[test]
    fn staff_cannot_cancel_once_packing_started_or_after_an_exit() {
        for from in [
            Packing,
            Shipped,
            Delivered,
            Rejected,
            PaymentFailed,
            Failed,
            PartiallyRefunded,
            Refunded,
        ] {
            assert_eq!(from.staff_change(Cancelled), None, "{from}");
        }
    }

    #[test]
    fn every_change_staff_may_make_is_one_the_state_machine_allows() {
        for from in OrderStatus::ALL {
            for next in OrderStatus::ALL {
                if from.staff_change(next).is_some() && from != next {
                    assert!(from.can_become(next), "{from} -> {next}");
                }
            }
        }
    }
}
