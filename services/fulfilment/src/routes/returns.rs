//! Returns: `/api/returns*` for the buyer to ask and follow, and
//! `/api/admin/returns/{id}/receive` for staff when the parcel is back.

use actix_web::{HttpResponse, http::StatusCode, web};
use shop_client::wire::fulfilment::{CreateReturnRequest, ReturnResponse};
use shop_kit::{
    Problem,
    auth::{AdminUser, AuthUser},
    extract::Json,
};
use uuid::Uuid;

use crate::{
    app::returns::{self, Receipt},
    db::models::rma::Rma,
    error::ApiError,
    state::AppState,
};

/// Registers the return routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/returns", web::post().to(create_return))
        .route("/api/returns/{id}", web::get().to(get_return))
        .route(
            "/api/admin/returns/{id}/receive",
            web::post().to(receive_return),
        );
}

/// Asks to return lines of a delivered order: 201 with an RMA number.
#[utoipa::path(post, path = "/api/returns", request_body = CreateReturnRequest, responses(
    (status = 201, body = ReturnResponse),
    (status = 404, description = "Not your order, or not paid", body = shop_client::wire::ProblemDetails),
    (status = 409, description = "not_delivered or return_window_closed", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "More than was bought, or not in the order", body = shop_client::wire::ProblemDetails),
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

/// A return: the buyer's own, or any for an admin.
#[utoipa::path(get, path = "/api/returns/{id}", responses(
    (status = 200, body = ReturnResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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

/// The returned parcel arrived: orders restocks, refunds and credits it,
/// each once. 200 with the return `refunded`; 202 with it `received` when
/// orders has not finished within a few seconds (it carries on; the return
/// shows `last_error` when a delivery to orders failed).
#[utoipa::path(post, path = "/api/admin/returns/{id}/receive", responses(
    (status = 200, body = ReturnResponse),
    (status = 202, description = "Received; orders is still refunding it", body = ReturnResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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
