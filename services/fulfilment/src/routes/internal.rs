//! `/internal/*`: what orders tells fulfilment: paid orders (`order.paid`),
//! cancellations before packing, and refunded returns (`return.refunded`).
//! Never routed by the gateway; every call must carry `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use shop_client::wire::{
    ErrorCode,
    fulfilment::{FulfilmentResponse, PackingTaskStatus, ReturnResponse},
    orders::{OrderPaidEvent, ReturnRefundedEvent},
};
use shop_kit::{Problem, auth::InternalCaller, extract::Json};
use uuid::Uuid;

use crate::{
    app::{
        intake::{self, Intake, Withdrawal},
        returns,
    },
    db::models::packing_task::PackingTask,
    error::ApiError,
    state::AppState,
};

/// Registers the internal routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/fulfilments", web::post().to(create_fulfilment))
        .route(
            "/internal/fulfilments/{order_id}",
            web::get().to(get_fulfilment),
        )
        .route(
            "/internal/fulfilments/{order_id}/cancel",
            web::post().to(cancel_fulfilment),
        )
        .route(
            "/internal/returns/{id}/refunded",
            web::post().to(return_refunded),
        );
}

/// `order.paid`: records the order and a `pending` packing task. Delivered
/// again, it answers 200 with the same task and creates nothing.
#[utoipa::path(post, path = "/internal/fulfilments", request_body = OrderPaidEvent, responses(
    (status = 201, body = FulfilmentResponse),
    (status = 200, description = "Received before", body = FulfilmentResponse),
))]
#[tracing::instrument(skip_all, fields(order_id = %body.order_id))]
pub async fn create_fulfilment(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<OrderPaidEvent>,
) -> Result<HttpResponse, ApiError> {
    Ok(match intake::accept(&state, &body).await? {
        Intake::New(task) => HttpResponse::Created().json(task.to_fulfilment()),
        Intake::Known(task) => HttpResponse::Ok().json(task.to_fulfilment()),
    })
}

/// The order's packing task; 404 before `order.paid` arrived.
#[utoipa::path(get, path = "/internal/fulfilments/{order_id}", responses(
    (status = 200, body = FulfilmentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn get_fulfilment(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    order_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let task = PackingTask::for_order(&mut conn, *order_id)
        .await?
        .ok_or_else(|| Problem::not_found("fulfilment"))?;
    Ok(HttpResponse::Ok().json(task.to_fulfilment()))
}

/// Cancels the order's fulfilment before packing (orders asks before it
/// refunds); 409 `already_packed` once packing started.
#[utoipa::path(post, path = "/internal/fulfilments/{order_id}/cancel", responses(
    (status = 200, body = FulfilmentResponse),
    (status = 409, description = "Packing already started", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn cancel_fulfilment(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    order_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order_id = *order_id;
    match intake::cancel(&state, order_id).await? {
        Withdrawal::Cancelled(task) => Ok(HttpResponse::Ok().json(task.to_fulfilment())),
        Withdrawal::BeforeArrival => Ok(HttpResponse::Ok().json(FulfilmentResponse {
            order_id,
            packing_task_id: None,
            status: PackingTaskStatus::Cancelled,
        })),
        Withdrawal::AlreadyPacked(status) => Err(Problem::conflict(
            ErrorCode::AlreadyPacked,
            format!("the packing task is already {status}"),
        )),
    }
}

/// `return.refunded`: orders restocked the goods and gave the money back;
/// the return is `refunded` (a repeated event answers it as it is).
#[utoipa::path(post, path = "/internal/returns/{id}/refunded", request_body = ReturnRefundedEvent, responses(
    (status = 200, body = ReturnResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "The return was never received", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(return_id = %id))]
pub async fn return_refunded(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<ReturnRefundedEvent>,
) -> Result<HttpResponse, ApiError> {
    let rma = returns::refunded(&state, *id, &body).await?;
    let mut conn = state.db.get().await?;
    Ok(HttpResponse::Ok().json(returns::describe(&mut conn, &rma).await?))
}
