//! `/internal/orders*`: what fulfilment tells orders (status updates, credit
//! notes after refunds). Never routed by the gateway; every call must carry
//! `X-Internal-Token`.

use actix_web::{HttpResponse, http::StatusCode, web};
use diesel_async::AsyncConnection as _;
use shop_client::wire::orders::{
    CreditNoteRequest, CreditNoteResponse, OrderResponse, OrderStatusUpdate,
};
use shop_kit::{Problem, auth::InternalCaller};
use uuid::Uuid;

use crate::{
    db::models::{
        document::{CreditNote, Invoice},
        order::{Changes, Order},
        processed_event,
    },
    domain::status::OrderStatus,
    error::ApiError,
    startup::AppState,
};
use shop_kit::extract::Json;

/// Registers the internal routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/orders/{id}", web::get().to(get_order_internal))
        .route(
            "/internal/orders/{id}/status",
            web::post().to(update_order_status),
        )
        .route(
            "/internal/orders/{id}/credit-notes",
            web::post().to(create_credit_note),
        );
}

async fn respond_with(state: &AppState, id: Uuid) -> Result<OrderResponse, Problem> {
    let mut conn = state.db.get().await?;
    let order = Order::find(&mut conn, id)
        .await?
        .ok_or_else(|| Problem::not_found("order"))?;
    let lines = Order::lines(&mut conn, id).await?;
    let invoice = Invoice::for_order(&mut conn, id).await?;
    Ok(order.to_response(&lines, invoice.map(|i| (i.id, i.number))))
}

/// An order, whoever owns it (fulfilment checks returns against it).
#[utoipa::path(get, path = "/internal/orders/{id}", responses((status = 200, body = OrderResponse)))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_order_internal(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(respond_with(&state, *id).await?))
}

/// Fulfilment moved the order on (`packing`, `shipped`, `delivered`). A
/// repeated event id changes nothing; an update the order is already past is
/// ignored; one that skips a step is a 409 so the sender retries it after
/// the step it skipped.
#[utoipa::path(post, path = "/internal/orders/{id}/status", request_body = OrderStatusUpdate, responses(
    (status = 200, body = OrderResponse),
    (status = 409, description = "The order cannot take this status now", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id, status = %body.status))]
pub async fn update_order_status(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<OrderStatusUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = *id;
    let to = match OrderStatus::parse(&body.status) {
        Some(s @ (OrderStatus::Packing | OrderStatus::Shipped | OrderStatus::Delivered)) => s,
        _ => {
            return Err(Problem::invalid_field(
                "status",
                "must be packing, shipped or delivered",
            ));
        }
    };
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        let order = Order::lock(conn, id).await.map_err(Problem::from)?;
        if !processed_event::first_delivery(conn, body.event_id, id).await? {
            return Ok(());
        }
        let from = order.status();
        let rank = |s: OrderStatus| match s {
            OrderStatus::Paid => 0,
            OrderStatus::Packing => 1,
            OrderStatus::Shipped => 2,
            OrderStatus::Delivered => 3,
            _ => -1,
        };
        if from == to || (rank(from) >= 0 && rank(from) > rank(to)) {
            // Already there or past it (events may arrive out of order).
            return Ok(());
        }
        if !from.can_become(to) {
            return Err(Problem::conflict(
                "invalid_transition",
                format!("an order that is {from} cannot become {to}"),
            ));
        }
        Order::transition(
            conn,
            id,
            from,
            to,
            Changes {
                delivered: to == OrderStatus::Delivered,
                ..Changes::default()
            },
        )
        .await?;
        tracing::info!(order_id = %id, %from, %to, tracking = body.tracking_number.as_deref().unwrap_or("-"), "order status updated by fulfilment");
        Ok(())
    })
    .await?;
    drop(conn);
    Ok(HttpResponse::Ok().json(respond_with(&state, id).await?))
}

/// Records refunded money against the invoice, once per idempotency key:
/// the order becomes `partially_refunded` or `refunded`.
#[utoipa::path(post, path = "/internal/orders/{id}/credit-notes", request_body = CreditNoteRequest, responses(
    (status = 201, body = CreditNoteResponse),
    (status = 200, description = "Issued earlier under this key", body = CreditNoteResponse),
    (status = 409, description = "The order was never paid", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "More than is left to refund", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn create_credit_note(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreditNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = *id;
    let key = &shop_kit::input::line(255).parse_field("idempotency_key", &body.idempotency_key)?;
    if body.amount_cents <= 0 {
        return Err(Problem::invalid_field("amount_cents", "must be positive"));
    }
    let reason = &shop_kit::input::paragraph(500)
        .required()
        .parse_field("reason", &body.reason)?;
    let mut conn = state.db.get().await?;
    let (note, created) = conn
        .transaction(async |conn| {
            let order = Order::lock(conn, id).await.map_err(Problem::from)?;
            if let Some(existing) = CreditNote::find_by_key(conn, key).await? {
                if existing.order_id != id || existing.amount_cents != body.amount_cents {
                    return Err(Problem::conflict(
                        "idempotency_key_reused",
                        "this key was used for another credit note",
                    ));
                }
                return Ok((existing, false));
            }
            let invoice = Invoice::for_order(conn, id)
                .await?
                .filter(|_| order.status().was_paid())
                .ok_or_else(|| {
                    Problem::conflict(
                        "not_invoiced",
                        "the order was never paid, so there is nothing to credit",
                    )
                })?;
            let left = order.total_cents - order.refunded_cents;
            if body.amount_cents > left {
                return Err(Problem::invalid_field(
                    "amount_cents",
                    format!("only {left} cents are left to credit"),
                ));
            }
            let (note, created) =
                CreditNote::issue(conn, &invoice, body.amount_cents, reason, key).await?;
            let order = Order::add_refunded(conn, id, body.amount_cents).await?;
            let to = if order.refunded_cents == order.total_cents {
                OrderStatus::Refunded
            } else {
                OrderStatus::PartiallyRefunded
            };
            if order.status().can_become(to) {
                Order::transition(conn, id, order.status(), to, Changes::default()).await?;
            }
            Ok((note, created))
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(note.to_response()))
}
