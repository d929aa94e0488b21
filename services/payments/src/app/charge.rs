//! Charging an order once: the payment row is written before any money
//! moves, the card processor and the wallet are asked with the payment id
//! as their idempotency key, a repeat of the request is judged against the
//! order's payment (the order id is the natural key), and a caller that
//! arrives while the first is still charging waits for its outcome, or
//! drives the payment itself once its first driver has gone quiet.

use std::time::Duration;

use shop_client::{
    WalletError, backoff,
    card::Card,
    wire::{
        payments::{DeclineCode, PaymentStatus},
        users::WalletMovementRequest,
    },
};
use shop_kit::{
    Problem,
    idempotency::{self, Decision, Stored},
};
use uuid::Uuid;

use crate::{
    db::models::payment::Payment,
    domain::{
        charge::{
            CardStep, Method, NewPayment, Settlement, after_card_attempt, charge_fingerprint,
        },
        status,
    },
    state::AppState,
};

/// How long a caller waits for a charge someone else is making.
const WAIT_FOR_SETTLE: Duration = Duration::from_secs(10);
/// How often a waiting caller looks again.
const POLL_EVERY: Duration = Duration::from_millis(25);

/// Where a charge request ended up.
pub enum Outcome {
    /// This request made the payment (it may be declined or failed).
    Created(Payment),
    /// The order already had a settled payment: the first outcome.
    Replayed(Payment),
    /// Still being charged (or its outcome is unknown for now).
    Pending(Payment),
}

impl Outcome {
    /// `payment` as this request's outcome: made by it (`first`) or not.
    fn of(payment: Payment, first: bool) -> Self {
        match (status::is_settled(payment.status), first) {
            (false, _) => Self::Pending(payment),
            (true, true) => Self::Created(payment),
            (true, false) => Self::Replayed(payment),
        }
    }
}

/// Charges the order once, whoever asks and however often. The same order
/// with another payer, amount or method is `409 idempotency_key_reused`.
#[tracing::instrument(skip_all, fields(order_id = %new.order_id))]
pub async fn pay(state: &AppState, new: NewPayment) -> Result<Outcome, Problem> {
    let inserted = {
        let mut conn = state.db.get().await?;
        Payment::insert_if_absent(&mut conn, Payment::pending(&new, &state.currency)).await?
    };
    if let Some(payment) = inserted {
        let payment = drive(state, payment, &new.method).await?;
        return Ok(Outcome::of(payment, true));
    }

    let existing = {
        let mut conn = state.db.get().await?;
        Payment::find_by_order(&mut conn, new.order_id)
            .await?
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("payment vanished")))?
    };
    let decision =
        idempotency::judge(Some(stored(&existing)), &new.fingerprint()).map_err(|reused| {
            reused.detail("this order already has a payment with another amount, payer or method")
        })?;
    match decision {
        Decision::Replay(payment) => Ok(Outcome::Replayed(payment)),
        // Pending: its first driver is charging now, or crashed or gave up.
        // `New` cannot come back for an order whose payment was found.
        Decision::Unfinished | Decision::New => resume(state, existing, &new.method).await,
    }
}

/// What the order's payment stands for: the charge it was made for, and
/// its outcome once settled.
fn stored(payment: &Payment) -> Stored<Payment> {
    Stored {
        fingerprint: charge_fingerprint(payment.user_id, payment.amount_cents, payment.method),
        outcome: status::is_settled(payment.status).then(|| payment.clone()),
    }
}

/// Finishes a pending payment: drives it if its first driver has gone
/// quiet (this request carries what is needed), else waits for its outcome.
async fn resume(state: &AppState, pending: Payment, method: &Method) -> Result<Outcome, Problem> {
    let claimed = {
        let mut conn = state.db.get().await?;
        let stale = i64::try_from(state.stale_after.as_secs()).unwrap_or(30);
        Payment::claim_stale(&mut conn, pending.id, stale).await?
    };
    let payment = match claimed {
        Some(payment) => drive(state, payment, method).await?,
        None => wait_until_settled(state, pending.id).await?,
    };
    Ok(Outcome::of(payment, false))
}

/// The payment once it is settled, or as it is after [`WAIT_FOR_SETTLE`].
async fn wait_until_settled(state: &AppState, id: Uuid) -> Result<Payment, Problem> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_SETTLE;
    loop {
        let payment = {
            let mut conn = state.db.get().await?;
            Payment::find(&mut conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("payment"))?
        };
        if status::is_settled(payment.status) || tokio::time::Instant::now() >= deadline {
            return Ok(payment);
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Makes the charge and settles the payment by its outcome; a payment whose
/// outcome is unknown stays pending.
async fn drive(state: &AppState, payment: Payment, method: &Method) -> Result<Payment, Problem> {
    let settlement = match method {
        Method::Card(card) => Some(charge_card(state, &payment, card).await?),
        Method::Wallet => debit_wallet(state, &payment).await,
    };
    match settlement {
        Some(settlement) => settle(state, payment.id, &settlement).await,
        None => Ok(payment),
    }
}

/// Asks the processor until it answers for good or the attempts run out,
/// waiting the shop's one backoff between attempts.
async fn charge_card(
    state: &AppState,
    payment: &Payment,
    card: &Card,
) -> Result<Settlement, Problem> {
    let mut attempt = 1;
    loop {
        if attempt > 1 {
            let mut conn = state.db.get().await?;
            Payment::record_attempt(&mut conn, payment.id, attempt).await?;
        }
        let answer = state
            .processor
            .charge(payment.id, card, payment.amount_cents)
            .await;
        // The last attempt always settles, so the loop ends.
        match after_card_attempt(answer, attempt) {
            CardStep::Settle(settlement) => return Ok(settlement),
            CardStep::Retry => {
                tracing::warn!(payment_id = %payment.id, attempt, "transient card failure, retrying");
                tokio::time::sleep(backoff::delay(state.retry_base, attempt)).await;
                attempt += 1;
            }
        }
    }
}

/// Debits the payer's wallet; `None` when the outcome is unknown.
async fn debit_wallet(state: &AppState, payment: &Payment) -> Option<Settlement> {
    let request = WalletMovementRequest {
        amount_cents: payment.amount_cents,
        idempotency_key: format!("payment:{}", payment.id),
        reason: format!("order {}", payment.order_id),
    };
    match state.users.debit_wallet(payment.user_id, &request).await {
        Ok(entry) => Some(Settlement::Captured {
            reference: entry.entry_id.to_string(),
        }),
        Err(WalletError::InsufficientFunds) => {
            Some(Settlement::Declined(DeclineCode::InsufficientFunds))
        }
        Err(WalletError::NoWallet) => Some(Settlement::Declined(DeclineCode::WalletNotFound)),
        Err(WalletError::Client(error)) if error.never_sent() => {
            tracing::warn!(payment_id = %payment.id, %error, "wallet unreachable: nothing was debited");
            Some(Settlement::Failed(DeclineCode::WalletUnavailable))
        }
        Err(error @ (WalletError::KeyReused | WalletError::Client(_))) => {
            // The debit may or may not have happened: stay pending, so a
            // retry or recovery asks again with the same key.
            tracing::warn!(payment_id = %payment.id, %error, "wallet outcome unknown; payment stays pending");
            None
        }
    }
}

/// Settles the pending payment as `settlement` says, and counts it.
async fn settle(state: &AppState, id: Uuid, settlement: &Settlement) -> Result<Payment, Problem> {
    let to = status::next(PaymentStatus::Pending, settlement.event())
        .ok_or_else(|| Problem::internal(anyhow::anyhow!("a pending payment cannot settle so")))?;
    let payment = {
        let mut conn = state.db.get().await?;
        Payment::settle(&mut conn, id, to, settlement).await?
    };
    tracing::info!(
        payment_id = %id,
        status = %payment.status,
        decline_code = settlement.decline_code().map_or("-", DeclineCode::as_str),
        "payment settled"
    );
    state
        .settled
        .with_label_values(&[payment.method.as_str(), payment.status.as_str()])
        .inc();
    Ok(payment)
}
