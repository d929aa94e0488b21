//! `/internal/*`: what fulfilment tells orders (status updates, returns
//! received). Never routed by the gateway; every call must carry
//! `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use shop_client::wire::orders::{
    OrderRefundResponse, OrderResponse, OrderStatusUpdate, RefundProgress, ReturnReceivedEvent,
};
use shop_kit::{Problem, auth::InternalCaller, extract::Json};
use uuid::Uuid;

use crate::{
    app::{refund, status_updates},
    db::models::{document::Invoice, order::Order},
    error::ApiError,
    state::AppState,
};

/// Registers the internal routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/orders/{id}", web::get().to(get_order_internal))
        .route(
            "/internal/orders/{id}/status",
            web::post().to(update_order_status),
        )
        .route("/internal/returns", web::post().to(receive_return));
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

/// An order, whoever owns it.
#[utoipa::path(get, path = "/internal/orders/{id}", responses(
    (status = 200, body = OrderResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
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
    status_updates::apply(&state, *id, &body).await?;
    Ok(HttpResponse::Ok().json(respond_with(&state, *id).await?))
}

/// `return.received`: the goods of a return are back. Orders restocks them,
/// pays the money back and issues the credit note, each once per return
/// (a second delivery answers the first's refund), and tells fulfilment
/// `return.refunded` when done. 200 when it is done now; 202 when a step
/// failed and is being retried (`last_error`).
#[utoipa::path(post, path = "/internal/returns", request_body = ReturnReceivedEvent, responses(
    (status = 200, description = "Refunded", body = OrderRefundResponse),
    (status = 202, description = "Recorded; a step is being retried", body = OrderRefundResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "The order was never paid", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "More than is left to refund", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %body.order_id, return_id = %body.return_id))]
pub async fn receive_return(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<ReturnReceivedEvent>,
) -> Result<HttpResponse, ApiError> {
    let refund = refund::receive_return(&state, &body).await?;
    let mut response = match refund.progress {
        RefundProgress::Done => HttpResponse::Ok(),
        RefundProgress::Restocking | RefundProgress::PayingBack => HttpResponse::Accepted(),
    };
    Ok(response.json(refund.to_response()))
}
