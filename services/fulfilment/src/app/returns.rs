//! Returns (RMAs). Asking is answered from what fulfilment holds (the
//! order as `order.paid` described it, its shipment, earlier returns); the
//! returns of one order are counted under the order's row lock. Receiving
//! moves the return to `received` and writes `return.received` for orders
//! in one transaction, once; orders restocks, refunds and credits it (the
//! one place money goes back) and answers `return.refunded`, which moves
//! the return to `refunded`. Fulfilment itself calls no other service.

use std::time::Duration;

use chrono::Utc;
use diesel_async::{AsyncConnection as _, AsyncPgConnection};
use shop_client::wire::{
    ErrorCode,
    fulfilment::{CreateReturnRequest, ReturnResponse},
    orders::ReturnRefundedEvent,
};
use shop_kit::{Problem, auth::AuthUser, numbering::next_number, outbox::OutboxEvent};
use tokio::time::Instant;
use uuid::Uuid;

use crate::{
    app::events,
    db::models::{
        fulfilment::Fulfilment,
        rma::{Rma, RmaLine},
        shipment::Shipment,
    },
    domain::{
        returns::{self as rules, ReturnRequest},
        status::ReturnStatus,
    },
    state::AppState,
};

/// How long receiving waits for orders' `return.refunded` before it
/// answers with the return still `received` (staff see it refunded in the
/// same click when orders is well; nothing waits on orders otherwise).
const REFUND_WAIT: Duration = Duration::from_secs(5);
/// How often the wait looks at the return's row.
const REFUND_POLL: Duration = Duration::from_millis(50);

fn not_found() -> Problem {
    Problem::not_found("return")
}

/// `POST /api/returns`: a new RMA in `requested`. An order fulfilment never
/// heard of, or someone else's, is a 404.
pub async fn create(
    state: &AppState,
    user: &AuthUser,
    request: &CreateReturnRequest,
) -> Result<Rma, Problem> {
    let request = ReturnRequest::parse(request)?;
    let window_days = state.settings.return_window_days;
    let mut conn = state.db.get().await?;
    let rma = conn
        .transaction(async |conn| {
            let order = Fulfilment::lock(conn, request.order_id)
                .await?
                .filter(|f| f.user_id == user.id || user.is_admin())
                .ok_or_else(|| Problem::not_found("order"))?;
            let delivered_at = Shipment::for_order(conn, order.order_id)
                .await?
                .and_then(|s| s.delivered_at)
                .ok_or_else(|| {
                    Problem::conflict(
                        ErrorCode::NotDelivered,
                        "only a delivered order can be returned",
                    )
                })?;
            let now = Utc::now();
            if !rules::within_window(delivered_at, now, window_days) {
                return Err(Problem::conflict(
                    ErrorCode::ReturnWindowClosed,
                    format!("returns are accepted for {window_days} days after delivery"),
                ));
            }
            let returned = Rma::returned_quantities(conn, order.order_id).await?;
            let priced = rules::priced_lines(&request.lines, &order.order_lines(), &returned)?;
            let id = Uuid::now_v7();
            let rma = Rma {
                id,
                number: next_number(conn, "RMA", now).await?,
                order_id: order.order_id,
                user_id: order.user_id,
                reason: request.reason.clone(),
                status: ReturnStatus::Requested,
                refund_cents: rules::refund_cents(&priced),
                restocked_at: None,
                refunded_at: None,
                received_at: None,
                created_at: now,
                updated_at: now,
            };
            let lines: Vec<RmaLine> = priced
                .into_iter()
                .map(|l| RmaLine {
                    return_id: id,
                    product_id: l.product_id,
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                })
                .collect();
            Rma::insert(conn, rma.clone(), &lines).await?;
            Ok::<_, Problem>(rma)
        })
        .await?;
    tracing::info!(rma = %rma.number, order_id = %rma.order_id, refund_cents = rma.refund_cents, "return requested");
    Ok(rma)
}

/// What receiving a return came to.
#[derive(Debug)]
pub enum Receipt {
    /// Orders restocked, refunded and credited it.
    Refunded(Rma),
    /// Received; orders has not answered `return.refunded` yet (it or the
    /// relay is retrying).
    Refunding(Rma),
}

/// `POST /api/admin/returns/{id}/receive`: the parcel is back. The first
/// receive moves the return to `received` and announces it to orders;
/// a repeated or concurrent one changes nothing. Either waits briefly for
/// orders to finish.
pub async fn receive(state: &AppState, id: Uuid) -> Result<Receipt, Problem> {
    let (rma, announced) = {
        let mut conn = state.db.get().await?;
        conn.transaction(async |conn| {
            let Some(received) = Rma::mark_received(conn, id).await? else {
                let rma = Rma::find(conn, id).await?.ok_or_else(not_found)?;
                return Ok((rma, false));
            };
            let lines = Rma::lines(conn, id).await?;
            OutboxEvent::insert(conn, events::return_received(&received, &lines)?).await?;
            Ok::<_, Problem>((received, true))
        })
        .await?
    };
    if announced {
        state.relay.wake();
        tracing::info!(rma = %rma.number, refund_cents = rma.refund_cents, "return received; orders refunds it");
    }
    wait_for_refund(state, rma).await
}

/// Looks at the return until it is refunded or [`REFUND_WAIT`] is over.
async fn wait_for_refund(state: &AppState, mut rma: Rma) -> Result<Receipt, Problem> {
    let deadline = Instant::now() + REFUND_WAIT;
    loop {
        match rma.status {
            ReturnStatus::Refunded => return Ok(Receipt::Refunded(rma)),
            ReturnStatus::Requested | ReturnStatus::Received if Instant::now() >= deadline => {
                return Ok(Receipt::Refunding(rma));
            }
            ReturnStatus::Requested | ReturnStatus::Received => {}
        }
        tokio::time::sleep(REFUND_POLL).await;
        let mut conn = state.db.get().await?;
        rma = Rma::find(&mut conn, rma.id).await?.ok_or_else(not_found)?;
    }
}

/// `return.refunded` from orders: the goods were restocked and the money
/// is back, so the return is `refunded` (once; a repeat answers it as it is).
pub async fn refunded(
    state: &AppState,
    id: Uuid,
    event: &ReturnRefundedEvent,
) -> Result<Rma, Problem> {
    if event.return_id != id {
        return Err(Problem::invalid_field(
            "return_id",
            "must be the return in the path",
        ));
    }
    let mut conn = state.db.get().await?;
    let (rma, moved) = conn
        .transaction(async |conn| {
            let rma = Rma::lock(conn, id).await?.ok_or_else(not_found)?;
            if rma.order_id != event.order_id {
                return Err(Problem::invalid_field(
                    "order_id",
                    "is not the return's order",
                ));
            }
            match rma.status {
                ReturnStatus::Refunded => Ok((rma, false)),
                ReturnStatus::Received => {
                    let refunded = Rma::mark_refunded(conn, id).await?.ok_or_else(|| {
                        Problem::internal(anyhow::anyhow!("a locked return moved"))
                    })?;
                    Ok((refunded, true))
                }
                // Orders refunds only what `return.received` announced.
                ReturnStatus::Requested => Err(Problem::conflict(
                    ErrorCode::InvalidTransition,
                    format!("return {} was never received", rma.number),
                )),
            }
        })
        .await?;
    if moved {
        tracing::info!(rma = %rma.number, credit_note = %event.credit_note_number, refund_cents = event.refund_cents, "return refunded by orders");
    }
    Ok(rma)
}

/// Whether the return waits on orders, so a failed delivery of its
/// `return.received` is worth showing.
fn awaits_orders(status: ReturnStatus) -> bool {
    match status {
        ReturnStatus::Received => true,
        ReturnStatus::Requested | ReturnStatus::Refunded => false,
    }
}

/// The return as the buyer and staff see it, with why orders has not taken
/// it yet when a delivery failed.
pub async fn describe(conn: &mut AsyncPgConnection, rma: &Rma) -> Result<ReturnResponse, Problem> {
    let lines = Rma::lines(conn, rma.id).await?;
    let last_error = if awaits_orders(rma.status) {
        events::last_delivery_error(conn, rma.id).await?
    } else {
        None
    };
    Ok(rma.to_response(&lines, last_error))
}

/// [`describe`] for a page of returns, in its order, with two queries
/// however long the page is.
pub async fn describe_all(
    conn: &mut AsyncPgConnection,
    rmas: &[Rma],
) -> Result<Vec<ReturnResponse>, Problem> {
    let ids: Vec<Uuid> = rmas.iter().map(|r| r.id).collect();
    let mut lines = Rma::lines_of(conn, &ids).await?;
    let waiting: Vec<Uuid> = rmas
        .iter()
        .filter(|r| awaits_orders(r.status))
        .map(|r| r.id)
        .collect();
    let mut errors = events::last_delivery_errors(conn, &waiting).await?;
    Ok(rmas
        .iter()
        .map(|r| {
            r.to_response(
                &lines.remove(&r.id).unwrap_or_default(),
                errors.remove(&r.id),
            )
        })
        .collect())
}
