//! Where orders' outbox events go: `order.paid` and `return.refunded` to
//! fulfilment. The relay itself is `shop_kit::outbox`.

use shop_client::{
    FulfilmentClient,
    wire::{
        events::EventType,
        orders::{OrderPaidEvent, ReturnRefundedEvent},
    },
};
use shop_kit::outbox::{Deliver, OutboxEvent};

/// The receivers of orders' events.
pub struct OrderEvents {
    pub fulfilment: FulfilmentClient,
}

#[async_trait::async_trait]
impl Deliver for OrderEvents {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        let payload = event.payload.clone();
        let delivered = match event.event_type {
            EventType::OrderPaid => {
                let paid: OrderPaidEvent =
                    serde_json::from_value(payload).map_err(|e| e.to_string())?;
                self.fulfilment.create_fulfilment(&paid).await.map(drop)
            }
            EventType::ReturnRefunded => {
                let refunded: ReturnRefundedEvent =
                    serde_json::from_value(payload).map_err(|e| e.to_string())?;
                self.fulfilment.return_refunded(&refunded).await.map(drop)
            }
            other => return Err(format!("orders sends no {other} events")),
        };
        delivered.map_err(|e| e.to_string())
    }
}
