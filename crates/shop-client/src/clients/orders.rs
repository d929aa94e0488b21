//! The orders service's internal API: orders, status updates from
//! fulfilment, returns to give money back for.

use uuid::Uuid;

use super::{ServiceName, service_client};
use crate::{ClientError, wire::orders};

service_client!(
    /// Client for the orders service: carts, checkout, invoices, refunds.
    OrdersClient,
    ServiceName::Orders
);

impl OrdersClient {
    /// Moves an order on (`packing`, `shipped`, `delivered`), once per event id.
    pub async fn update_status(
        &self,
        id: Uuid,
        update: &orders::OrderStatusUpdate,
    ) -> Result<orders::OrderResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/orders/{id}/status"), update)
            .await
    }

    /// `return.received`: the goods are back; orders restocks, refunds and
    /// credits them, once per return.
    pub async fn return_received(
        &self,
        event: &orders::ReturnReceivedEvent,
    ) -> Result<orders::OrderRefundResponse, ClientError> {
        self.http.post_json("/internal/returns", event).await
    }
}
