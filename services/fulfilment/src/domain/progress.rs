//! How far fulfilment has brought an order, as orders hears it: the event
//! that announces each status fulfilment reports.

use shop_client::wire::{events::EventType, orders::OrderStatus};

/// The event that tells orders its order reached `status`; `None` for the
/// statuses fulfilment never reports (orders' checkout, cancellations and
/// refunds decide those). Listed in full so a new status needs a decision.
pub fn progress_event(status: OrderStatus) -> Option<EventType> {
    use OrderStatus::*;
    match status {
        Packing => Some(EventType::FulfilmentPacked),
        Shipped => Some(EventType::ShipmentShipped),
        Delivered => Some(EventType::ShipmentDelivered),
        Pending | Reserved | Paid | Rejected | PaymentFailed | Failed | Cancelled
        | PartiallyRefunded | Refunded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fulfilment_reports_packing_shipping_and_delivery_only() {
        let reported: Vec<_> = OrderStatus::ALL
            .iter()
            .filter_map(|s| progress_event(*s).map(|e| (*s, e)))
            .collect();
        assert_eq!(
            reported,
            [
                (OrderStatus::Packing, EventType::FulfilmentPacked),
                (OrderStatus::Shipped, EventType::ShipmentShipped),
                (OrderStatus::Delivered, EventType::ShipmentDelivered),
            ]
        );
    }
}
