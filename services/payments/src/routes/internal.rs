//! `/internal/payments*`: charges and refunds for orders and fulfilment. Never
//! routed by the gateway; every call must carry `X-Internal-Token`.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::Datelike as _;
use serde::Deserialize;
use shop_client::wire::payments::{
    CreatePaymentRequest, PaymentResponse, RefundRequest, RefundResponse,
};
use shop_kit::{Problem, auth::InternalCaller};
use uuid::Uuid;

use crate::{
    app::{
        charge::{self, Outcome},
        refund::{self, Refunded},
    },
    db::models::payment::Payment,
    domain::{charge::NewPayment, refund::NewRefund},
    error::ApiError,
    state::AppState,
};
use shop_kit::extract::{Json, Query};

/// Registers the internal routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/payments", web::post().to(create_payment))
        .route("/internal/payments", web::get().to(payment_for_order))
        .route(
            "/internal/payments/{id}/refunds",
            web::post().to(create_refund),
        );
}

/// Charges an order once: 201 for the first outcome (`succeeded`,
/// `declined` or `failed`), 200 with the same payment for every retry, 202
/// while it is still being charged. A bad card is a 422 and charges nothing.
#[utoipa::path(post, path = "/internal/payments", request_body = CreatePaymentRequest, responses(
    (status = 201, body = PaymentResponse),
    (status = 200, description = "The order's earlier payment", body = PaymentResponse),
    (status = 202, description = "Still being charged", body = PaymentResponse),
    (status = 409, description = "The order already has a different payment", body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %body.order_id))]
pub async fn create_payment(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<CreatePaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let today = chrono::Utc::now();
    let new = NewPayment::parse(&body, (today.year(), today.month()))?;
    let (status, payment) = match charge::pay(&state, new).await? {
        Outcome::Created(p) => (StatusCode::CREATED, p),
        Outcome::Replayed(p) => (StatusCode::OK, p),
        Outcome::Pending(p) => (StatusCode::ACCEPTED, p),
    };
    Ok(HttpResponse::build(status).json(payment.to_response()))
}

/// `?order_id=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub order_id: Uuid,
}

/// The order's payment, whatever its state (checkout recovery asks this).
#[utoipa::path(get, path = "/internal/payments", params(OrderQuery), responses(
    (status = 200, body = PaymentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %query.order_id))]
pub async fn payment_for_order(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    query: Query<OrderQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let payment = Payment::find_by_order(&mut conn, query.order_id)
        .await?
        .ok_or_else(|| Problem::not_found("payment"))?;
    Ok(HttpResponse::Ok().json(payment.to_response()))
}

/// Refunds part or all of a payment, once per idempotency key; never more
/// than was captured (422).
#[utoipa::path(post, path = "/internal/payments/{id}/refunds", params(("id" = Uuid, Path, description = "The payment to refund")), request_body = RefundRequest, responses(
    (status = 201, body = RefundResponse),
    (status = 200, description = "The refund booked earlier with this key", body = RefundResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "Nothing was captured, or the key was used for another refund", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "More than is left to refund", body = shop_client::wire::ProblemDetails),
    (status = 503, description = "Booked but not paid out yet: retry with the same key", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(payment_id = %id))]
pub async fn create_refund(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<RefundRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = NewRefund::parse(*id, &body)?;
    let (status, refund) = match refund::refund(&state, new).await? {
        Refunded::New(r) => (StatusCode::CREATED, r),
        Refunded::Replayed(r) => (StatusCode::OK, r),
    };
    Ok(HttpResponse::build(status).json(refund.to_response()))
}
