//! Where each of orders' outbox events goes: `order.paid` to fulfilment's
//! `POST /internal/fulfilments`. The relay itself is `shop_kit::outbox`.

use shop_client::{FulfilmentClient, wire::orders::OrderPaidEvent};
use shop_kit::outbox::{Deliver, OutboxEvent};

/// The receivers of orders' events.
pub struct OrderEvents {
    pub fulfilment: FulfilmentClient,
}

#[async_trait::async_trait]
impl Deliver for OrderEvents {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        match event.event_type.as_str() {
            "order.paid" => {
                let paid: OrderPaidEvent =
                    serde_json::from_value(event.payload.clone()).map_err(|e| e.to_string())?;
                self.fulfilment
                    .create_fulfilment(&paid)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            other => Err(format!("no receiver for {other} events")),
        }
    }
}
