//! The order state machine. Every status change goes through
//! [`OrderRules::can_become`]; nothing else decides what may follow what.
//! Which of those changes staff may make by hand is [`OrderRules::staff_change`].

pub use shop_client::wire::orders::OrderStatus;

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

/// The order state machine, on the status the wire carries. This trait is
/// the one place that says which status may follow which.
pub trait OrderRules: Copy {
    /// Whether an order may move from `self` to `next`.
    fn can_become(self, next: OrderStatus) -> bool;
    /// What staff asking to move the order from `self` to `next` amounts to,
    /// or `None` when the back office may not set `next` now.
    fn staff_change(self, next: OrderStatus) -> Option<StaffChange>;
    /// A checkout left the order here: the recovery worker may pick it up.
    fn is_unfinished(self) -> bool;
    /// The customer was charged and the sale stands (invoiced).
    fn was_paid(self) -> bool;
    /// How far along the delivery path fulfilment has brought the order
    /// (`paid` 0 to `delivered` 3); `None` off that path. Fulfilment's
    /// events may arrive out of order: one the order is past is ignored.
    fn delivery_stage(self) -> Option<u8>;
}

impl OrderRules for OrderStatus {
    fn can_become(self, next: OrderStatus) -> bool {
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

    fn staff_change(self, next: OrderStatus) -> Option<StaffChange> {
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

    fn is_unfinished(self) -> bool {
        matches!(self, Self::Pending | Self::Reserved)
    }

    fn was_paid(self) -> bool {
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

    fn delivery_stage(self) -> Option<u8> {
        match self {
            Self::Paid => Some(0),
            Self::Packing => Some(1),
            Self::Shipped => Some(2),
            Self::Delivered => Some(3),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        OrderRules as _,
        OrderStatus::{self, *},
        StaffChange,
    };

    #[test]
    fn every_status_round_trips_through_its_name() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(*status));
        }
        assert!("lost".parse::<OrderStatus>().is_err());
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
            for &next in OrderStatus::ALL {
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
        for &from in OrderStatus::ALL {
            for &next in OrderStatus::ALL {
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
        for &from in OrderStatus::ALL {
            for &next in OrderStatus::ALL {
                if from.staff_change(next).is_some() && from != next {
                    assert!(from.can_become(next), "{from} -> {next}");
                }
            }
        }
    }
}
