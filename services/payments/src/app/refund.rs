//! Refunding a payment: the refund is booked first, under the payment's
//! row lock (never more than was captured, so two racing refunds cannot
//! both fit), then paid out through the card processor or the wallet with
//! the refund id as their key, so a retry with the same idempotency key
//! finishes the same refund instead of paying twice.

use anyhow::Context as _;
use diesel_async::{AsyncConnection as _, AsyncPgConnection};
use shop_client::wire::{
    payments::{PaymentKind, RefundStatus},
    users::WalletMovementRequest,
};
use shop_kit::{
    Problem,
    idempotency::{self, Decision, Stored},
};

use crate::{
    db::models::{payment::Payment, refund::Refund},
    domain::{
        refund::{NewRefund, refund_fingerprint},
        status::{self, PaymentEvent},
    },
    state::AppState,
};

/// Whether the refund was paid out by this request or an earlier one with
/// the same key.
pub enum Refunded {
    /// Booked and paid out by this request.
    New(Refund),
    /// Booked by an earlier request with the same key (and paid out now or then).
    Replayed(Refund),
}

/// Why a refund was refused or is not finished.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// No payment has this id.
    #[error("no such payment")]
    PaymentNotFound,
    /// The payment was declined, failed or is still pending.
    #[error("the payment captured nothing to refund")]
    NotCaptured,
    /// The refund, with every earlier one, is more than was captured.
    #[error("{remaining} cents are left to refund")]
    Exceeds { remaining: i64 },
    /// The key was used for a refund of another payment or amount.
    #[error("the key was used for another refund")]
    KeyReused,
    /// Booked, but the processor or the wallet could not pay it out yet; a
    /// retry with the same key finishes it.
    #[error("the refund is booked but not paid out")]
    NotPaidOut(#[source] anyhow::Error),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Refunds `new.amount_cents` of the payment, once per key.
#[tracing::instrument(skip_all, fields(payment_id = %new.payment_id))]
pub async fn refund(state: &AppState, new: NewRefund) -> Result<Refunded, Problem> {
    let booking = {
        let mut conn = state.db.get().await?;
        book(&mut conn, &new).await?
    };
    let (payment, booked, is_new) = match booking {
        Booking::PaidOut(done) => return Ok(Refunded::Replayed(done)),
        Booking::ToPayOut {
            payment,
            refund,
            is_new,
        } => (payment, refund, is_new),
    };
    pay_out(state, &payment, &booked)
        .await
        .map_err(RefundError::NotPaidOut)?;
    let done = {
        let mut conn = state.db.get().await?;
        complete(&mut conn, &booked).await?
    };
    tracing::info!(refund_id = %done.id, amount_cents = done.amount_cents, "refund paid out");
    Ok(if is_new {
        Refunded::New(done)
    } else {
        Refunded::Replayed(done)
    })
}

/// What booking found or made.
enum Booking {
    /// The key's refund, paid out before: answer it again.
    PaidOut(Refund),
    /// A refund to pay out: booked now (`is_new`), or booked earlier and
    /// not paid out yet.
    ToPayOut {
        payment: Payment,
        refund: Refund,
        is_new: bool,
    },
}

/// Books the refund, or finds the one booked under its key: under the
/// payment's row lock, checks that it and every earlier refund fit in what
/// was captured, and counts it as refunded before any money moves.
async fn book(conn: &mut AsyncPgConnection, new: &NewRefund) -> Result<Booking, RefundError> {
    conn.transaction(async |conn| {
        let payment = Payment::lock(conn, new.payment_id)
            .await?
            .ok_or(RefundError::PaymentNotFound)?;
        if let Some(earlier) = Refund::find_by_key(conn, new.key.as_str()).await? {
            return match idempotency::judge(Some(stored(&earlier)), &new.fingerprint()) {
                Err(_) => Err(RefundError::KeyReused),
                Ok(Decision::Replay(done)) => Ok(Booking::PaidOut(done)),
                // Booked but not paid out (the payout failed, or is running
                // now): paying out again with the refund's own key is safe.
                // `New` cannot come back for a key that was found.
                Ok(Decision::Unfinished | Decision::New) => Ok(Booking::ToPayOut {
                    payment,
                    refund: earlier,
                    is_new: false,
                }),
            };
        }
        if !status::has_captured(payment.status) {
            return Err(RefundError::NotCaptured);
        }
        let remaining = payment.amount_cents - payment.refunded_cents;
        if new.amount_cents > remaining {
            return Err(RefundError::Exceeds { remaining });
        }
        let refund = Refund::insert(conn, new).await?;
        let payment = Payment::add_refunded(conn, payment.id, new.amount_cents).await?;
        Ok(Booking::ToPayOut {
            payment,
            refund,
            is_new: true,
        })
    })
    .await
}

/// What an earlier refund under a key stands for: its request, and its
/// outcome once it was paid out.
fn stored(refund: &Refund) -> Stored<Refund> {
    Stored {
        fingerprint: refund_fingerprint(refund.payment_id, refund.amount_cents),
        outcome: match refund.status {
            RefundStatus::Succeeded => Some(refund.clone()),
            RefundStatus::Pending => None,
        },
    }
}

/// Sends the money back the way it came, keyed by the refund id.
async fn pay_out(state: &AppState, payment: &Payment, refund: &Refund) -> anyhow::Result<()> {
    match payment.method {
        PaymentKind::Card => state
            .processor
            .refund(
                refund.id,
                payment.provider_ref.as_deref(),
                refund.amount_cents,
            )
            .await
            .map(drop)
            .context("card refund failed"),
        PaymentKind::Wallet => state
            .users
            .credit_wallet(
                payment.user_id,
                &WalletMovementRequest {
                    amount_cents: refund.amount_cents,
                    idempotency_key: format!("refund:{}", refund.id),
                    reason: format!("refund for order {}", payment.order_id),
                },
            )
            .await
            .map(drop)
            .context("wallet credit failed"),
    }
}

/// Marks the refund paid out and moves the payment to (partially) refunded.
async fn complete(conn: &mut AsyncPgConnection, booked: &Refund) -> Result<Refund, RefundError> {
    conn.transaction(async |conn| {
        let refund = Refund::mark_succeeded(conn, booked.id).await?;
        let payment = Payment::lock(conn, refund.payment_id)
            .await?
            .ok_or(RefundError::PaymentNotFound)?;
        let fully = payment.refunded_cents >= payment.amount_cents;
        let status = status::next(payment.status, PaymentEvent::RefundPaid { fully })
            .ok_or(RefundError::NotCaptured)?;
        Payment::set_status(conn, payment.id, status).await?;
        Ok(refund)
    })
    .await
}
