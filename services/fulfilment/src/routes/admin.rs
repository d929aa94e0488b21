//! `/api/admin/*` for staff: packing tasks, shipments and receiving returns.

use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use shop_client::wire::{
    Page,
    fulfilment::{PackingTaskResponse, ReturnResponse, ShipmentResponse},
};
use shop_kit::{Problem, auth::AdminUser, pagination::PageQuery};
use uuid::Uuid;

use crate::{
    db::models::{
        fulfilment::{Fulfilment, PackingTask},
        rma::Rma,
        shipment::Shipment,
    },
    error::ApiError,
    packing, returns,
    startup::AppState,
};
use shop_kit::extract::Query;

/// Registers the admin routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/admin/packing-tasks",
        web::get().to(list_packing_tasks),
    )
    .route(
        "/api/admin/packing-tasks/{id}",
        web::get().to(get_packing_task),
    )
    .route(
        "/api/admin/packing-tasks/{id}/packed",
        web::post().to(mark_packed),
    )
    .route(
        "/api/admin/shipments/{id}/in-transit",
        web::post().to(mark_in_transit),
    )
    .route(
        "/api/admin/shipments/{id}/delivered",
        web::post().to(mark_delivered),
    )
    .route(
        "/api/admin/returns/{id}/receive",
        web::post().to(receive_return),
    );
}

/// The staff view of tasks, with their orders and shipments loaded in two queries.
async fn task_responses(
    state: &AppState,
    tasks: &[PackingTask],
) -> Result<Vec<PackingTaskResponse>, Problem> {
    let mut conn = state.db.get().await?;
    let order_ids: Vec<Uuid> = tasks.iter().map(|t| t.order_id).collect();
    let task_ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let orders = Fulfilment::many(&mut conn, &order_ids).await?;
    let mut shipments = Shipment::for_tasks(&mut conn, &task_ids).await?;
    tasks
        .iter()
        .map(|task| {
            let order = orders
                .get(&task.order_id)
                .ok_or_else(|| Problem::internal(anyhow::anyhow!("a task without its order")))?;
            Ok(PackingTaskResponse {
                id: task.id,
                order_id: task.order_id,
                user_id: task.user_id,
                status: task.status.clone(),
                lines: order.order_lines(),
                shipping_address: order.address().ok_or_else(|| {
                    Problem::internal(anyhow::anyhow!("an order without an address"))
                })?,
                booking_attempts: task.booking_attempts,
                courier_error: task.courier_error.clone(),
                shipment: shipments.remove(&task.id).map(|s| s.to_response()),
                created_at: task.created_at,
                updated_at: task.updated_at,
            })
        })
        .collect()
}

/// `?status=&limit=&offset=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `pending`, `packed`, `shipped` or `cancelled`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Packing tasks, oldest first, optionally in one status.
#[utoipa::path(get, path = "/api/admin/packing-tasks", params(TaskQuery), responses(
    (status = 200, body = Page<PackingTaskResponse>),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn list_packing_tasks(
    _admin: AdminUser,
    state: web::Data<AppState>,
    query: Query<TaskQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .parse()?;
    let status = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(status) = status
        && !["pending", "packed", "shipped", "cancelled"].contains(&status)
    {
        return Err(Problem::invalid_field(
            "status",
            "must be pending, packed, shipped or cancelled",
        ));
    }
    let (tasks, total) = {
        let mut conn = state.db.get().await?;
        PackingTask::list(&mut conn, status, page.limit, page.offset).await?
    };
    Ok(HttpResponse::Ok().json(Page {
        items: task_responses(&state, &tasks).await?,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

async fn one_task(state: &AppState, id: Uuid) -> Result<PackingTaskResponse, Problem> {
    let task = {
        let mut conn = state.db.get().await?;
        PackingTask::find(&mut conn, id)
            .await?
            .ok_or_else(|| Problem::not_found("packing task"))?
    };
    task_responses(state, &[task])
        .await?
        .pop()
        .ok_or_else(|| Problem::not_found("packing task"))
}

/// One packing task, with the courier error if the booking failed.
#[utoipa::path(get, path = "/api/admin/packing-tasks/{id}", responses(
    (status = 200, body = PackingTaskResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(task_id = %id))]
pub async fn get_packing_task(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(one_task(&state, *id).await?))
}

/// Packed: books the courier. 200 with the task `shipped` and its shipment;
/// 202 with the task still `packed` and `courier_error` when the courier
/// refused (the booking is retried). Packing a shipped task again is a 200.
#[utoipa::path(post, path = "/api/admin/packing-tasks/{id}/packed", responses(
    (status = 200, body = PackingTaskResponse),
    (status = 202, description = "Packed; the courier booking failed and will be retried", body = PackingTaskResponse),
    (status = 409, description = "The order was cancelled", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(task_id = %id))]
pub async fn mark_packed(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let task = packing::pack(&state, *id).await?;
    let status = if task.status == "shipped" {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok(HttpResponse::build(status).json(one_task(&state, task.id).await?))
}

/// The courier picked the parcel up.
#[utoipa::path(post, path = "/api/admin/shipments/{id}/in-transit", responses(
    (status = 200, body = ShipmentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(shipment_id = %id))]
pub async fn mark_in_transit(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let shipment = match Shipment::mark_in_transit(&mut conn, *id).await? {
        Some(shipment) => shipment,
        None => Shipment::find(&mut conn, *id)
            .await?
            .ok_or_else(|| Problem::not_found("shipment"))?,
    };
    Ok(HttpResponse::Ok().json(shipment.to_response()))
}

/// Delivered: the order becomes `delivered` (through the outbox). Again is a 200.
#[utoipa::path(post, path = "/api/admin/shipments/{id}/delivered", responses(
    (status = 200, body = ShipmentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(shipment_id = %id))]
pub async fn mark_delivered(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(packing::deliver(&state, *id).await?.to_response()))
}

/// The returned parcel arrived: restock, refund and credit note, each once.
/// 200 with the return `refunded`; 202 with it `received` and `last_error`
/// when a step failed (the worker retries it).
#[utoipa::path(post, path = "/api/admin/returns/{id}/receive", responses(
    (status = 200, body = ReturnResponse),
    (status = 202, description = "Received; a step failed and will be retried", body = ReturnResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(return_id = %id))]
pub async fn receive_return(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let rma = returns::receive(&state, *id).await?;
    let lines = {
        let mut conn = state.db.get().await?;
        Rma::lines(&mut conn, rma.id).await?
    };
    let status = if rma.status == "refunded" {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok(HttpResponse::build(status).json(rma.to_response(&lines)))
}
