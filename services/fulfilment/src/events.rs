//! Where fulfilment's outbox events go: status changes and credit notes, both
//! to orders. The relay itself is `shop_kit::outbox`.

use shop_client::{
    OrdersClient,
    wire::orders::{CreditNoteRequest, OrderStatusUpdate},
};
use shop_kit::outbox::{Deliver, OutboxEvent};

/// The receivers of fulfilment's events.
pub struct FulfilmentEvents {
    pub orders: OrdersClient,
}

#[async_trait::async_trait]
impl Deliver for FulfilmentEvents {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        let order_id = event.aggregate_id;
        match event.event_type.as_str() {
            "fulfilment.packed" | "shipment.shipped" | "shipment.delivered" => {
                let update: OrderStatusUpdate =
                    serde_json::from_value(event.payload.clone()).map_err(|e| e.to_string())?;
                self.orders.update_status(order_id, &update).await.map(drop)
            }
            "return.refunded" => {
                let credit: CreditNoteRequest =
                    serde_json::from_value(event.payload.clone()).map_err(|e| e.to_string())?;
                self.orders.credit_note(order_id, &credit).await.map(drop)
            }
            other => return Err(format!("no receiver for {other} events")),
        }
        .map_err(|e| e.to_string())
    }
}
