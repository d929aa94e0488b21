//! `/api/shipments/{id}` and `/api/orders/{id}/shipment`: the buyer's own, or any for an admin.

use actix_web::{HttpResponse, web};
use shop_client::wire::fulfilment::ShipmentResponse;
use shop_kit::{Problem, auth::AuthUser};
use uuid::Uuid;

use crate::{db::models::shipment::Shipment, error::ApiError, startup::AppState};

/// Registers the shipment routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/shipments/{id}", web::get().to(get_shipment))
        .route(
            "/api/orders/{id}/shipment",
            web::get().to(get_order_shipment),
        );
}

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
