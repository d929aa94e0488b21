//! Where a payment's status may go. Every change of status is decided by
//! [`next`], one `match`; the queries only apply what it decided.

use shop_client::wire::payments::PaymentStatus;

/// Something that happens to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The card processor or the wallet took the money.
    Captured,
    /// The card or the wallet refused, for good.
    Declined,
    /// Nothing could be charged, and nothing was.
    Failed,
    /// A refund was paid out; `fully` when nothing is left to refund.
    RefundPaid { fully: bool },
}

/// The status a payment in `from` takes on `event`; `None` when the event
/// cannot happen to such a payment.
pub fn next(from: PaymentStatus, event: PaymentEvent) -> Option<PaymentStatus> {
    use PaymentEvent as E;
    use PaymentStatus as S;
    match (from, event) {
        (S::Pending, E::Captured) => Some(S::Succeeded),
        (S::Pending, E::Declined) => Some(S::Declined),
        (S::Pending, E::Failed) => Some(S::Failed),
        // Once all is refunded it stays so: two refunds booked together may
        // be paid out in either order, and the later one finds it refunded.
        (S::Succeeded | S::PartiallyRefunded | S::Refunded, E::RefundPaid { fully: true }) => {
            Some(S::Refunded)
        }
        (S::Succeeded | S::PartiallyRefunded, E::RefundPaid { fully: false }) => {
            Some(S::PartiallyRefunded)
        }
        // Settling a settled payment, refunding money never captured, or
        // part of a payment that is all refunded.
        _ => None,
    }
}

/// True once the charge has an outcome: only refunds change the payment then.
pub fn is_settled(status: PaymentStatus) -> bool {
    !matches!(status, PaymentStatus::Pending)
}

/// True when the payment took money, so refunds may be booked against it
/// (a fully refunded one too: the refund is then refused for its amount).
pub fn has_captured(status: PaymentStatus) -> bool {
    match status {
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded => {
            true
        }
        PaymentStatus::Pending | PaymentStatus::Declined | PaymentStatus::Failed => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_payment_settles_once() {
        assert_eq!(
            next(PaymentStatus::Pending, PaymentEvent::Captured),
            Some(PaymentStatus::Succeeded)
        );
        assert_eq!(
            next(PaymentStatus::Pending, PaymentEvent::Declined),
            Some(PaymentStatus::Declined)
        );
        assert_eq!(
            next(PaymentStatus::Pending, PaymentEvent::Failed),
            Some(PaymentStatus::Failed)
        );
        for settled in PaymentStatus::ALL.iter().filter(|s| is_settled(**s)) {
            for event in [
                PaymentEvent::Captured,
                PaymentEvent::Declined,
                PaymentEvent::Failed,
            ] {
                assert_eq!(next(*settled, event), None, "{settled} on {event:?}");
            }
        }
    }

    #[test]
    fn only_captured_money_is_refunded() {
        let partly = PaymentEvent::RefundPaid { fully: false };
        let fully = PaymentEvent::RefundPaid { fully: true };
        for status in PaymentStatus::ALL {
            let refundable = next(*status, fully).is_some();
            assert_eq!(refundable, has_captured(*status), "{status}");
        }
        assert_eq!(
            next(PaymentStatus::Succeeded, partly),
            Some(PaymentStatus::PartiallyRefunded)
        );
        assert_eq!(
            next(PaymentStatus::PartiallyRefunded, fully),
            Some(PaymentStatus::Refunded)
        );
        assert_eq!(next(PaymentStatus::Refunded, partly), None);
        assert_eq!(next(PaymentStatus::Declined, fully), None);
    }
}
