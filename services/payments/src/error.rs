//! Errors answered by the payments service.

use shop_kit::Problem;

use crate::db::models::refund::RefundError;

/// Every handler returns this error; see [`shop_kit::Problem`].
pub type ApiError = Problem;

impl From<RefundError> for Problem {
    fn from(error: RefundError) -> Self {
        match error {
            RefundError::PaymentNotFound => Problem::not_found("payment"),
            RefundError::NotCaptured => {
                Problem::conflict("payment_not_captured", "this payment captured no money")
            }
            RefundError::Exceeds { remaining } => Problem::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "refund_exceeds_payment",
                "Unprocessable entity",
            )
            .detail(format!("only {remaining} cents are left to refund")),
            RefundError::KeyReused => Problem::conflict(
                "idempotency_key_reused",
                "this key was used for another refund",
            ),
            RefundError::Database(e) => e.into(),
        }
    }
}
