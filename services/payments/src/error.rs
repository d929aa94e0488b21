//! Errors answered by the payments service: every handler returns a
//! [`shop_kit::Problem`]; the refund workflow's refusals map to theirs here.

use actix_web::http::StatusCode;
use shop_client::wire::ErrorCode;
use shop_kit::{Problem, idempotency};

use crate::app::refund::RefundError;

/// Every handler returns this error; see [`shop_kit::Problem`].
pub type ApiError = Problem;

impl From<RefundError> for Problem {
    fn from(error: RefundError) -> Self {
        match error {
            RefundError::PaymentNotFound => Problem::not_found("payment"),
            RefundError::NotCaptured => Problem::conflict(
                ErrorCode::PaymentNotCaptured,
                "this payment captured no money",
            ),
            RefundError::Exceeds { remaining } => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::RefundExceedsPayment,
                "Unprocessable entity",
            )
            .detail(format!("only {remaining} cents are left to refund")),
            RefundError::KeyReused => idempotency::reused(),
            RefundError::NotPaidOut(cause) => Problem::unavailable(
                ErrorCode::RefundPending,
                "the refund is booked but could not be paid out yet; retry with the same idempotency key",
            )
            .source(cause),
            RefundError::Database(e) => e.into(),
        }
    }
}
