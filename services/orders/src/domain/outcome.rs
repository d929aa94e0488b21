//! What a checkout ended as, and the reply every replay of it answers with.
//! The saga returns a [`CheckoutOutcome`]; the stored reply, the HTTP answer
//! and the metrics are all derived from it here, never read back out of a
//! status code or a code string.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use shop_client::{
    context::current_request_id,
    wire::{
        ErrorCode, ProblemDetails,
        orders::{OrderResponse, OrderStatus},
    },
};
use uuid::Uuid;

/// A line a checkout could not get, named for the buyer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ShortLine {
    pub product_id: Uuid,
    pub sku: String,
    pub requested: i32,
    pub available: i32,
}

/// How a checkout ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckoutOutcome {
    /// Charged, stock sold, invoiced (201).
    Paid(Box<OrderResponse>),
    /// Stock was short; nothing was charged (409 `out_of_stock`).
    OutOfStock { lines: Vec<ShortLine> },
    /// The card or the wallet said no; the stock went back (402).
    Declined { code: String },
    /// Payments refused the payment details; nothing was charged (422).
    PaymentRefused { fields: BTreeMap<String, String> },
    /// The checkout stopped before the card was charged; the stock went
    /// back (409 `checkout_interrupted`).
    Interrupted,
    /// The stock hold lapsed before the sale; the money went back (409
    /// `checkout_failed`).
    HoldLapsed,
}

/// A stored answer: what the first request got and every replay gets, byte
/// for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
}

impl CheckoutOutcome {
    /// The status this outcome leaves the order in.
    pub fn status(&self) -> OrderStatus {
        match self {
            Self::Paid(_) => OrderStatus::Paid,
            Self::OutOfStock { .. } => OrderStatus::Rejected,
            Self::Declined { .. } | Self::PaymentRefused { .. } => OrderStatus::PaymentFailed,
            Self::Interrupted | Self::HoldLapsed => OrderStatus::Failed,
        }
    }

    /// The metrics label: the status it leaves the order in.
    pub fn label(&self) -> &'static str {
        self.status().as_str()
    }

    /// The answer a client gets, now and on every replay.
    pub fn reply(&self) -> Reply {
        let problem = |status: StatusCode, code: ErrorCode, title: &str, detail: &str| {
            let mut problem = ProblemDetails::new(status.as_u16(), code, title);
            problem.detail = Some(detail.to_owned());
            problem.request_id = current_request_id();
            problem
        };
        let details = match self {
            Self::Paid(order) => {
                return Reply {
                    status: StatusCode::CREATED.as_u16(),
                    body: serde_json::to_value(order).unwrap_or_default(),
                };
            }
            Self::OutOfStock { lines } => {
                let mut details = problem(
                    StatusCode::CONFLICT,
                    ErrorCode::OutOfStock,
                    "Out of stock",
                    "some products are not available in the quantity ordered; nothing was charged",
                );
                details.lines = Some(
                    lines
                        .iter()
                        .filter_map(|l| serde_json::to_value(l).ok())
                        .collect(),
                );
                details
            }
            Self::Declined { code } => {
                let mut details = problem(
                    StatusCode::PAYMENT_REQUIRED,
                    ErrorCode::PaymentDeclined,
                    "Payment declined",
                    &format!(
                        "the payment was declined ({code}); nothing was charged and the stock was released"
                    ),
                );
                details.fields = Some(BTreeMap::from([("decline_code".to_owned(), code.clone())]));
                details
            }
            Self::PaymentRefused { fields } => {
                let mut details = problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::ValidationFailed,
                    "Validation failed",
                    "the payment details were refused; nothing was charged",
                );
                details.fields = Some(fields.clone());
                details
            }
            Self::Interrupted => problem(
                StatusCode::CONFLICT,
                ErrorCode::CheckoutInterrupted,
                "Checkout interrupted",
                "the checkout was interrupted before the card was charged; nothing was charged and the stock was released",
            ),
            Self::HoldLapsed => problem(
                StatusCode::CONFLICT,
                ErrorCode::CheckoutFailed,
                "Checkout failed",
                "the stock hold lapsed before the sale could complete; the payment was refunded",
            ),
        };
        Reply {
            status: details.status,
            body: serde_json::to_value(&details).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_a_problem_with_its_code_and_status() {
        let cases = [
            (CheckoutOutcome::Interrupted, 409, "checkout_interrupted"),
            (CheckoutOutcome::HoldLapsed, 409, "checkout_failed"),
            (
                CheckoutOutcome::Declined {
                    code: "card_declined".into(),
                },
                402,
                "payment_declined",
            ),
            (
                CheckoutOutcome::OutOfStock { lines: Vec::new() },
                409,
                "out_of_stock",
            ),
        ];
        for (outcome, status, code) in cases {
            let reply = outcome.reply();
            assert_eq!(reply.status, status, "{outcome:?}");
            assert_eq!(reply.body["code"], code, "{outcome:?}");
        }
        assert_eq!(
            CheckoutOutcome::Declined { code: "x".into() }.label(),
            "payment_failed"
        );
    }
}
