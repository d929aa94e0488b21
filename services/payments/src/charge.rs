//! Charging once per order: the payment row is written before any money
//! moves, the card processor and the wallet are asked with the payment id as
//! their idempotency key, and a caller that arrives while the first is still
//! charging waits for its outcome instead of charging again.

use std::time::Duration;

use rand::Rng as _;
use shop_client::card::Card;
use shop_client::wire::{
    payments::{CreatePaymentRequest, PaymentMethod},
    users::WalletMovementRequest,
};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    adapter::ChargeOutcome,
    db::models::payment::{Payment, is_settled},
    startup::AppState,
};

/// Charge attempts for a card: the first and up to two retries.
const CARD_ATTEMPTS: i32 = 3;
/// How long a caller waits for a charge someone else is making.
const WAIT_FOR_SETTLE: Duration = Duration::from_secs(10);

/// How to charge.
pub enum Method {
    Card(Card),
    Wallet,
}

impl Method {
    fn name(&self) -> &'static str {
        match self {
            Self::Card(_) => "card",
            Self::Wallet => "wallet",
        }
    }
}

/// A charge request that passed every check.
pub struct NewPayment {
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub method: Method,
}

/// Checks the request; a bad card is a 422 before anything is charged.
pub fn parse(request: &CreatePaymentRequest, today: (i32, u32)) -> Result<NewPayment, Problem> {
    if !(1..=100_000_000_000).contains(&request.amount_cents) {
        return Err(Problem::invalid_field(
            "amount_cents",
            "must be a positive number of cents",
        ));
    }
    let method = match &request.method {
        PaymentMethod::Card {
            card_number,
            exp_month,
            exp_year,
            cvc,
        } => Method::Card(
            Card::parse(card_number, *exp_month, *exp_year, cvc, today)
                .map_err(Problem::validation)?,
        ),
        PaymentMethod::Wallet => Method::Wallet,
    };
    Ok(NewPayment {
        order_id: request.order_id,
        user_id: request.user_id,
        amount_cents: request.amount_cents,
        method,
    })
}

/// Where a charge request ended up.
pub enum Outcome {
    /// This request made the payment (it may be declined or failed).
    Created(Payment),
    /// The order already had a settled payment: the first outcome.
    Replayed(Payment),
    /// Still being charged (or its outcome is unknown for now).
    Pending(Payment),
}

/// Charges the order once, whoever asks and however often.
#[tracing::instrument(skip_all, fields(order_id = %new.order_id))]
pub async fn pay(state: &AppState, new: NewPayment) -> Result<Outcome, Problem> {
    let (brand, last4) = match &new.method {
        Method::Card(card) => (
            Some(card.number.brand().to_owned()),
            Some(card.number.last4().to_owned()),
        ),
        Method::Wallet => (None, None),
    };
    let now = chrono::Utc::now();
    let row = Payment {
        id: Uuid::now_v7(),
        order_id: new.order_id,
        user_id: new.user_id,
        amount_cents: new.amount_cents,
        currency: state.currency.clone(),
        status: "pending".to_owned(),
        method: new.method.name().to_owned(),
        card_brand: brand,
        card_last4: last4,
        refunded_cents: 0,
        created_at: now,
        updated_at: now,
        // The first attempt is recorded with the row itself.
        attempts: 1,
        decline_code: None,
        provider_ref: None,
    };
    let inserted = {
        let mut conn = state.db.get().await?;
        Payment::insert_if_absent(&mut conn, &row).await?
    };
    if let Some(payment) = inserted {
        let payment = drive(state, payment, &new.method).await?;
        return Ok(if is_settled(&payment.status) {
            Outcome::Created(payment)
        } else {
            Outcome::Pending(payment)
        });
    }

    let existing = {
        let mut conn = state.db.get().await?;
        Payment::find_by_order(&mut conn, new.order_id)
            .await?
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("payment vanished")))?
    };
    if existing.user_id != new.user_id
        || existing.amount_cents != new.amount_cents
        || existing.method != new.method.name()
    {
        return Err(Problem::conflict(
            "idempotency_key_reused",
            "this order already has a payment with another amount, payer or method",
        ));
    }
    if is_settled(&existing.status) {
        return Ok(Outcome::Replayed(existing));
    }
    // Its driver crashed or gave up: this request carries what is needed to finish it.
    let claimed = {
        let mut conn = state.db.get().await?;
        let stale = i64::try_from(state.stale_after.as_secs()).unwrap_or(30);
        Payment::claim_stale(&mut conn, existing.id, stale).await?
    };
    if let Some(payment) = claimed {
        let payment = drive(state, payment, &new.method).await?;
        return Ok(if is_settled(&payment.status) {
            Outcome::Replayed(payment)
        } else {
            Outcome::Pending(payment)
        });
    }
    let payment = wait_until_settled(state, existing.id).await?;
    Ok(if is_settled(&payment.status) {
        Outcome::Replayed(payment)
    } else {
        Outcome::Pending(payment)
    })
}

async fn wait_until_settled(state: &AppState, id: Uuid) -> Result<Payment, Problem> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_SETTLE;
    loop {
        let payment = {
            let mut conn = state.db.get().await?;
            Payment::find(&mut conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("payment"))?
        };
        if is_settled(&payment.status) || tokio::time::Instant::now() >= deadline {
            return Ok(payment);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Exponential backoff with jitter: a random delay in [d/2, d], d = base * 2^(n-1).
fn backoff(base: Duration, attempt: i32) -> Duration {
    let full = base.saturating_mul(2u32.saturating_pow(u32::try_from(attempt - 1).unwrap_or(0)));
    let ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX).max(1);
    Duration::from_millis(rand::rng().random_range(ms / 2..=ms))
}

async fn settle(
    state: &AppState,
    id: Uuid,
    status: &str,
    code: Option<&str>,
    reference: Option<&str>,
) -> Result<Payment, Problem> {
    let mut conn = state.db.get().await?;
    let payment = Payment::settle(&mut conn, id, status, code, reference).await?;
    tracing::info!(payment_id = %id, status = %payment.status, decline_code = code.unwrap_or("-"), "payment settled");
    state
        .settled
        .with_label_values(&[&payment.method, &payment.status])
        .inc();
    Ok(payment)
}

/// Makes the charge; the payment id is the idempotency key everywhere.
async fn drive(state: &AppState, payment: Payment, method: &Method) -> Result<Payment, Problem> {
    match method {
        Method::Card(card) => {
            for attempt in 1..=CARD_ATTEMPTS {
                if attempt > 1 {
                    let mut conn = state.db.get().await?;
                    Payment::record_attempt(&mut conn, payment.id, attempt).await?;
                }
                match state
                    .processor
                    .charge(payment.id, card, payment.amount_cents)
                    .await
                {
                    ChargeOutcome::Approved { reference } => {
                        return settle(state, payment.id, "succeeded", None, Some(&reference))
                            .await;
                    }
                    ChargeOutcome::Declined { code } => {
                        return settle(state, payment.id, "declined", Some(code), None).await;
                    }
                    ChargeOutcome::Transient if attempt < CARD_ATTEMPTS => {
                        tracing::warn!(payment_id = %payment.id, attempt, "transient card failure, retrying");
                        tokio::time::sleep(backoff(state.retry_base, attempt)).await;
                    }
                    ChargeOutcome::Transient => {}
                }
            }
            settle(
                state,
                payment.id,
                "failed",
                Some("processor_unavailable"),
                None,
            )
            .await
        }
        Method::Wallet => {
            let request = WalletMovementRequest {
                amount_cents: payment.amount_cents,
                idempotency_key: format!("payment:{}", payment.id),
                reason: format!("order {}", payment.order_id),
            };
            match state.users.debit_wallet(payment.user_id, &request).await {
                Ok(entry) => {
                    settle(
                        state,
                        payment.id,
                        "succeeded",
                        None,
                        Some(&entry.entry_id.to_string()),
                    )
                    .await
                }
                Err(e) if e.code() == Some("insufficient_funds") => {
                    settle(
                        state,
                        payment.id,
                        "declined",
                        Some("insufficient_funds"),
                        None,
                    )
                    .await
                }
                Err(e) if e.code() == Some("not_found") => {
                    settle(
                        state,
                        payment.id,
                        "declined",
                        Some("wallet_not_found"),
                        None,
                    )
                    .await
                }
                Err(e) if e.never_sent() => {
                    tracing::warn!(payment_id = %payment.id, error = %e, "wallet unreachable: nothing was debited");
                    settle(
                        state,
                        payment.id,
                        "failed",
                        Some("wallet_unavailable"),
                        None,
                    )
                    .await
                }
                Err(e) => {
                    // The debit may or may not have happened: stay pending, so a
                    // retry or recovery asks again with the same key.
                    tracing::warn!(payment_id = %payment.id, error = %e, "wallet outcome unknown; payment stays pending");
                    Ok(payment)
                }
            }
        }
    }
}
