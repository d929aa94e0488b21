//! Paying a refund out: booked first (never more than was captured), then
//! sent to the card processor or the wallet with the refund id as the key, so
//! a retry with the same idempotency key finishes the same refund.

use shop_client::wire::{payments::RefundRequest, users::WalletMovementRequest};
use shop_kit::{Problem, input};
use uuid::Uuid;

use crate::{db::models::refund::Refund, startup::AppState};

/// Whether the refund was booked now or found booked.
pub enum Refunded {
    New(Refund),
    Replayed(Refund),
}

/// Refunds `request.amount_cents` of the payment, once per key.
#[tracing::instrument(skip_all, fields(payment_id = %payment_id))]
pub async fn refund(
    state: &AppState,
    payment_id: Uuid,
    request: &RefundRequest,
) -> Result<Refunded, Problem> {
    if request.amount_cents <= 0 {
        return Err(Problem::invalid_field(
            "amount_cents",
            "must be a positive number of cents",
        ));
    }
    let key = &input::line(200).parse_field("idempotency_key", &request.idempotency_key)?;
    let reason = &input::line(200).parse_field("reason", &request.reason)?;
    let (payment, booked, is_new) = {
        let mut conn = state.db.get().await?;
        Refund::book(&mut conn, payment_id, request.amount_cents, key, reason).await?
    };
    if booked.status == "succeeded" {
        return Ok(Refunded::Replayed(booked));
    }
    let paid_out = match payment.method.as_str() {
        "card" => state
            .processor
            .refund(
                booked.id,
                payment.provider_ref.as_deref().unwrap_or_default(),
                booked.amount_cents,
            )
            .await
            .map(drop)
            .map_err(|e| anyhow::anyhow!("card refund failed: {e}")),
        _ => state
            .users
            .credit_wallet(
                payment.user_id,
                &WalletMovementRequest {
                    amount_cents: booked.amount_cents,
                    idempotency_key: format!("refund:{}", booked.id),
                    reason: format!("refund for order {}", payment.order_id),
                },
            )
            .await
            .map(drop)
            .map_err(anyhow::Error::from),
    };
    if let Err(error) = paid_out {
        return Err(Problem::unavailable(
            "refund_pending",
            "the refund is booked but could not be paid out yet; retry with the same idempotency key",
        )
        .source(error));
    }
    let (_, done) = {
        let mut conn = state.db.get().await?;
        Refund::complete(&mut conn, &booked).await?
    };
    tracing::info!(refund_id = %done.id, amount_cents = done.amount_cents, "refund paid out");
    Ok(if is_new {
        Refunded::New(done)
    } else {
        Refunded::Replayed(done)
    })
}
