//! Step 7 and every other ending: one transaction writes the order's final
//! status and the reply a replay will answer with. Paid also issues the
//! invoice, writes `order.paid` to the outbox and empties the cart.

use diesel_async::AsyncConnection as _;
use shop_client::wire::{events::EventType, orders::OrderPaidEvent};
use shop_kit::{Problem, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    db::models::{
        cart::CartItem,
        checkout_key::CheckoutKey,
        document::Invoice,
        order::{Changes, Order},
        order_line::OrderLineRow,
    },
    domain::{
        outcome::{CheckoutOutcome, ShortLine},
        status::OrderStatus,
    },
    state::AppState,
};

/// Why a transaction that writes an outcome did not commit.
#[derive(Debug)]
enum Unwritten {
    /// The order was not in the status this driver saw: someone else moved
    /// it, which the lease should have made impossible.
    Moved,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Unwritten {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

impl From<Unwritten> for Problem {
    fn from(error: Unwritten) -> Self {
        match error {
            Unwritten::Moved => Problem::internal(anyhow::anyhow!("order moved while leased")),
            Unwritten::Db(error) => error.into(),
        }
    }
}

/// Stock was short: the order is `rejected`, nothing was charged.
pub async fn reject(
    state: &AppState,
    order: &Order,
    lines: Vec<ShortLine>,
) -> Result<CheckoutOutcome, Problem> {
    fail(
        state,
        order,
        OrderStatus::Rejected,
        "out_of_stock",
        None,
        CheckoutOutcome::OutOfStock { lines },
    )
    .await
}

/// The checkout cannot go on (a card checkout lost its card): release the
/// stock and fail the order. Nothing was charged: payments has no payment.
pub async fn abandon(state: &AppState, order: &Order) -> Result<CheckoutOutcome, Problem> {
    release(state, order).await?;
    fail(
        state,
        order,
        OrderStatus::Failed,
        "checkout_interrupted",
        None,
        CheckoutOutcome::Interrupted,
    )
    .await
}

/// Releases the hold; a hold that never existed is fine.
pub async fn release(state: &AppState, order: &Order) -> Result<(), Problem> {
    state.catalogue.release_reservation(order.id).await?;
    Ok(())
}

/// Gives the lease back (best effort: it lapses anyway).
pub async fn release_lease(state: &AppState, id: Uuid) {
    let released = match state.db.get().await {
        Ok(mut conn) => Order::release_lease(&mut conn, id)
            .await
            .map_err(anyhow::Error::from),
        Err(e) => Err(anyhow::Error::from(e)),
    };
    if let Err(error) = released {
        tracing::warn!(order_id = %id, %error, "could not give the lease back; it will expire");
    }
}

/// Writes a final status other than paid and the stored reply, in one
/// transaction, from the status the order is in now.
pub async fn fail(
    state: &AppState,
    order: &Order,
    to: OrderStatus,
    failure_code: &str,
    payment_id: Option<Uuid>,
    outcome: CheckoutOutcome,
) -> Result<CheckoutOutcome, Problem> {
    let reply = outcome.reply();
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        Order::transition(
            conn,
            order.id,
            order.status,
            to,
            Changes {
                failure_code: Some(failure_code),
                payment_id,
                release_lease: true,
                ..Changes::default()
            },
        )
        .await?
        .ok_or(Unwritten::Moved)?;
        CheckoutKey::store_reply(conn, order.id, &reply).await?;
        Ok::<_, Unwritten>(())
    })
    .await?;
    tracing::info!(order_id = %order.id, status = %to, "checkout finished");
    Ok(outcome)
}

/// Step 7, in one transaction: paid, invoice, `order.paid` in the outbox,
/// the cart emptied of what was bought, the reply stored.
pub async fn mark_paid(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    payment_id: Uuid,
) -> Result<CheckoutOutcome, Problem> {
    let mut conn = state.db.get().await?;
    let paid = conn
        .transaction(async |conn| {
            let paid = Order::transition(
                conn,
                order.id,
                OrderStatus::Reserved,
                OrderStatus::Paid,
                Changes {
                    payment_id: Some(payment_id),
                    release_lease: true,
                    ..Changes::default()
                },
            )
            .await?
            .ok_or(Unwritten::Moved)?;
            let event = OrderPaidEvent {
                event_id: Uuid::now_v7(),
                order_id: paid.id,
                user_id: paid.user_id,
                lines: lines.iter().map(OrderLineRow::to_wire).collect(),
                shipping_address: paid.address(),
                total_cents: paid.total_cents,
                currency: paid.currency.clone(),
                paid_at: paid.updated_at,
            };
            let payload = serde_json::to_value(&event)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            OutboxEvent::insert(
                conn,
                OutboxEvent::new(event.event_id, EventType::OrderPaid, paid.id, payload),
            )
            .await?;
            let bought: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
            CartItem::remove_ordered(conn, paid.user_id, &bought).await?;
            // Last: the invoice number is drawn, the invoice written and the
            // stored reply completed in one statement, so the invoice
            // counter's row lock is held only for it and the commit.
            let invoice_id = Uuid::now_v7();
            let mut response = paid.to_response(lines, Some((invoice_id, String::new())));
            let reply = CheckoutOutcome::Paid(Box::new(response.clone())).reply();
            let number = Invoice::issue_with_reply(
                conn,
                invoice_id,
                order.id,
                paid.total_cents,
                &paid.currency,
                &reply.body,
            )
            .await?;
            response.invoice_number = Some(number);
            Ok::<_, Unwritten>(response)
        })
        .await?;
    state.relay.wake();
    tracing::info!(order_id = %order.id, invoice = paid.invoice_number.as_deref().unwrap_or("-"), "order paid");
    Ok(CheckoutOutcome::Paid(Box::new(paid)))
}
