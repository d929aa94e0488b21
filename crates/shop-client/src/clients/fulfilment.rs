//! The fulfilment service's internal API: paid orders in, cancellations,
//! refunded returns.

use uuid::Uuid;

use super::{ServiceName, service_client};
use crate::{
    ClientError,
    wire::{ErrorCode, fulfilment, orders},
};

service_client!(
    /// Client for the fulfilment service: packing, shipments, returns.
    FulfilmentClient,
    ServiceName::Fulfilment
);

/// Why a fulfilment could not be withdrawn.
#[derive(Debug, thiserror::Error)]
pub enum CancelFulfilmentError {
    /// Packing began: the goods come back as a return instead.
    #[error("packing has begun")]
    AlreadyPacked,
    /// Anything else (unreachable, unexpected answer).
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl FulfilmentClient {
    /// `order.paid`: hands a paid order over for packing (idempotent per order id).
    pub async fn create_fulfilment(
        &self,
        event: &orders::OrderPaidEvent,
    ) -> Result<fulfilment::FulfilmentResponse, ClientError> {
        self.http.post_json("/internal/fulfilments", event).await
    }

    /// Stops a fulfilment before packing.
    pub async fn cancel_fulfilment(
        &self,
        order_id: Uuid,
    ) -> Result<fulfilment::FulfilmentResponse, CancelFulfilmentError> {
        self.http
            .post_json(&format!("/internal/fulfilments/{order_id}/cancel"), &())
            .await
            .map_err(|error| match error.code() {
                Some(ErrorCode::AlreadyPacked) => CancelFulfilmentError::AlreadyPacked,
                _ => CancelFulfilmentError::Client(error),
            })
    }

    /// `return.refunded`: orders gave the money back for a return (once per
    /// event id).
    pub async fn return_refunded(
        &self,
        event: &orders::ReturnRefundedEvent,
    ) -> Result<fulfilment::ReturnResponse, ClientError> {
        self.http
            .post_json(
                &format!("/internal/returns/{}/refunded", event.return_id),
                event,
            )
            .await
    }
}
