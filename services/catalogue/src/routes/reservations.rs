//! `/internal/reservations`: stock held for a checkout, then committed or
//! released. Internal: needs `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use shop_client::wire::catalogue::{ReservationRequest, ReservationResponse};
use shop_kit::{auth::InternalCaller, extract::Json};

use super::InternalToken;
use uuid::Uuid;

use crate::{
    app::reservations::{self, Reserved},
    domain::reservation::{self, Ending, StockLines},
    error::ApiError,
    state::AppState,
};

/// Registers the reservation routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/reservations", web::post().to(create_reservation))
        .route(
            "/internal/reservations/{id}",
            web::get().to(get_reservation),
        )
        .route(
            "/internal/reservations/{id}/commit",
            web::post().to(commit_reservation),
        )
        .route(
            "/internal/reservations/{id}/release",
            web::post().to(release_reservation),
        );
}

/// Holds stock for every line or for none: 201, or 409 `out_of_stock` naming
/// the short lines. The same id and items again answer 200 with the hold.
#[utoipa::path(post, path = "/internal/reservations", request_body = ReservationRequest,
    params(InternalToken),
    responses(
    (status = 201, body = ReservationResponse),
    (status = 200, description = "Already held (a retry)", body = ReservationResponse),
    (status = 409, description = "out_of_stock, with `lines`; or idempotency_key_reused", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %body.reservation_id))]
pub async fn create_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<ReservationRequest>,
) -> Result<HttpResponse, ApiError> {
    let lines = StockLines::parse(&body.items)?;
    let ttl = reservation::ttl(body.ttl_seconds, state.reservation_ttl)?;
    Ok(
        match reservations::reserve(&state, body.reservation_id, &lines, ttl).await? {
            Reserved::New(held) => HttpResponse::Created().json(held),
            Reserved::Replayed(held) => HttpResponse::Ok().json(held),
        },
    )
}

/// Where a reservation stands (recovery asks this).
#[utoipa::path(get, path = "/internal/reservations/{id}",
    params(("id" = Uuid, Path, description = "The reservation's id (the order's)"), InternalToken),
    responses(
    (status = 200, body = ReservationResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn get_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(reservations::find(&state, *id).await?))
}

/// Sells the held stock (on hand goes down). Idempotent.
#[utoipa::path(post, path = "/internal/reservations/{id}/commit",
    params(("id" = Uuid, Path, description = "The reservation's id (the order's)"), InternalToken),
    responses(
    (status = 200, body = ReservationResponse),
    (status = 409, description = "Already released or expired", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn commit_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let committed = reservations::finish(&state, *id, Ending::Commit).await?;
    Ok(HttpResponse::Ok().json(committed.into_response()))
}

/// Puts the held stock back on sale. Idempotent (also after expiry).
#[utoipa::path(post, path = "/internal/reservations/{id}/release",
    params(("id" = Uuid, Path, description = "The reservation's id (the order's)"), InternalToken),
    responses(
    (status = 200, body = ReservationResponse),
    (status = 409, description = "Already committed", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn release_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let released = reservations::finish(&state, *id, Ending::Release).await?;
    Ok(HttpResponse::Ok().json(released.into_response()))
}
