//! The checkout saga (ARCHITECTURE.md, "Checkout"), orchestrated here, one
//! step per module: [`price`] the cart, write the order, [`reserve`] the
//! stock (reservation id = order id), [`charge`] once (payments is idempotent
//! per order id) and commit the stock, then [`finish`] in one transaction:
//! paid, invoiced, `order.paid` in the outbox, the cart emptied, the reply
//! stored. A request with a key seen before is [`resume`]d.
//!
//! Every step's outcome is written before the next one starts, and only the
//! holder of the order's lease drives it. Whoever drives an order (the
//! checkout request, a retry with the same key, or the recovery worker) runs
//! the same [`drive`] from the order's persisted status.

mod charge;
mod finish;
mod price;
mod reserve;
mod resume;

pub use finish::release_lease;

use chrono::Utc;
use shop_client::wire::{
    payments::{PaymentKind, PaymentMethod},
    users::Address,
};
use shop_kit::{Problem, auth::AuthUser, idempotency::IdempotencyKey};
use uuid::Uuid;

use crate::{
    db::models::{
        checkout_key::{CheckoutKey, Claimed},
        order::Order,
        order_line::OrderLineRow,
    },
    domain::{
        checkout::{Checkout, Destination},
        outcome::{CheckoutOutcome, Reply},
        status::OrderStatus,
    },
    state::AppState,
};

/// What a checkout request is answered with.
#[derive(Debug)]
pub enum Answer {
    /// The checkout ran (now) to this outcome.
    Outcome(CheckoutOutcome),
    /// The stored reply of an earlier request with the same key and body.
    Replay(Reply),
    /// The order ended before (a retry after its reply was lost): its state.
    Finished(Reply),
}

/// `POST /api/orders` after the body and the key passed their checks.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn checkout(
    state: &AppState,
    user: &AuthUser,
    key: IdempotencyKey,
    checkout: Checkout,
) -> Result<Answer, Problem> {
    if let Some(answer) = resume::with_key(state, user.id, &key, &checkout).await? {
        return Ok(answer);
    }
    let (lines, total_cents) = price::price_cart(state, user.id).await?;
    let address = destination(state, user.id, &checkout.destination).await?;
    let now = Utc::now();
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let order = Order {
        id: Uuid::now_v7(),
        user_id: user.id,
        status: OrderStatus::Pending,
        total_cents,
        refunded_cents: 0,
        currency: state.settings.currency.clone(),
        payment_method: checkout.method(),
        payment_id: None,
        failure_code: None,
        shipping_address: serde_json::to_value(&address).map_err(Problem::internal)?,
        lease_until: Some(now + lease),
        delivered_at: None,
        created_at: now,
        updated_at: now,
    };
    let lines: Vec<OrderLineRow> = lines
        .into_iter()
        .map(|line| OrderLineRow {
            order_id: order.id,
            ..line
        })
        .collect();
    let claimed = {
        let mut conn = state.db.get().await?;
        CheckoutKey::claim_with_order(
            &mut conn,
            &order,
            &lines,
            user.id,
            key.as_str(),
            checkout.fingerprint.as_str(),
        )
        .await?
    };
    if claimed == Claimed::ByAnother {
        // Another request with this key won the race: go on as its retry.
        return resume::with_key(state, user.id, &key, &checkout)
            .await?
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("checkout key vanished")));
    }
    tracing::info!(order_id = %order.id, total_cents, "order placed");
    drive(state, order, Some(&checkout.payment), Some(lines))
        .await
        .map(Answer::Outcome)
}

/// Where the parcel goes: the address given, or the saved one it names.
async fn destination(
    state: &AppState,
    user_id: Uuid,
    destination: &Destination,
) -> Result<Address, Problem> {
    match destination {
        Destination::Given(address) => Ok(address.clone()),
        Destination::Saved(id) => state
            .users
            .address(user_id, *id)
            .await?
            .map(|saved| saved.address)
            .ok_or_else(|| {
                Problem::invalid_field("address_id", "is not one of your saved addresses")
            }),
    }
}

/// Drives a leased order from where it stands to an outcome, then gives the
/// lease back. `payment` is the buyer's method when a request drives it;
/// the recovery worker has none (a card is never stored). `lines` saves
/// reading them again when the caller just wrote them.
pub async fn drive(
    state: &AppState,
    order: Order,
    payment: Option<&PaymentMethod>,
    lines: Option<Vec<OrderLineRow>>,
) -> Result<CheckoutOutcome, Problem> {
    let id = order.id;
    let result = drive_leased(state, order, payment, lines).await;
    let label = result
        .as_ref()
        .map_or("unavailable", CheckoutOutcome::label);
    state.metrics.checkouts.with_label_values(&[label]).inc();
    if result.is_err() {
        // The transaction that writes an outcome gives the lease back; a
        // failed step must too, so a retry need not wait for it to lapse.
        finish::release_lease(state, id).await;
    }
    result
}

#[tracing::instrument(skip_all, fields(order_id = %order.id))]
async fn drive_leased(
    state: &AppState,
    mut order: Order,
    payment: Option<&PaymentMethod>,
    lines: Option<Vec<OrderLineRow>>,
) -> Result<CheckoutOutcome, Problem> {
    let lines = match lines {
        Some(lines) => lines,
        None => {
            let mut conn = state.db.get().await?;
            Order::lines(&mut conn, order.id).await?
        }
    };
    loop {
        order = match order.status {
            // A card checkout cut off before the charge: the card is gone
            // with the request, so give back whatever might be held.
            OrderStatus::Pending
                if payment.is_none() && order.payment_method == PaymentKind::Card =>
            {
                return finish::abandon(state, &order).await;
            }
            OrderStatus::Pending => match reserve::reserve(state, &order, &lines).await? {
                reserve::Held::Reserved(reserved) => reserved,
                reserve::Held::Short(short) => return finish::reject(state, &order, short).await,
            },
            OrderStatus::Reserved => {
                return charge::charge_and_commit(state, &order, &lines, payment).await;
            }
            other => {
                return Err(Problem::internal(anyhow::anyhow!(
                    "a leased order is {other}, not unfinished"
                )));
            }
        };
    }
}
