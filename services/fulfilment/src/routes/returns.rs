//! Returns: `/api/returns*` for the buyer to ask, find and follow (staff
//! find every return there too), and `/api/admin/returns/{id}/receive` for
//! staff when the parcel is back.

use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use shop_client::wire::{
    Page,
    fulfilment::{CreateReturnRequest, ReturnResponse},
};
use shop_kit::{
    Problem,
    auth::{AdminUser, AuthUser},
    extract::{Json, Query},
    pagination::PageQuery,
};
use uuid::Uuid;

use crate::{
    app::returns::{self, Receipt},
    db::models::rma::{Rma, RmaFilter},
    domain::status::ReturnStatus,
    error::ApiError,
    routes::status_filter,
    state::AppState,
};

/// Registers the return routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/returns", web::post().to(create_return))
        .route("/api/returns", web::get().to(list_returns))
        .route("/api/returns/{id}", web::get().to(get_return))
        .route(
            "/api/admin/returns/{id}/receive",
            web::post().to(receive_return),
        );
}

/// Asks to return lines of a delivered order.
///
/// Within the return window (30 days after delivery by default), for at
/// most what was bought less what earlier returns asked back; answered
/// with an RMA number.
#[utoipa::path(post, path = "/api/returns", request_body = CreateReturnRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The return, `requested`", body = ReturnResponse, headers(
            ("Location" = String, description = "The return (`/api/returns/{id}`)"),
        )),
        (status = 400, description = "`invalid_json`: the body is not JSON"),
        (status = 404, description = "`not_found`: no such order, not the caller's, or not paid", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "`not_delivered` (the order is not delivered yet) or `return_window_closed`", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed` naming `reason` (blank, too long, control characters) or `lines` (none or over 100, a product twice or not in the order, a quantity below 1 or above what is left to return)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %body.order_id))]
pub async fn create_return(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<CreateReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let rma = returns::create(&state, &user, &body).await?;
    let mut conn = state.db.get().await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/returns/{}", rma.id)))
        .json(returns::describe(&mut conn, &rma).await?))
}

/// `?order_id=&status=&limit=&offset=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnListQuery {
    /// Only the returns of this order (a malformed id is a 400 naming
    /// `order_id`; an order that is not the caller's lists nothing).
    pub order_id: Option<Uuid>,
    /// Only returns in this status (`requested`, `received` or `refunded`,
    /// surrounding spaces ignored); blank for every status.
    #[param(schema_with = status_filter_schema)]
    pub status: Option<String>,
    /// Returns per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Returns to skip.
    #[param(minimum = 0, default = 0)]
    pub offset: Option<i64>,
}

/// What [`status_filter::parse`] takes for a return's status.
fn status_filter_schema() -> utoipa::openapi::schema::Schema {
    status_filter::schema::<ReturnStatus>("returns")
}

/// Lists returns, newest first.
///
/// The caller's own returns, or every return for an admin; optionally only
/// one order's, or only those in one status (staff: `requested` are the
/// parcels still to receive).
#[utoipa::path(get, path = "/api/returns",
    security(("bearer" = [])),
    params(ReturnListQuery),
    responses(
        (status = 200, description = "A page of returns", body = Page<ReturnResponse>),
        (status = 400, description = "`invalid_query`: `order_id` is not a UUID, or `limit` or `offset` is not a whole number, named in `fields`", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed` naming `status` (not a status) or `limit` or `offset` (out of range)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list_returns(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<ReturnListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .parse()?;
    let filter = RmaFilter {
        // A customer's list is always narrowed to their own returns.
        user_id: (!user.is_admin()).then_some(user.id),
        order_id: query.order_id,
        status: status_filter::parse(query.status.as_deref())?,
    };
    let mut conn = state.db.get().await?;
    let (rmas, total) = Rma::list(&mut conn, &filter, page.limit, page.offset).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: returns::describe_all(&mut conn, &rmas).await?,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// A return.
///
/// The buyer's own, or any for an admin; anyone else's is a 404.
#[utoipa::path(get, path = "/api/returns/{id}",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The return's id")),
    responses(
        (status = 200, description = "The return", body = ReturnResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such return, or not the caller's", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(return_id = %id))]
pub async fn get_return(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let rma = Rma::find(&mut conn, *id)
        .await?
        .filter(|r| r.user_id == user.id || user.is_admin())
        .ok_or_else(|| Problem::not_found("return"))?;
    Ok(HttpResponse::Ok().json(returns::describe(&mut conn, &rma).await?))
}

/// Records a returned parcel as received (admins).
///
/// Orders restocks, refunds and credits it, each once. 200 with the return
/// `refunded`; 202 with it `received` when orders has not finished within a
/// few seconds (it carries on; the return shows `last_error` when a
/// delivery to orders failed). Receiving it again answers it as it is.
#[utoipa::path(post, path = "/api/admin/returns/{id}/receive",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The return's id")),
    responses(
        (status = 200, description = "Received and refunded", body = ReturnResponse),
        (status = 202, description = "Received; orders is still refunding it", body = ReturnResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such return", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(return_id = %id))]
pub async fn receive_return(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (status, rma) = match returns::receive(&state, *id).await? {
        Receipt::Refunded(rma) => (StatusCode::OK, rma),
        Receipt::Refunding(rma) => (StatusCode::ACCEPTED, rma),
    };
    let mut conn = state.db.get().await?;
    Ok(HttpResponse::build(status).json(returns::describe(&mut conn, &rma).await?))
}
