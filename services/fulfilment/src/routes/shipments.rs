//! Shipments: `/api/shipments/{id}` and `/api/orders/{id}/shipment` for the
//! buyer (or any for an admin), and the courier's scans staff report under
//! `/api/admin/shipments/{id}/*`.

use actix_web::{HttpResponse, web};
use shop_client::wire::fulfilment::ShipmentResponse;
use shop_kit::{
    Problem,
    auth::{AdminUser, AuthUser},
};
use uuid::Uuid;

use crate::{app::shipments, db::models::shipment::Shipment, error::ApiError, state::AppState};

/// Registers the shipment routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/shipments/{id}", web::get().to(get_shipment))
        .route(
            "/api/orders/{id}/shipment",
            web::get().to(get_order_shipment),
        )
        .route(
            "/api/admin/shipments/{id}/in-transit",
            web::post().to(mark_in_transit),
        )
        .route(
            "/api/admin/shipments/{id}/delivered",
            web::post().to(mark_delivered),
        );
}

/// The shipment if the caller may see it; someone else's is a 404.
fn visible(shipment: Option<Shipment>, user: &AuthUser) -> Result<ShipmentResponse, Problem> {
    shipment
        .filter(|s| s.user_id == user.id || user.is_admin())
        .map(|s| s.to_response())
        .ok_or_else(|| Problem::not_found("shipment"))
}

/// A shipment and its tracking number.
///
/// The buyer's own, or any for an admin; anyone else's is a 404.
#[utoipa::path(get, path = "/api/shipments/{id}",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "The shipment", body = ShipmentResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such shipment, or not the caller's", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(shipment_id = %id))]
pub async fn get_shipment(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let shipment = Shipment::find(&mut conn, *id).await?;
    Ok(HttpResponse::Ok().json(visible(shipment, &user)?))
}

/// An order's shipment.
///
/// The buyer's own, or any for an admin; 404 until the courier is booked.
#[utoipa::path(get, path = "/api/orders/{id}/shipment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order's shipment", body = ShipmentResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such order, not the caller's, or not handed to the courier yet", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_order_shipment(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let shipment = Shipment::for_order(&mut conn, *id).await?;
    Ok(HttpResponse::Ok().json(visible(shipment, &user)?))
}

/// Records the courier's pickup scan (admins).
///
/// The shipment becomes `in_transit`; reporting it again (or after the
/// delivery) answers the shipment as it is.
#[utoipa::path(post, path = "/api/admin/shipments/{id}/in-transit",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "The shipment", body = ShipmentResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such shipment", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(shipment_id = %id))]
pub async fn mark_in_transit(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(shipments::pick_up(&state, *id).await?.to_response()))
}

/// Records a shipment's delivery (admins).
///
/// The shipment becomes `delivered` and so does its order (orders is told
/// through the outbox). Reporting it again answers the shipment as it is.
#[utoipa::path(post, path = "/api/admin/shipments/{id}/delivered",
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "The shipment, delivered", body = ShipmentResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such shipment", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(shipment_id = %id))]
pub async fn mark_delivered(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(shipments::deliver(&state, *id).await?.to_response()))
}
