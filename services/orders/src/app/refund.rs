//! The one place money goes back (ARCHITECTURE.md, "One place gives money
//! back"): a cancellation and a return both become a [`Refund`] row, and
//! [`drive`] takes it through the same steps, each once and in this order:
//! the goods back on sale in catalogue (restock id: the order's or the
//! return's), the money back through payments (key `cancel:{order}` or
//! `rma:{return}`), then one transaction that issues the credit note, counts
//! the money in the order, moves a returned order to `partially_refunded` or
//! `refunded` and, for a return, tells fulfilment `return.refunded` through
//! the outbox. A failed step is recorded with when to try again; the
//! recovery worker drives it on from there.

use chrono::Utc;
use diesel_async::AsyncConnection as _;
use shop_client::wire::{
    ErrorCode,
    catalogue::{RestockRequest, StockLine},
    events::EventType,
    orders::{RefundCause, RefundProgress, ReturnReceivedEvent, ReturnRefundedEvent},
    payments::RefundRequest,
};
use shop_kit::{Problem, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    db::models::{
        document::{CreditNote, Invoice},
        order::{Changes, Order},
        refund::Refund,
    },
    domain::status::{OrderRules as _, OrderStatus},
    state::AppState,
};

/// Refunds driven per recovery pass.
const BATCH: i64 = 20;

/// The key every effect of a cancellation's refund carries.
pub fn cancellation_key(order_id: Uuid) -> String {
    format!("cancel:{order_id}")
}

/// The key every effect of a return's refund carries.
pub fn return_key(return_id: Uuid) -> String {
    format!("rma:{return_id}")
}

/// The refund of a paid order being cancelled: everything it holds goes
/// back. Call inside the transaction that marks the order `cancelled`.
pub async fn record_cancellation(
    conn: &mut diesel_async::AsyncPgConnection,
    order: &Order,
) -> diesel::QueryResult<Refund> {
    let lines: Vec<StockLine> = Order::lines(conn, order.id)
        .await?
        .iter()
        .map(|l| StockLine {
            product_id: l.product_id,
            quantity: l.quantity,
        })
        .collect();
    Refund::insert_once(
        conn,
        Refund::new(
            order.id,
            RefundCause::Cancellation,
            cancellation_key(order.id),
            order.id,
            order.total_cents - order.refunded_cents,
            &lines,
        ),
    )
    .await
}

/// `return.received`: records the return's refund once (a second delivery
/// finds the first) and drives it as far as it goes now.
pub async fn receive_return(
    state: &AppState,
    event: &ReturnReceivedEvent,
) -> Result<Refund, Problem> {
    let mut conn = state.db.get().await?;
    let refund = conn
        .transaction(async |conn| {
            let order = Order::lock(conn, event.order_id).await?;
            let key = return_key(event.return_id);
            if let Some(known) = Refund::by_key(conn, &key).await? {
                return Ok(known);
            }
            if !order.status.was_paid() {
                return Err(Problem::conflict(
                    ErrorCode::InvalidTransition,
                    format!("an order that is {} has nothing to refund", order.status),
                ));
            }
            let left =
                order.total_cents - order.refunded_cents - Refund::owed_for(conn, order.id).await?;
            if event.refund_cents <= 0 || event.refund_cents > left {
                return Err(Problem::invalid_field(
                    "refund_cents",
                    format!("must be between 1 and the {left} cents left to refund"),
                ));
            }
            let lines: Vec<StockLine> = event
                .lines
                .iter()
                .map(|l| StockLine {
                    product_id: l.product_id,
                    quantity: l.quantity,
                })
                .collect();
            let mut refund = Refund::new(
                order.id,
                RefundCause::Return,
                key,
                event.return_id,
                event.refund_cents,
                &lines,
            );
            refund.return_id = Some(event.return_id);
            refund.return_number = Some(event.number.clone());
            Ok::<_, Problem>(Refund::insert_once(conn, refund).await?)
        })
        .await?;
    drop(conn);
    Ok(drive(state, refund).await)
}

/// Takes the refund through the steps it has not done; when one fails, the
/// failure is written down with its next attempt and the refund as it
/// stands comes back.
#[tracing::instrument(skip_all, fields(key = %refund.key))]
pub async fn drive(state: &AppState, refund: Refund) -> Refund {
    let cause = refund.cause.as_str();
    let id = refund.id;
    let attempts = refund.attempts;
    match steps(state, refund).await {
        Ok(done) => {
            state
                .metrics
                .refunds
                .with_label_values(&[cause, "done"])
                .inc();
            done
        }
        Err((refund, error)) => {
            state
                .metrics
                .refunds
                .with_label_values(&[cause, "deferred"])
                .inc();
            tracing::warn!(refund_id = %id, %error, "a refund step failed; it is retried");
            let next = Utc::now()
                + shop_kit::outbox::backoff(
                    state.settings.outbox.backoff,
                    attempts.saturating_add(1),
                );
            let recorded = match state.db.get().await {
                Ok(mut conn) => Refund::failed(&mut conn, id, &error.to_string(), next)
                    .await
                    .ok(),
                Err(_) => None,
            };
            recorded.unwrap_or(refund)
        }
    }
}

/// The steps, from where the refund stands: one `match` on its progress.
async fn steps(state: &AppState, mut refund: Refund) -> Result<Refund, (Refund, Problem)> {
    loop {
        refund = match refund.progress {
            RefundProgress::Restocking => match restock(state, &refund).await {
                Ok(next) => next,
                Err(error) => return Err((refund, error)),
            },
            RefundProgress::PayingBack => match pay_back(state, &refund).await {
                Ok(next) => next,
                Err(error) => return Err((refund, error)),
            },
            RefundProgress::Done => return Ok(refund),
        };
    }
}

/// The goods back on sale, once (catalogue applies a restock id once).
async fn restock(state: &AppState, refund: &Refund) -> Result<Refund, Problem> {
    let items = refund.stock_lines();
    if !items.is_empty() {
        state
            .catalogue
            .restock(&RestockRequest {
                restock_id: refund.restock_id,
                items,
            })
            .await?;
    }
    let mut conn = state.db.get().await?;
    Ok(Refund::advance(&mut conn, refund.id, RefundProgress::PayingBack, None).await?)
}

/// The money back (payments refunds a key once), then the credit note and
/// the order's books in one transaction.
async fn pay_back(state: &AppState, refund: &Refund) -> Result<Refund, Problem> {
    let order = {
        let mut conn = state.db.get().await?;
        Order::find(&mut conn, refund.order_id)
            .await?
            .ok_or_else(|| Problem::not_found("order"))?
    };
    if refund.amount_cents > 0 {
        let payment_id = order.payment_id.ok_or_else(|| {
            Problem::internal(anyhow::anyhow!("a paid order without a payment id"))
        })?;
        state
            .payments
            .refund(
                payment_id,
                &RefundRequest {
                    amount_cents: refund.amount_cents,
                    idempotency_key: refund.key.clone(),
                    reason: reason(refund),
                },
            )
            .await?;
    }
    let mut conn = state.db.get().await?;
    let (done, wrote_event) = conn
        .transaction(async |conn| {
            // Locked: concurrent drivers of one refund credit it once.
            let current = Refund::lock(conn, refund.id).await?;
            if current.progress == RefundProgress::Done {
                return Ok::<_, Problem>((current, false));
            }
            let order = Order::lock(conn, refund.order_id).await?;
            let note = match Invoice::for_order(conn, order.id).await? {
                Some(invoice) if refund.amount_cents > 0 => Some(
                    CreditNote::issue(
                        conn,
                        &invoice,
                        refund.amount_cents,
                        &reason(refund),
                        &refund.key,
                    )
                    .await?
                    .0,
                ),
                _ => None,
            };
            let refunded = order.refunded_cents + refund.amount_cents;
            let order = Order::add_refunded(conn, order.id, refund.amount_cents).await?;
            if refund.cause == RefundCause::Return {
                let to = if refunded >= order.total_cents {
                    OrderStatus::Refunded
                } else {
                    OrderStatus::PartiallyRefunded
                };
                if order.status != to {
                    Order::transition(conn, order.id, order.status, to, Changes::default())
                        .await?
                        .ok_or_else(|| {
                            Problem::internal(anyhow::anyhow!("order moved while locked"))
                        })?;
                }
            }
            let number = note.as_ref().map(|n| n.number.clone());
            let done =
                Refund::advance(conn, refund.id, RefundProgress::Done, number.as_deref()).await?;
            let wrote_event = match refund.return_id {
                Some(return_id) => {
                    let event = ReturnRefundedEvent {
                        event_id: Uuid::now_v7(),
                        return_id,
                        order_id: order.id,
                        refund_cents: refund.amount_cents,
                        credit_note_number: number.unwrap_or_default(),
                    };
                    let payload = serde_json::to_value(&event).map_err(Problem::internal)?;
                    OutboxEvent::insert(
                        conn,
                        OutboxEvent::new(
                            event.event_id,
                            EventType::ReturnRefunded,
                            order.id,
                            payload,
                        ),
                    )
                    .await?;
                    true
                }
                None => false,
            };
            Ok((done, wrote_event))
        })
        .await?;
    if wrote_event {
        state.relay.wake();
    }
    tracing::info!(order_id = %done.order_id, key = %done.key, amount_cents = done.amount_cents, "refunded");
    Ok(done)
}

/// What the credit note and the payment's refund say.
fn reason(refund: &Refund) -> String {
    match (refund.cause, refund.return_number.as_deref()) {
        (RefundCause::Return, Some(number)) => format!("return {number}"),
        (RefundCause::Return, None) => "return".to_owned(),
        (RefundCause::Cancellation, _) => "order cancelled".to_owned(),
    }
}

/// One recovery pass over refunds whose next attempt is due.
pub async fn retry_due(state: &AppState) -> Result<usize, Problem> {
    let older_than =
        chrono::Duration::from_std(state.settings.recovery_after).map_err(Problem::internal)?;
    let due = {
        let mut conn = state.db.get().await?;
        Refund::due(&mut conn, older_than, BATCH).await?
    };
    let count = due.len();
    for refund in due {
        drive(state, refund).await;
    }
    Ok(count)
}
