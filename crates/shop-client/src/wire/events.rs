//! The kinds of event the shop's services tell each other through their
//! outboxes (ARCHITECTURE.md, "Events").

use crate::named_enum;

named_enum! {
    /// What happened, as the outbox stores it and the relay routes it.
    pub enum EventType ("event type") {
        /// orders → fulfilment: pack it.
        OrderPaid => "order.paid",
        /// fulfilment → orders: packed.
        FulfilmentPacked => "fulfilment.packed",
        /// fulfilment → orders: with the courier.
        ShipmentShipped => "shipment.shipped",
        /// fulfilment → orders: delivered.
        ShipmentDelivered => "shipment.delivered",
        /// fulfilment → orders: returned goods are back.
        ReturnReceived => "return.received",
        /// orders → fulfilment: the return's money is back.
        ReturnRefunded => "return.refunded",
    }
}
