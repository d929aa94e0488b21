//! The checkout saga (ARCHITECTURE.md, "Checkout"), orchestrated here:
//! reserve the stock (reservation id = order id), charge once (payments is
//! idempotent per order id), commit the stock, then in one transaction mark
//! the order paid, issue the invoice, write `order.paid` to the outbox, empty
//! the cart and store the response for replays.
//!
//! Every step's outcome is written before the next step starts, and only the
//! holder of the order's lease drives it. Whoever drives an order (the
//! checkout request, a retry with the same key, or the recovery worker) runs
//! the same [`drive`] from the order's persisted status, asking catalogue and
//! payments again: their endpoints are idempotent, so asking twice is safe.

use actix_web::{HttpResponse, http::StatusCode};
use chrono::Utc;
use diesel_async::AsyncConnection as _;
use serde_json::json;
use shop_client::{
    ClientError,
    context::current_request_id,
    wire::{
        ProblemDetails,
        catalogue::{ReservationRequest, StockLine},
        orders::OrderPaidEvent,
        payments::{CreatePaymentRequest, PaymentMethod, PaymentResponse, RefundRequest},
    },
};
use shop_kit::{Problem, auth::AuthUser, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    db::models::{
        cart::{Cart, CartItem},
        checkout_key::CheckoutKey,
        document::Invoice,
        order::{Changes, Order, OrderLineRow},
    },
    domain::{
        checkout::{Checkout, Destination},
        status::OrderStatus,
    },
    startup::AppState,
};

/// How a checkout ended: the status and body every replay answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Reply {
    fn problem(status: StatusCode, code: &str, title: &str, detail: &str) -> ProblemDetails {
        let mut problem = ProblemDetails::new(status.as_u16(), code, title);
        problem.detail = Some(detail.to_owned());
        problem.request_id = current_request_id();
        problem
    }

    fn from_problem(problem: &ProblemDetails) -> Self {
        Self {
            status: problem.status,
            body: serde_json::to_value(problem).unwrap_or_default(),
        }
    }

    /// The HTTP answer; problem bodies keep their media type.
    pub fn to_response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        if status.is_client_error() || status.is_server_error() {
            response.content_type(ProblemDetails::CONTENT_TYPE);
        }
        if status == StatusCode::CREATED
            && let Some(id) = self.body.get("order_id").and_then(|v| v.as_str())
        {
            response.insert_header(("Location", format!("/api/orders/{id}")));
        }
        response.json(&self.body)
    }
}

/// `POST /api/orders` after the body and the key passed their checks.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn checkout(
    state: &AppState,
    user: &AuthUser,
    key: String,
    checkout: Checkout,
) -> Result<Reply, Problem> {
    {
        let mut conn = state.db.get().await?;
        if let Some(existing) = CheckoutKey::find(&mut conn, user.id, &key).await? {
            drop(conn);
            return resume(state, existing, &checkout).await;
        }
    }

    let (lines, total_cents) = price_cart(state, user.id).await?;
    let address = match &checkout.destination {
        Destination::Given(address) => address.clone(),
        Destination::Saved(id) => match state.users.address(user.id, *id).await {
            Ok(saved) => saved.address,
            Err(e) if e.status() == Some(404) => {
                return Err(Problem::invalid_field(
                    "address_id",
                    "is not one of your saved addresses",
                ));
            }
            Err(e) => return Err(e.into()),
        },
    };

    let now = Utc::now();
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let order = Order {
        id: Uuid::now_v7(),
        user_id: user.id,
        status: OrderStatus::Pending.as_str().to_owned(),
        total_cents,
        refunded_cents: 0,
        currency: state.settings.currency.clone(),
        payment_method: checkout.method_name().to_owned(),
        payment_id: None,
        failure_code: None,
        shipping_address: serde_json::to_value(&address).map_err(Problem::internal)?,
        lease_until: Some(now + lease),
        refund_due_cents: 0,
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
    let claim = CheckoutKey {
        user_id: user.id,
        key: key.clone(),
        request_hash: checkout.fingerprint.clone(),
        order_id: order.id,
        response_status: None,
        response_body: None,
        created_at: now,
    };
    let claimed = {
        let mut conn = state.db.get().await?;
        let result = conn
            .transaction(async |conn| {
                Order::insert(conn, &order, &lines).await?;
                if CheckoutKey::claim(conn, &claim).await? {
                    Ok(true)
                } else {
                    // Another request with this key won the race: undo ours.
                    Err(diesel::result::Error::RollbackTransaction)
                }
            })
            .await;
        match result {
            Ok(claimed) => claimed,
            Err(diesel::result::Error::RollbackTransaction) => false,
            Err(e) => return Err(e.into()),
        }
    };
    if !claimed {
        let mut conn = state.db.get().await?;
        let existing = CheckoutKey::find(&mut conn, user.id, &key)
            .await?
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("checkout key vanished")))?;
        drop(conn);
        return resume(state, existing, &checkout).await;
    }
    tracing::info!(order_id = %order.id, total_cents, "order placed");
    drive(state, order, Some(&checkout.payment), Some(lines)).await
}

/// A request with a key seen before: replay the stored answer, refuse a
/// different request, or carry on with the checkout if nobody is driving it.
async fn resume(
    state: &AppState,
    existing: CheckoutKey,
    checkout: &Checkout,
) -> Result<Reply, Problem> {
    if existing.request_hash != checkout.fingerprint {
        return Err(Problem::conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different checkout request",
        ));
    }
    if let Some(reply) = stored_reply(&existing) {
        return Ok(reply);
    }
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let leased = {
        let mut conn = state.db.get().await?;
        Order::acquire_lease(&mut conn, existing.order_id, lease).await?
    };
    match leased {
        Some(order) => drive(state, order, Some(&checkout.payment), None).await,
        None => {
            // Either it is being driven right now, or it just finished.
            let mut conn = state.db.get().await?;
            let again = CheckoutKey::find(&mut conn, existing.user_id, &existing.key).await?;
            match again.as_ref().and_then(stored_reply) {
                Some(reply) => Ok(reply),
                None => Err(Problem::conflict(
                    "checkout_in_progress",
                    "a checkout with this Idempotency-Key is still running; retry shortly",
                )
                .retry_after(1)),
            }
        }
    }
}

fn stored_reply(key: &CheckoutKey) -> Option<Reply> {
    Some(Reply {
        status: u16::try_from(key.response_status?).ok()?,
        body: key.response_body.clone()?,
    })
}

/// The buyer's cart priced now: lines and the total. An empty cart or a
/// product no longer sold is a 422 and nothing is written.
async fn price_cart(state: &AppState, user_id: Uuid) -> Result<(Vec<OrderLineRow>, i64), Problem> {
    let items: Vec<CartItem> = {
        let mut conn = state.db.get().await?;
        Cart::user_items(&mut conn, user_id).await?
    };
    if items.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cart_empty",
            "Cart is empty",
        )
        .detail("add something to the cart before checking out"));
    }
    let ids: Vec<Uuid> = items.iter().map(|i| i.product_id).collect();
    let prices = state.catalogue.prices(&ids).await?;
    let mut lines = Vec::with_capacity(items.len());
    let mut unavailable = Vec::new();
    let mut total: i64 = 0;
    for item in &items {
        match prices.iter().find(|p| p.id == item.product_id) {
            Some(price) if price.active => {
                total = price
                    .price_cents
                    .checked_mul(i64::from(item.quantity))
                    .and_then(|line| total.checked_add(line))
                    .ok_or_else(|| Problem::invalid_field("cart", "the total is too large"))?;
                lines.push(OrderLineRow {
                    order_id: Uuid::nil(),
                    product_id: item.product_id,
                    sku: price.sku.clone(),
                    name: price.name.clone(),
                    quantity: item.quantity,
                    unit_price_cents: price.price_cents,
                });
            }
            _ => unavailable.push(json!({"product_id": item.product_id, "sku": item.sku})),
        }
    }
    if !unavailable.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_unavailable",
            "Product unavailable",
        )
        .detail("some products in the cart are no longer sold; remove them first")
        .lines(unavailable));
    }
    Ok((lines, total))
}

/// Drives a leased order from where it stands to an outcome, then gives the
/// lease back. `payment` is the buyer's method when a request drives it;
/// the recovery worker has none (a card is never stored).
/// `lines` saves reading them again when the caller just wrote them.
pub async fn drive(
    state: &AppState,
    order: Order,
    payment: Option<&PaymentMethod>,
    lines: Option<Vec<OrderLineRow>>,
) -> Result<Reply, Problem> {
    let id = order.id;
    let result = drive_leased(state, order, payment, lines).await;
    let outcome = match &result {
        Ok(reply) if reply.status == 201 => "paid",
        Ok(reply) => match reply.body.get("code").and_then(|c| c.as_str()) {
            Some("out_of_stock") => "rejected",
            Some("payment_declined") => "payment_failed",
            _ => "failed",
        },
        Err(_) => "unavailable",
    };
    state.metrics.checkouts.with_label_values(&[outcome]).inc();
    if result.is_ok() {
        // The transaction that wrote the outcome gave the lease back.
        return result;
    }
    match state.db.get().await {
        Ok(mut conn) => {
            if let Err(e) = Order::release_lease(&mut conn, id).await {
                tracing::warn!(order_id = %id, error = %e, "could not give the lease back; it will expire");
            }
        }
        Err(e) => {
            tracing::warn!(order_id = %id, error = %e, "could not give the lease back; it will expire")
        }
    }
    result
}

#[tracing::instrument(skip_all, fields(order_id = %order.id))]
async fn drive_leased(
    state: &AppState,
    mut order: Order,
    payment: Option<&PaymentMethod>,
    lines: Option<Vec<OrderLineRow>>,
) -> Result<Reply, Problem> {
    let lines = match lines {
        Some(lines) => lines,
        None => {
            let mut conn = state.db.get().await?;
            Order::lines(&mut conn, order.id).await?
        }
    };
    loop {
        order = match order.status() {
            OrderStatus::Pending if payment.is_none() && order.payment_method == "card" => {
                // A card checkout cut off before the charge: the card is gone
                // with the request, so give back whatever might be held.
                return abandon(state, &order, OrderStatus::Pending).await;
            }
            OrderStatus::Pending => match reserve(state, &order, &lines).await? {
                Ok(reserved) => reserved,
                Err(short) => return reject(state, &order, short).await,
            },
            OrderStatus::Reserved => {
                return charge_and_commit(state, &order, &lines, payment).await;
            }
            _ => return replay_of(state, &order).await,
        };
    }
}

/// Step 4: hold every line (reservation id = order id). `Err`: out of
/// stock, with the short lines as catalogue named them.
async fn reserve(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
) -> Result<Result<Order, Vec<serde_json::Value>>, Problem> {
    let request = ReservationRequest {
        reservation_id: order.id,
        items: lines
            .iter()
            .map(|l| StockLine {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect(),
        ttl_seconds: None,
    };
    match state.catalogue.reserve(&request).await {
        Ok(_) => {}
        Err(ClientError::Problem { problem, .. }) if problem.code == "out_of_stock" => {
            let short = problem
                .lines
                .unwrap_or_default()
                .into_iter()
                .map(|mut line| {
                    let sku = line
                        .get("product_id")
                        .and_then(|id| id.as_str())
                        .and_then(|id| lines.iter().find(|l| l.product_id.to_string() == id))
                        .map(|l| l.sku.clone());
                    if let (Some(sku), Some(fields)) = (sku, line.as_object_mut()) {
                        fields.insert("sku".to_owned(), sku.into());
                    }
                    line
                })
                .collect();
            return Ok(Err(short));
        }
        Err(e) => return Err(e.into()),
    }
    let mut conn = state.db.get().await?;
    Order::transition(
        &mut conn,
        order.id,
        OrderStatus::Pending,
        OrderStatus::Reserved,
        Changes::default(),
    )
    .await?
    .ok_or_else(|| Problem::internal(anyhow::anyhow!("order moved while leased")))
    .map(Ok)
}

/// Stock was short: the order is `rejected`, nothing was charged.
async fn reject(
    state: &AppState,
    order: &Order,
    short: Vec<serde_json::Value>,
) -> Result<Reply, Problem> {
    let mut problem = Reply::problem(
        StatusCode::CONFLICT,
        "out_of_stock",
        "Out of stock",
        "some products are not available in the quantity ordered; nothing was charged",
    );
    problem.lines = Some(short);
    finish(
        state,
        order,
        (OrderStatus::Pending, OrderStatus::Rejected),
        Some("out_of_stock"),
        None,
        Reply::from_problem(&problem),
    )
    .await
}

/// Writes a final status and the stored answer in one transaction.
async fn finish(
    state: &AppState,
    order: &Order,
    (from, to): (OrderStatus, OrderStatus),
    failure_code: Option<&str>,
    payment_id: Option<Uuid>,
    reply: Reply,
) -> Result<Reply, Problem> {
    let mut conn = state.db.get().await?;
    let reply = conn
        .transaction(async |conn| {
            let moved = Order::transition(
                conn,
                order.id,
                from,
                to,
                Changes {
                    failure_code,
                    payment_id,
                    release_lease: true,
                    ..Changes::default()
                },
            )
            .await?;
            if moved.is_none() {
                return Err(diesel::result::Error::RollbackTransaction);
            }
            CheckoutKey::store_response(conn, order.id, reply.status, &reply.body).await?;
            Ok(reply)
        })
        .await;
    match reply {
        Ok(reply) => {
            tracing::info!(order_id = %order.id, status = %to, "checkout finished");
            Ok(reply)
        }
        Err(diesel::result::Error::RollbackTransaction) => Err(Problem::internal(anyhow::anyhow!(
            "order moved while leased"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Steps 5 to 7 for a reserved order.
async fn charge_and_commit(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    method: Option<&PaymentMethod>,
) -> Result<Reply, Problem> {
    let charged = match (method, order.payment_method.as_str()) {
        (Some(method), _) => charge(state, order, method.clone()).await?,
        (None, "wallet") => charge(state, order, PaymentMethod::Wallet).await?,
        (None, _) => match state.payments.payment_for_order(order.id).await {
            Ok(payment) => Ok(payment),
            Err(e) if e.status() == Some(404) => {
                return abandon(state, order, OrderStatus::Reserved).await;
            }
            Err(e) => return Err(e.into()),
        },
    };
    let payment = match charged {
        Ok(payment) => payment,
        Err(refused) => return Ok(refused),
    };
    // The payment id is written with the outcome (payments can always be
    // asked by order id, which is what recovery does).
    match payment.status.as_str() {
        "succeeded" => commit(state, order, lines, &payment).await,
        "declined" | "failed" => declined(state, order, &payment).await,
        "pending" => Err(Problem::unavailable(
            "payment_pending",
            "the payment is still being processed; retry with the same Idempotency-Key",
        )
        .retry_after(2)),
        // Refunded already: an earlier driver compensated and crashed before
        // writing it down.
        _ => lapsed(state, order, &payment).await,
    }
}

/// Step 5: charge once, with the order id as the payment's natural key.
/// `Err(reply)`: payments refused the method itself and the checkout ended.
async fn charge(
    state: &AppState,
    order: &Order,
    method: PaymentMethod,
) -> Result<Result<PaymentResponse, Reply>, Problem> {
    let request = CreatePaymentRequest {
        order_id: order.id,
        user_id: order.user_id,
        amount_cents: order.total_cents,
        method,
    };
    match state.payments.create_payment(&request).await {
        Ok(payment) => Ok(Ok(payment)),
        Err(ClientError::Problem { problem, .. }) if problem.status == 422 => {
            release(state, order.id).await?;
            let mut refused = Reply::problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Validation failed",
                "the payment details were refused; nothing was charged",
            );
            refused.fields = problem.fields;
            finish(
                state,
                order,
                (OrderStatus::Reserved, OrderStatus::PaymentFailed),
                Some("invalid_payment"),
                None,
                Reply::from_problem(&refused),
            )
            .await
            .map(Err)
        }
        Err(e) => Err(e.into()),
    }
}

/// Step 6 and 7: sell the held stock, then mark the order paid.
async fn commit(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    payment: &PaymentResponse,
) -> Result<Reply, Problem> {
    match state.catalogue.commit_reservation(order.id).await {
        Ok(_) => mark_paid(state, order, lines, payment.id).await,
        Err(e) if matches!(e.status(), Some(404 | 409)) => {
            // The hold lapsed (expired or released) before it was sold.
            tracing::warn!(order_id = %order.id, error = %e, "the stock hold is gone; refunding");
            lapsed(state, order, payment).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Step 6 failed: give the money back, the order is `failed`.
async fn lapsed(
    state: &AppState,
    order: &Order,
    payment: &PaymentResponse,
) -> Result<Reply, Problem> {
    let left = payment.amount_cents - payment.refunded_cents;
    if left > 0 {
        state
            .payments
            .refund(
                payment.id,
                &RefundRequest {
                    amount_cents: left,
                    idempotency_key: format!("order-failed:{}", order.id),
                    reason: "the stock could not be committed".to_owned(),
                },
            )
            .await?;
    }
    let problem = Reply::problem(
        StatusCode::CONFLICT,
        "checkout_failed",
        "Checkout failed",
        "the stock hold lapsed before the sale could complete; the payment was refunded",
    );
    finish(
        state,
        order,
        (OrderStatus::Reserved, OrderStatus::Failed),
        Some("stock_hold_lapsed"),
        Some(payment.id),
        Reply::from_problem(&problem),
    )
    .await
}

/// Step 5 failed: put the stock back, the order is `payment_failed`.
async fn declined(
    state: &AppState,
    order: &Order,
    payment: &PaymentResponse,
) -> Result<Reply, Problem> {
    release(state, order.id).await?;
    let code = payment
        .decline_code
        .clone()
        .unwrap_or_else(|| "declined".to_owned());
    let mut problem = Reply::problem(
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
        "Payment declined",
        &format!(
            "the payment was declined ({code}); nothing was charged and the stock was released"
        ),
    );
    problem.fields = Some(std::collections::BTreeMap::from([(
        "decline_code".to_owned(),
        code.clone(),
    )]));
    finish(
        state,
        order,
        (OrderStatus::Reserved, OrderStatus::PaymentFailed),
        Some(&code),
        Some(payment.id),
        Reply::from_problem(&problem),
    )
    .await
}

/// The checkout cannot go on (a card checkout lost its card): release the
/// stock and fail the order. Nothing was charged: payments has no payment.
async fn abandon(state: &AppState, order: &Order, from: OrderStatus) -> Result<Reply, Problem> {
    release(state, order.id).await?;
    let problem = Reply::problem(
        StatusCode::CONFLICT,
        "checkout_interrupted",
        "Checkout interrupted",
        "the checkout was interrupted before the card was charged; nothing was charged and the stock was released",
    );
    finish(
        state,
        order,
        (from, OrderStatus::Failed),
        Some("checkout_interrupted"),
        None,
        Reply::from_problem(&problem),
    )
    .await
}

/// Releases the hold; a hold that never existed is fine.
async fn release(state: &AppState, order_id: Uuid) -> Result<(), Problem> {
    match state.catalogue.release_reservation(order_id).await {
        Ok(_) => Ok(()),
        Err(e) if e.status() == Some(404) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Step 7, in one transaction: paid, invoice, `order.paid` in the outbox,
/// the cart emptied of what was bought, the answer stored.
async fn mark_paid(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
    payment_id: Uuid,
) -> Result<Reply, Problem> {
    let mut conn = state.db.get().await?;
    let result = conn
        .transaction(async |conn| {
            let Some(paid) = Order::transition(
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
            else {
                return Err(diesel::result::Error::RollbackTransaction);
            };
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
                &OutboxEvent::new(event.event_id, "order.paid", paid.id, payload),
            )
            .await?;
            let bought: Vec<Uuid> = lines.iter().map(|l| l.product_id).collect();
            CartItem::remove_ordered(conn, paid.user_id, &bought).await?;
            // Last: the invoice number is drawn, the invoice written and the
            // stored reply completed in one statement, so the invoice
            // counter's row lock is held only for it and the commit.
            let invoice_id = Uuid::now_v7();
            let mut body =
                serde_json::to_value(paid.to_response(lines, Some((invoice_id, String::new()))))
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            let number = Invoice::issue_with_reply(
                conn,
                invoice_id,
                order.id,
                paid.total_cents,
                &paid.currency,
                &body,
            )
            .await?;
            body["invoice_number"] = serde_json::Value::String(number.clone());
            let reply = Reply { status: 201, body };
            Ok((reply, number))
        })
        .await;
    match result {
        Ok((reply, invoice)) => {
            state.relay.wake();
            tracing::info!(order_id = %order.id, %invoice, "order paid");
            Ok(reply)
        }
        Err(diesel::result::Error::RollbackTransaction) => Err(Problem::internal(anyhow::anyhow!(
            "order moved while leased"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The answer for an order that already reached an outcome.
async fn replay_of(state: &AppState, order: &Order) -> Result<Reply, Problem> {
    let mut conn = state.db.get().await?;
    let lines = Order::lines(&mut conn, order.id).await?;
    let invoice = Invoice::for_order(&mut conn, order.id).await?;
    let body = serde_json::to_value(order.to_response(&lines, invoice.map(|i| (i.id, i.number))))
        .map_err(Problem::internal)?;
    Ok(Reply {
        status: if order.status().was_paid() { 201 } else { 409 },
        body,
    })
}
