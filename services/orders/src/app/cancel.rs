//! Cancelling an order before it is packed. A paid order is withdrawn from
//! fulfilment first (which refuses once packing started), then one
//! transaction marks it `cancelled` and records its refund, which
//! [`refund::drive`] carries out (restock, money back, credit note) like
//! every other refund. An order whose checkout never charged is released.

use diesel_async::AsyncConnection as _;
use shop_client::{CancelFulfilmentError, wire::ErrorCode};
use shop_kit::{Problem, idempotency};

use crate::{
    app::refund,
    db::models::order::{Changes, Order},
    domain::status::OrderStatus,
    state::AppState,
};

/// Cancels the order (idempotent: a cancelled order is answered as it is).
#[tracing::instrument(skip_all, fields(order_id = %order.id))]
pub async fn cancel(state: &AppState, order: Order) -> Result<Order, Problem> {
    match order.status {
        OrderStatus::Cancelled => Ok(order),
        OrderStatus::Paid => cancel_paid(state, order).await,
        OrderStatus::Pending | OrderStatus::Reserved => cancel_unfinished(state, order).await,
        other => Err(not_cancellable(&format!(
            "an order that is {other} cannot be cancelled; return it after delivery instead"
        ))),
    }
}

fn not_cancellable(detail: &str) -> Problem {
    Problem::conflict(ErrorCode::NotCancellable, detail)
}

async fn cancel_paid(state: &AppState, order: Order) -> Result<Order, Problem> {
    match state.fulfilment.cancel_fulfilment(order.id).await {
        Ok(_) => {}
        Err(CancelFulfilmentError::AlreadyPacked) => {
            return Err(not_cancellable(
                "the order is already being packed; return it after delivery instead",
            ));
        }
        Err(CancelFulfilmentError::Client(error)) => return Err(error.into()),
    }
    let mut conn = state.db.get().await?;
    let recorded = conn
        .transaction(async |conn| {
            let current = Order::lock(conn, order.id).await?;
            if current.status != OrderStatus::Paid {
                // Cancelled by a concurrent request (or moved on): its state.
                return Ok::<_, Problem>(None);
            }
            Order::transition(
                conn,
                order.id,
                OrderStatus::Paid,
                OrderStatus::Cancelled,
                Changes::default(),
            )
            .await?;
            Ok(Some(refund::record_cancellation(conn, &current).await?))
        })
        .await?;
    drop(conn);
    if let Some(recorded) = recorded {
        tracing::info!(order_id = %order.id, "order cancelled");
        // Whatever this pass leaves undone, the recovery worker finishes.
        refund::drive(state, recorded).await;
    }
    let mut conn = state.db.get().await?;
    Order::find(&mut conn, order.id)
        .await?
        .ok_or_else(|| Problem::not_found("order"))
}

/// An order whose checkout stopped in the middle: only if payments never
/// charged it, the hold is released and the order cancelled.
async fn cancel_unfinished(state: &AppState, order: Order) -> Result<Order, Problem> {
    let in_progress = || idempotency::in_progress(ErrorCode::CheckoutInProgress).retry_after(5);
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let leased = {
        let mut conn = state.db.get().await?;
        Order::acquire_lease(&mut conn, order.id, lease).await?
    };
    let Some(order) = leased else {
        return Err(in_progress());
    };
    let result = async {
        if state.payments.payment_for_order(order.id).await?.is_some() {
            return Err(in_progress());
        }
        state.catalogue.release_reservation(order.id).await?;
        let mut conn = state.db.get().await?;
        Order::transition(
            &mut conn,
            order.id,
            order.status,
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
    crate::app::checkout::release_lease(state, order.id).await;
    result
}
