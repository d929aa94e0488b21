//! `/internal/fulfilments*`: paid orders arriving from orders (the
//! `order.paid` event) and cancellations before packing. Never routed by the
//! gateway; every call must carry `X-Internal-Token`.

use actix_web::{HttpResponse, http::StatusCode, web};
use shop_client::wire::{fulfilment::FulfilmentResponse, orders::OrderPaidEvent};
use shop_kit::{Problem, auth::InternalCaller};
use uuid::Uuid;

use crate::{
    db::models::fulfilment::{self, CancelError},
    error::ApiError,
    startup::AppState,
};
use shop_kit::extract::Json;

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
    if body.lines.is_empty() || body.lines.iter().any(|l| l.quantity < 1) {
        return Err(Problem::invalid_field("lines", "must list what was bought"));
    }
    let mut conn = state.db.get().await?;
    let (task, created) = fulfilment::accept(&mut conn, &body).await?;
    if created {
        tracing::info!(order_id = %body.order_id, task_id = %task.id, status = %task.status, "packing task created");
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(task.to_fulfilment()))
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
    let task = fulfilment::PackingTask::for_order(&mut conn, *order_id)
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
    let mut conn = state.db.get().await?;
    match fulfilment::cancel(&mut conn, order_id).await {
        Ok(Some(task)) => Ok(HttpResponse::Ok().json(task.to_fulfilment())),
        Ok(None) => Ok(HttpResponse::Ok().json(FulfilmentResponse {
            order_id,
            packing_task_id: None,
            status: "cancelled".to_owned(),
        })),
        Err(CancelError::AlreadyPacked(status)) => Err(Problem::conflict(
            "already_packed",
            format!("the packing task is already {status}"),
        )),
        Err(CancelError::Db(e)) => Err(e.into()),
    }
}
