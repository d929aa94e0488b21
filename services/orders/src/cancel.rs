//! Cancelling an order before it is packed. A paid order is withdrawn from
//! fulfilment first (which refuses once packing started), its stock is put
//! back (once: the restock id is the order id), then, in one
//! transaction, `cancelled` with the money owed recorded and a credit note
//! issued; the refund follows and is retried by the recovery worker until
//! payments confirms it. An order whose checkout never charged is released.

use diesel_async::AsyncConnection as _;
use shop_client::wire::{
    catalogue::{RestockRequest, StockLine},
    payments::RefundRequest,
};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::{
        document::{CreditNote, Invoice},
        order::{Changes, Order},
    },
    domain::status::OrderStatus,
    startup::AppState,
};

/// Cancels the order (idempotent: a cancelled order is answered as it is).
#[tracing::instrument(skip_all, fields(order_id = %order.id))]
pub async fn cancel(state: &AppState, order: Order) -> Result<Order, Problem> {
    match order.status() {
        OrderStatus::Cancelled => Ok(order),
        OrderStatus::Paid => cancel_paid(state, order).await,
        OrderStatus::Pending | OrderStatus::Reserved => cancel_unfinished(state, order).await,
        other => Err(Problem::conflict(
            "not_cancellable",
            format!(
                "an order that is {other} cannot be cancelled; return it after delivery instead"
            ),
        )),
    }
}

async fn cancel_paid(state: &AppState, order: Order) -> Result<Order, Problem> {
    match state.fulfilment.cancel_fulfilment(order.id).await {
        Ok(_) => {}
        Err(e) if e.status() == Some(409) => {
            return Err(Problem::conflict(
                "not_cancellable",
                "the order is already being packed; return it after delivery instead",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    // Sold stock goes back on the shelf, once (the restock id is the order id).
    let lines = {
        let mut conn = state.db.get().await?;
        Order::lines(&mut conn, order.id).await?
    };
    state
        .catalogue
        .restock(&RestockRequest {
            restock_id: order.id,
            items: lines
                .iter()
                .map(|l| StockLine {
                    product_id: l.product_id,
                    quantity: l.quantity,
                })
                .collect(),
        })
        .await?;
    let mut conn = state.db.get().await?;
    let cancelled = conn
        .transaction(async |conn| {
            let current = Order::lock(conn, order.id).await?;
            if current.status() != OrderStatus::Paid {
                return Ok::<_, diesel::result::Error>(current);
            }
            let owed = current.total_cents - current.refunded_cents;
            let moved = Order::transition(
                conn,
                order.id,
                OrderStatus::Paid,
                OrderStatus::Cancelled,
                Changes {
                    refund_due_cents: Some(owed),
                    ..Changes::default()
                },
            )
            .await?
            .ok_or(diesel::result::Error::NotFound)?;
            if let Some(invoice) = Invoice::for_order(conn, order.id).await?
                && owed > 0
            {
                CreditNote::issue(
                    conn,
                    &invoice,
                    owed,
                    "order cancelled",
                    &format!("cancel:{}", order.id),
                )
                .await?;
            }
            Ok(moved)
        })
        .await?;
    drop(conn);
    tracing::info!(order_id = %order.id, "order cancelled");
    if cancelled.refund_due_cents > 0 {
        // If payments cannot be asked now, the recovery worker pays it later.
        if let Err(problem) = settle_refund(state, order.id).await {
            tracing::warn!(order_id = %order.id, %problem, "refund deferred to the recovery worker");
        }
    }
    let mut conn = state.db.get().await?;
    Order::find(&mut conn, order.id)
        .await?
        .ok_or_else(|| Problem::not_found("order"))
}

/// An order whose checkout stopped in the middle: only if payments never
/// charged it, the hold is released and the order cancelled.
async fn cancel_unfinished(state: &AppState, order: Order) -> Result<Order, Problem> {
    let in_progress = || {
        Problem::conflict(
            "checkout_in_progress",
            "the checkout of this order is still being settled; try again shortly",
        )
        .retry_after(5)
    };
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let leased = {
        let mut conn = state.db.get().await?;
        Order::acquire_lease(&mut conn, order.id, lease).await?
    };
    let Some(order) = leased else {
        return Err(in_progress());
    };
    let result = async {
        match state.payments.payment_for_order(order.id).await {
            Err(e) if e.status() == Some(404) => {}
            Ok(_) => return Err(in_progress()),
            Err(e) => return Err(e.into()),
        }
        match state.catalogue.release_reservation(order.id).await {
            Ok(_) => {}
            Err(e) if e.status() == Some(404) => {}
            Err(e) => return Err(Problem::from(e)),
        }
        let mut conn = state.db.get().await?;
        Order::transition(
            &mut conn,
            order.id,
            order.status(),
            OrderStatus::Cancelled,
            Changes {
                failure_code: Some("cancelled_by_customer"),
                ..Changes::default()
            },
        )
        .await?
        .ok_or_else(in_progress)
    }
    .await;
    if let Ok(mut conn) = state.db.get().await {
        Order::release_lease(&mut conn, order.id).await.ok();
    }
    result
}

/// Pays back what a cancelled order is owed, once (the refund's key is the
/// order's), and writes it down.
pub async fn settle_refund(state: &AppState, order_id: Uuid) -> Result<(), Problem> {
    let order = {
        let mut conn = state.db.get().await?;
        Order::find(&mut conn, order_id)
            .await?
            .ok_or_else(|| Problem::not_found("order"))?
    };
    let owed = order.refund_due_cents;
    let Some(payment_id) = order.payment_id.filter(|_| owed > 0) else {
        return Ok(());
    };
    state
        .payments
        .refund(
            payment_id,
            &RefundRequest {
                amount_cents: owed,
                idempotency_key: format!("cancel:{order_id}"),
                reason: "order cancelled".to_owned(),
            },
        )
        .await?;
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        let current = Order::lock(conn, order_id).await?;
        if current.refund_due_cents > 0 {
            Order::add_refunded(conn, order_id, current.refund_due_cents).await?;
            Order::refund_settled(conn, order_id).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    tracing::info!(%order_id, refunded_cents = owed, "cancellation refunded");
    Ok(())
}
