//! `/api/orders*`: checkout, the buyer's orders, invoices and cancellation.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Datelike as _;
use shop_client::wire::{
    Page,
    orders::{CheckoutRequest, InvoiceResponse, OrderResponse},
};
use shop_kit::{Problem, auth::AuthUser, pagination::PageQuery};
use uuid::Uuid;

use crate::{
    cancel,
    db::models::{
        document::{CreditNote, Invoice},
        order::Order,
    },
    domain::checkout::{parse, parse_idempotency_key},
    error::ApiError,
    saga,
    startup::AppState,
};

/// Registers the order routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/orders", web::post().to(create_order))
        .route("/api/orders", web::get().to(list_orders))
        .route("/api/orders/{id}", web::get().to(get_order))
        .route("/api/orders/{id}/invoice", web::get().to(get_invoice))
        .route("/api/orders/{id}/cancel", web::post().to(cancel_order));
}

/// Checks out the caller's cart: reserve, charge once, commit, invoice.
/// The same `Idempotency-Key` with the same body answers exactly what the
/// first request did; with another body it is a 409.
#[utoipa::path(post, path = "/api/orders", request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "Required; reuse it when retrying")),
    responses(
        (status = 201, body = OrderResponse),
        (status = 400, description = "No Idempotency-Key", body = shop_client::wire::ProblemDetails),
        (status = 402, description = "payment_declined: the stock was released", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "out_of_stock (naming the lines), idempotency_key_reused or checkout_in_progress", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "Empty cart, bad address or card", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "dependency_unavailable: retry with the same key; the order is finished by recovery otherwise", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: web::Json<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = parse_idempotency_key(
        req.headers()
            .get("Idempotency-Key")
            .and_then(|v| v.to_str().ok()),
    )?;
    let today = chrono::Utc::now();
    let checkout = parse(&body, (today.year(), today.month()))?;
    let reply = saga::checkout(&state, &user, key, checkout).await?;
    Ok(reply.to_response())
}

/// The order if the caller may see it (its buyer or an admin), else 404.
async fn visible_order(state: &AppState, user: &AuthUser, id: Uuid) -> Result<Order, Problem> {
    let mut conn = state.db.get().await?;
    Order::find(&mut conn, id)
        .await?
        .filter(|o| o.user_id == user.id || user.is_admin())
        .ok_or_else(|| Problem::not_found("order"))
}

async fn order_response(state: &AppState, order: &Order) -> Result<OrderResponse, Problem> {
    let mut conn = state.db.get().await?;
    let lines = Order::lines(&mut conn, order.id).await?;
    let invoice = Invoice::for_order(&mut conn, order.id).await?;
    Ok(order.to_response(&lines, invoice.map(|i| (i.id, i.number))))
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/api/orders", params(PageQuery), responses((status = 200, body = Page<OrderResponse>)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.parse()?;
    let mut conn = state.db.get().await?;
    let (orders, total) = Order::list_for_user(&mut conn, user.id, page.limit, page.offset).await?;
    let ids: Vec<Uuid> = orders.iter().map(|o| o.id).collect();
    let mut lines = Order::lines_of(&mut conn, &ids).await?;
    let mut invoices = Invoice::numbers_for(&mut conn, &ids).await?;
    let items = orders
        .iter()
        .map(|o| {
            o.to_response(
                &lines.remove(&o.id).unwrap_or_default(),
                invoices.remove(&o.id),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One order: the caller's own, or any for an admin; otherwise 404.
#[utoipa::path(get, path = "/api/orders/{id}", responses(
    (status = 200, body = OrderResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(order_response(&state, &order).await?))
}

/// The order's invoice and any credit notes against it; 404 before payment.
#[utoipa::path(get, path = "/api/orders/{id}/invoice", responses(
    (status = 200, body = InvoiceResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_invoice(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    let mut conn = state.db.get().await?;
    let invoice = Invoice::for_order(&mut conn, order.id)
        .await?
        .ok_or_else(|| Problem::not_found("invoice"))?;
    let lines = Order::lines(&mut conn, order.id).await?;
    let notes = CreditNote::for_order(&mut conn, order.id).await?;
    Ok(HttpResponse::Ok().json(InvoiceResponse {
        id: invoice.id,
        number: invoice.number,
        order_id: order.id,
        user_id: order.user_id,
        currency: invoice.currency,
        lines: lines.iter().map(|l| l.to_wire()).collect(),
        total_cents: invoice.total_cents,
        shipping_address: order.address(),
        issued_at: invoice.issued_at,
        credit_notes: notes.iter().map(CreditNote::to_response).collect(),
    }))
}

/// Cancels an order before packing: a paid order is refunded (and gets a
/// credit note), an unfinished one that was never charged is released.
#[utoipa::path(post, path = "/api/orders/{id}/cancel", responses(
    (status = 200, body = OrderResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "not_cancellable (packing started) or checkout_in_progress", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn cancel_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    let order = cancel::cancel(&state, order).await?;
    Ok(HttpResponse::Ok().json(order_response(&state, &order).await?))
}
