//! The payments service's internal API: charges and refunds.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{ServiceName, service_client};
use crate::{
    ClientError,
    wire::{ErrorCode, payments},
};

service_client!(
    /// Client for the payments service: charges and refunds.
    PaymentsClient,
    ServiceName::Payments
);

/// Why a charge was not even attempted.
#[derive(Debug, thiserror::Error)]
pub enum ChargeError {
    /// The payment details were refused (named in `fields`); nothing was charged.
    #[error("the payment details were refused")]
    Refused { fields: BTreeMap<String, String> },
    /// The order already has a payment with another amount, payer or method.
    #[error("the order was paid differently before")]
    KeyReused,
    /// Anything else (unreachable, unexpected answer).
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl PaymentsClient {
    /// Charges an order once, whoever asks and however often.
    pub async fn create_payment(
        &self,
        request: &payments::CreatePaymentRequest,
    ) -> Result<payments::PaymentResponse, ChargeError> {
        self.http
            .post_json("/internal/payments", request)
            .await
            .map_err(|error| match error.code() {
                Some(ErrorCode::ValidationFailed) => ChargeError::Refused {
                    fields: error.fields(),
                },
                Some(ErrorCode::IdempotencyKeyReused) => ChargeError::KeyReused,
                _ => ChargeError::Client(error),
            })
    }

    /// The order's payment; `None` when none was ever made.
    pub async fn payment_for_order(
        &self,
        order_id: Uuid,
    ) -> Result<Option<payments::PaymentResponse>, ClientError> {
        self.http
            .get_json(&format!("/internal/payments?order_id={order_id}"))
            .await
            .map(Some)
            .or_else(ClientError::none_if_not_found)
    }

    /// Refunds part or all of a payment, once per idempotency key. A refund
    /// booked but not paid out yet is a 503 (`is_unavailable`): retry.
    pub async fn refund(
        &self,
        payment_id: Uuid,
        request: &payments::RefundRequest,
    ) -> Result<payments::RefundResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/payments/{payment_id}/refunds"), request)
            .await
    }
}
