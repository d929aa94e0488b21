//! Steps 5 and 6: charge once (the order id is the payment's natural key),
//! then sell the held stock. What payments says decides the next step: one
//! `match` on the payment's status.

use shop_client::wire::ErrorCode;
use shop_client::{
    ChargeError, HoldError,
    wire::payments::{
        CreatePaymentRequest, PaymentKind, PaymentMethod, PaymentResponse, PaymentStatus,
        RefundRequest,
    },
};
use shop_kit::Problem;

use super::finish;
use crate::{
    db::models::{order::Order, order_line::OrderLineRow},
    domain::{outcome::CheckoutOutcome, status::OrderStatus},
    state::AppState,
};

/// What asking payments came to.
enum Charged {
    /// Payments has a payment for the order (whatever its status).
    Payment(PaymentResponse),
    /// Payments refused the method itself; nothing was charged.
    Refused(std::collections::BTreeMap<String, String>),
    /// Nobody ever charged this card order, and its card is gone.
    Never,
}

/// Charges the reserved order (or learns what its earlier charge did) and
/// takes it to an outcome.
pub async fn charge_and_commit(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    method: Option<&PaymentMethod>,
) -> Result<CheckoutOutcome, Problem> {
    let charged = match (method, order.payment_method) {
        (Some(method), _) => charge(state, order, method.clone()).await?,
        (None, PaymentKind::Wallet) => charge(state, order, PaymentMethod::Wallet).await?,
        (None, PaymentKind::Card) => match state.payments.payment_for_order(order.id).await? {
            Some(payment) => Charged::Payment(payment),
            None => Charged::Never,
        },
    };
    let payment = match charged {
        Charged::Payment(payment) => payment,
        Charged::Refused(fields) => {
            finish::release(state, order).await?;
            return finish::fail(
                state,
                order,
                OrderStatus::PaymentFailed,
                "invalid_payment",
                None,
                CheckoutOutcome::PaymentRefused { fields },
            )
            .await;
        }
        Charged::Never => return finish::abandon(state, order).await,
    };
    match payment.status {
        PaymentStatus::Succeeded => commit(state, order, lines, &payment).await,
        PaymentStatus::Declined | PaymentStatus::Failed => {
            finish::release(state, order).await?;
            let code = payment
                .decline_code
                .map_or_else(|| "declined".to_owned(), |c| c.as_str().to_owned());
            let outcome = CheckoutOutcome::Declined { code: code.clone() };
            finish::fail(
                state,
                order,
                OrderStatus::PaymentFailed,
                &code,
                Some(payment.id),
                outcome,
            )
            .await
        }
        PaymentStatus::Pending => Err(Problem::unavailable(
            ErrorCode::PaymentPending,
            "the payment is still being processed; retry with the same Idempotency-Key",
        )
        .retry_after(2)),
        // Refunded already: an earlier driver compensated and crashed before
        // writing it down.
        PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded => {
            lapsed(state, order, &payment).await
        }
    }
}

/// Step 5: charge once, whoever asks and however often.
async fn charge(
    state: &AppState,
    order: &Order,
    method: PaymentMethod,
) -> Result<Charged, Problem> {
    let request = CreatePaymentRequest {
        order_id: order.id,
        user_id: order.user_id,
        amount_cents: order.total_cents,
        method,
    };
    match state.payments.create_payment(&request).await {
        Ok(payment) => Ok(Charged::Payment(payment)),
        Err(ChargeError::Refused { fields }) => Ok(Charged::Refused(fields)),
        // The order id was charged with another amount, payer or method:
        // this order never changes those, so it is a fault, not the buyer's.
        Err(ChargeError::KeyReused) => Err(Problem::internal(anyhow::anyhow!(
            "payments holds another payment under this order's id"
        ))),
        Err(ChargeError::Client(error)) => Err(error.into()),
    }
}

/// Step 6: sell the held stock, then step 7 (mark it paid).
async fn commit(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    payment: &PaymentResponse,
) -> Result<CheckoutOutcome, Problem> {
    match state.catalogue.commit_reservation(order.id).await {
        Ok(_) => finish::mark_paid(state, order, lines, payment.id).await,
        Err(HoldError::Gone) => {
            // The hold lapsed (expired or released) before it was sold.
            tracing::warn!(order_id = %order.id, "the stock hold is gone; refunding");
            lapsed(state, order, payment).await
        }
        Err(HoldError::Client(error)) => Err(error.into()),
    }
}

/// Step 6 failed: the money goes back, the order is `failed`.
async fn lapsed(
    state: &AppState,
    order: &Order,
    payment: &PaymentResponse,
) -> Result<CheckoutOutcome, Problem> {
    let left = payment.amount_cents - payment.refunded_cents;
    if left > 0 {
        state
            .payments
            .refund(
                payment.id,
                &RefundRequest {
                    amount_cents: left,
                    idempotency_key: format!("order-failed:{}", order.id),
                    reason: "the stock could not be committed".to_owned(),
                },
            )
            .await?;
    }
    finish::fail(
        state,
        order,
        OrderStatus::Failed,
        "stock_hold_lapsed",
        Some(payment.id),
        CheckoutOutcome::HoldLapsed,
    )
    .await
}
