//! Returns (RMAs). Asking: the order must be the caller's, delivered, within
//! `RETURN_WINDOW_DAYS`, and no line may ask back more than was bought minus
//! what earlier returns asked back (returns of one order are counted under
//! the order's row lock). Receiving: restock (restock id = RMA id), refund
//! (key `rma:{id}`), then in one transaction the RMA is `refunded` and a
//! `return.refunded` event for orders' credit note goes to the outbox. Each
//! step is recorded when done; a failed step is retried by the worker.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use diesel_async::AsyncConnection as _;
use shop_client::wire::{
    catalogue::{RestockRequest, StockLine},
    fulfilment::CreateReturnRequest,
    orders::CreditNoteRequest,
    payments::RefundRequest,
};
use shop_kit::{Problem, auth::AuthUser, numbering::next_number, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    db::models::{
        fulfilment::Fulfilment,
        rma::{Rma, RmaLine, Step},
        shipment::Shipment,
    },
    startup::AppState,
};

fn check_request(request: &CreateReturnRequest) -> Result<String, Problem> {
    let mut errors = BTreeMap::new();
    let reason = shop_kit::input::paragraph(500)
        .required()
        .parse(&request.reason)
        .unwrap_or_else(|reason| {
            errors.insert("reason".to_owned(), reason);
            String::new()
        });
    if request.lines.is_empty() || request.lines.len() > 100 {
        errors.insert("lines".to_owned(), "must have 1 to 100 lines".to_owned());
    }
    let mut seen = HashSet::new();
    for line in &request.lines {
        if line.quantity < 1 {
            errors.insert(
                "lines".to_owned(),
                "every quantity must be at least 1".to_owned(),
            );
        }
        if !seen.insert(line.product_id) {
            errors.insert(
                "lines".to_owned(),
                "each product may appear once".to_owned(),
            );
        }
    }
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(Problem::validation(errors))
    }
}

fn not_delivered() -> Problem {
    Problem::conflict("not_delivered", "only a delivered order can be returned")
}

/// `POST /api/returns`: a new RMA in `requested`.
pub async fn create(
    state: &AppState,
    user: &AuthUser,
    request: &CreateReturnRequest,
) -> Result<(Rma, Vec<RmaLine>), Problem> {
    let reason = check_request(request)?;
    let window = chrono::Duration::days(state.settings.return_window_days);
    let mine = |owner: Uuid| owner == user.id || user.is_admin();
    let known = {
        let mut conn = state.db.get().await?;
        Fulfilment::find(&mut conn, request.order_id).await?
    };
    if known.is_none() {
        // Paid moments ago, its `order.paid` may still be on its way: orders
        // knows whether it is the caller's (then it is simply not delivered).
        return Err(match state.orders.order(request.order_id).await {
            Ok(order) if mine(order.user_id) => not_delivered(),
            Ok(_) => Problem::not_found("order"),
            Err(e) if e.status() == Some(404) => Problem::not_found("order"),
            Err(e) => e.into(),
        });
    }
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        let order = Fulfilment::lock(conn, request.order_id)
            .await?
            .filter(|f| mine(f.user_id))
            .ok_or_else(|| Problem::not_found("order"))?;
        let delivered_at = Shipment::for_order(conn, order.order_id)
            .await?
            .and_then(|s| s.delivered_at)
.ok_or_else(not_delivered)?;
        if delivered_at + window < Utc::now() {
            return Err(Problem::conflict(
                "return_window_closed",
                format!(
                    "returns are accepted for {} days after delivery",
                    state.settings.return_window_days
                ),
            ));
        }
        let bought: HashMap<Uuid, (i64, i64)> = order
            .order_lines()
            .iter()
            .map(|l| (l.product_id, (i64::from(l.quantity), l.unit_price_cents)))
            .collect();
        let returned = Rma::returned_quantities(conn, order.order_id).await?;
        let id = Uuid::now_v7();
        let mut lines = Vec::with_capacity(request.lines.len());
        for line in &request.lines {
            let Some((quantity, price)) = bought.get(&line.product_id) else {
                return Err(Problem::invalid_field(
                    "lines",
                    format!("product {} is not in the order", line.product_id),
                ));
            };
            let left = quantity - returned.get(&line.product_id).copied().unwrap_or(0);
            if i64::from(line.quantity) > left {
                return Err(Problem::invalid_field(
                    "lines",
                    format!("at most {left} of product {} can still be returned", line.product_id),
                ));
            }
            lines.push(RmaLine {
                return_id: id,
                product_id: line.product_id,
                quantity: line.quantity,
                unit_price_cents: *price,
            });
        }
        let now = Utc::now();
        let rma = Rma {
            id,
            number: next_number(conn, "RMA", now).await?,
            order_id: order.order_id,
            user_id: order.user_id,
            reason: reason.clone(),
            status: "requested".to_owned(),
            refund_cents: lines.iter().map(|l| l.unit_price_cents * i64::from(l.quantity)).sum(),
            restocked_at: None,
            refunded_at: None,
            last_error: None,
            attempts: 0,
            next_attempt_at: None,
            received_at: None,
            created_at: now,
            updated_at: now,
        };
        Rma::insert(conn, &rma, &lines).await?;
        tracing::info!(rma = %rma.number, order_id = %rma.order_id, refund_cents = rma.refund_cents, "return requested");
        Ok((rma, lines))
    })
    .await
}

/// `POST /api/admin/returns/{id}/receive`: the parcel is back; restock,
/// refund and credit, each once. A step that fails is retried by the worker.
pub async fn receive(state: &AppState, id: Uuid) -> Result<Rma, Problem> {
    let rma = {
        let mut conn = state.db.get().await?;
        Rma::mark_received(&mut conn, id)
            .await?
            .ok_or_else(|| Problem::not_found("return"))?
    };
    if rma.status == "received" {
        settle(state, rma).await?;
    }
    let mut conn = state.db.get().await?;
    Rma::find(&mut conn, id)
        .await?
        .ok_or_else(|| Problem::not_found("return"))
}

/// Runs the steps not done yet; a failure is recorded with the next attempt's time.
pub async fn settle(state: &AppState, rma: Rma) -> Result<(), Problem> {
    if let Err(error) = steps(state, &rma).await {
        tracing::warn!(rma = %rma.number, %error, "a return step failed; will retry");
        let next =
            Utc::now() + shop_kit::outbox::backoff(state.settings.retry_base, rma.attempts + 1);
        let mut conn = state.db.get().await?;
        Rma::step_failed(&mut conn, rma.id, &error, next).await?;
    }
    Ok(())
}

async fn steps(state: &AppState, rma: &Rma) -> Result<(), String> {
    let lines = {
        let mut conn = state.db.get().await.map_err(|e| e.to_string())?;
        Rma::lines(&mut conn, rma.id)
            .await
            .map_err(|e| e.to_string())?
    };
    if rma.restocked_at.is_none() {
        let items = lines
            .iter()
            .map(|l| StockLine {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect();
        state
            .catalogue
            .restock(&RestockRequest {
                restock_id: rma.id,
                items,
            })
            .await
            .map_err(|e| format!("restock: {e}"))?;
        let mut conn = state.db.get().await.map_err(|e| e.to_string())?;
        Rma::step_done(&mut conn, rma.id, Step::Restocked)
            .await
            .map_err(|e| e.to_string())?;
    }
    let key = format!("rma:{}", rma.id);
    if rma.refunded_at.is_none() {
        let order = state
            .orders
            .order(rma.order_id)
            .await
            .map_err(|e| format!("order: {e}"))?;
        let payment_id = order.payment_id.ok_or("the order has no payment")?;
        state
            .payments
            .refund(
                payment_id,
                &RefundRequest {
                    amount_cents: rma.refund_cents,
                    idempotency_key: key.clone(),
                    reason: format!("return {}", rma.number),
                },
            )
            .await
            .map_err(|e| format!("refund: {e}"))?;
        let mut conn = state.db.get().await.map_err(|e| e.to_string())?;
        Rma::step_done(&mut conn, rma.id, Step::Refunded)
            .await
            .map_err(|e| e.to_string())?;
    }
    let credit = CreditNoteRequest {
        idempotency_key: key,
        amount_cents: rma.refund_cents,
        reason: format!("return {}", rma.number),
    };
    let mut conn = state.db.get().await.map_err(|e| e.to_string())?;
    let finished = conn
        .transaction(async |conn| {
            if !Rma::mark_refunded(conn, rma.id).await? {
                return Ok(false);
            }
            let payload = serde_json::to_value(&credit)
                .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            OutboxEvent::insert(
                conn,
                &OutboxEvent::new(Uuid::now_v7(), "return.refunded", rma.order_id, payload),
            )
            .await?;
            Ok::<_, diesel::result::Error>(true)
        })
        .await
        .map_err(|e| e.to_string())?;
    if finished {
        state.relay.wake();
        tracing::info!(rma = %rma.number, refund_cents = rma.refund_cents, "return refunded");
    }
    Ok(())
}
