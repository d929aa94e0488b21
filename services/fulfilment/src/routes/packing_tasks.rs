//! `/api/admin/packing-tasks*` for staff: the tasks to pack, and packing one
//! (which books the courier).

use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use shop_client::wire::{Page, fulfilment::PackingTaskResponse};
use shop_kit::{Problem, auth::AdminUser, extract::Query, pagination::PageQuery};
use uuid::Uuid;

use crate::{
    app::packing::{self, Packing},
    db::models::packing_task::PackingTask,
    domain::status::PackingTaskStatus,
    error::ApiError,
    routes::status_filter,
    state::AppState,
};

/// Registers the packing task routes.
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
    );
}

/// `?status=&limit=&offset=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only tasks in this status (`pending`, `packed`, `shipped` or
    /// `cancelled`, surrounding spaces ignored); blank for every status.
    #[param(schema_with = status_filter_schema)]
    pub status: Option<String>,
    /// Tasks per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Tasks to skip.
    #[param(minimum = 0, default = 0)]
    pub offset: Option<i64>,
}

/// What [`status_filter::parse`] takes for a task's status.
fn status_filter_schema() -> utoipa::openapi::schema::Schema {
    status_filter::schema::<PackingTaskStatus>("tasks")
}

async fn find_task(state: &AppState, id: Uuid) -> Result<PackingTask, Problem> {
    let mut conn = state.db.get().await?;
    PackingTask::find(&mut conn, id)
        .await?
        .ok_or_else(|| Problem::not_found("packing task"))
}

/// Lists packing tasks, oldest first (admins).
///
/// Every task, or only those in one status.
#[utoipa::path(get, path = "/api/admin/packing-tasks",
    security(("bearer" = ["admin"])),
    params(TaskQuery),
    responses(
        (status = 200, description = "A page of packing tasks", body = Page<PackingTaskResponse>),
        (status = 400, description = "`invalid_query`: `limit` or `offset` is not a whole number", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed` naming `status` (not a status) or `limit` or `offset` (out of range)", body = shop_client::wire::ProblemDetails),
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
    let status = status_filter::parse(query.status.as_deref())?;
    let (tasks, total) = {
        let mut conn = state.db.get().await?;
        PackingTask::list(&mut conn, status, page.limit, page.offset).await?
    };
    Ok(HttpResponse::Ok().json(Page {
        items: packing::views(&state, &tasks).await?,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One packing task (admins).
///
/// With its shipment once the courier is booked, and the courier's error
/// while the booking is being retried.
#[utoipa::path(get, path = "/api/admin/packing-tasks/{id}",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The packing task's id")),
    responses(
        (status = 200, description = "The packing task", body = PackingTaskResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such packing task", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(task_id = %id))]
pub async fn get_packing_task(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let task = find_task(&state, *id).await?;
    Ok(HttpResponse::Ok().json(packing::view(&state, task).await?))
}

/// Marks a packing task packed and books the courier (admins).
///
/// 200 with the task `shipped` and its shipment; 202 with the task still
/// `packed` and `courier_error` when the courier refused (the booking is
/// retried). Packing a shipped task again is a 200.
#[utoipa::path(post, path = "/api/admin/packing-tasks/{id}/packed",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The packing task's id")),
    responses(
        (status = 200, description = "Packed and handed to the courier: the task `shipped`, with its shipment", body = PackingTaskResponse),
        (status = 202, description = "Packed; the courier booking failed (`courier_error`) and is retried", body = PackingTaskResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such packing task", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "`task_cancelled`: the order was cancelled before packing; do not pack it", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(task_id = %id))]
pub async fn mark_packed(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (status, task) = match packing::pack(&state, *id).await? {
        Packing::Shipped(task) => (StatusCode::OK, task),
        Packing::AwaitingCourier(task) => (StatusCode::ACCEPTED, task),
    };
    Ok(HttpResponse::build(status).json(packing::view(&state, task).await?))
}
