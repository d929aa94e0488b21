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
#[utoipa::path(get, path = "/api/shipments/{id}", responses(
    (status = 200, body = ShipmentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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

/// The order's shipment; 404 until the courier is booked.
#[utoipa::path(get, path = "/api/orders/{id}/shipment", responses(
    (status = 200, body = ShipmentResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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
    Ok(HttpResponse::Ok().json(shipments::pick_up(&state, *id).await?.to_response()))
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
    Ok(HttpResponse::Ok().json(shipments::deliver(&state, *id).await?.to_response()))
}
