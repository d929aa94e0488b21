//! `/internal/*` for orders and fulfilment: reservations, restocks, prices.
//! Never routed by the gateway; every call must carry `X-Internal-Token`.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shop_client::wire::catalogue::{
    PriceResponse, ReservationRequest, ReservationResponse, RestockRequest, StockLine,
};
use shop_kit::{Problem, auth::InternalCaller};
use uuid::Uuid;

use crate::{
    db::models::{
        product::ProductRecord,
        reservation::{self, StockChange},
        restock,
    },
    error::ApiError,
    startup::AppState,
};
use shop_kit::extract::{Json, Query};

/// Registers the internal routes.
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
        )
        .route("/internal/restocks", web::post().to(restock_products))
        .route("/internal/products", web::get().to(product_prices));
}

/// 1 to 100 lines, each product once, 1 to 1000 units.
fn parse_lines(items: &[StockLine]) -> Result<(), Problem> {
    if items.is_empty() || items.len() > 100 {
        return Err(Problem::invalid_field("items", "must have 1 to 100 lines"));
    }
    let mut seen = HashSet::new();
    for line in items {
        if !(1..=1000).contains(&line.quantity) {
            return Err(Problem::invalid_field(
                "items",
                "every quantity must be 1 to 1000",
            ));
        }
        if !seen.insert(line.product_id) {
            return Err(Problem::invalid_field(
                "items",
                "each product may appear once",
            ));
        }
    }
    Ok(())
}

/// Drops what readers of the changed products (and, if a hint moved, of the lists) had cached.
async fn invalidate(state: &AppState, changes: &[StockChange]) {
    if changes.is_empty() {
        return;
    }
    let ids: Vec<Uuid> = changes.iter().map(|c| c.product_id).collect();
    let hint_moved = changes.iter().any(|c| c.hint_before != c.hint_after);
    state.cache.invalidate(&ids, hint_moved).await;
}

/// Holds stock for every line or for none: 201, or 409 `out_of_stock` naming
/// the short lines. The same id and items again answer 200 with the hold.
#[utoipa::path(post, path = "/internal/reservations", request_body = ReservationRequest, responses(
    (status = 201, body = ReservationResponse),
    (status = 200, description = "Already held (a retry)", body = ReservationResponse),
    (status = 409, description = "out_of_stock, with `lines`", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %body.reservation_id))]
pub async fn create_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<ReservationRequest>,
) -> Result<HttpResponse, ApiError> {
    parse_lines(&body.items)?;
    let ttl = match body.ttl_seconds {
        None => chrono::Duration::from_std(state.reservation_ttl).map_err(Problem::internal)?,
        Some(seconds) if (1..=86_400).contains(&seconds) => chrono::Duration::seconds(seconds),
        Some(_) => return Err(Problem::invalid_field("ttl_seconds", "must be 1 to 86400")),
    };
    let mut conn = state.db.get().await?;
    let (held, items, changes) =
        reservation::reserve(&mut conn, body.reservation_id, &body.items, ttl).await?;
    invalidate(&state, &changes).await;
    let status = if changes.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::CREATED
    };
    Ok(HttpResponse::build(status).json(reservation::response(&held, items)))
}

/// Where a reservation stands (recovery asks this).
#[utoipa::path(get, path = "/internal/reservations/{id}", responses((status = 200, body = ReservationResponse)))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn get_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let (held, items) = reservation::find(&mut conn, *id).await?;
    Ok(HttpResponse::Ok().json(reservation::response(&held, items)))
}

async fn finish(state: &AppState, id: Uuid, to: &'static str) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let (held, items, changes) = reservation::finish(&mut conn, id, to).await?;
    invalidate(state, &changes).await;
    Ok(HttpResponse::Ok().json(reservation::response(&held, items)))
}

/// Sells the held stock (on hand goes down). Idempotent.
#[utoipa::path(post, path = "/internal/reservations/{id}/commit", responses(
    (status = 200, body = ReservationResponse),
    (status = 409, description = "Already released or expired", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn commit_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    finish(&state, *id, "committed").await
}

/// Puts the held stock back on sale. Idempotent (also after expiry).
#[utoipa::path(post, path = "/internal/reservations/{id}/release", responses(
    (status = 200, body = ReservationResponse),
    (status = 409, description = "Already committed", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(reservation_id = %id))]
pub async fn release_reservation(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    finish(&state, *id, "released").await
}

/// Returned goods back on hand, once per `restock_id`.
#[utoipa::path(post, path = "/internal/restocks", request_body = RestockRequest, responses((status = 200)))]
#[tracing::instrument(skip_all, fields(restock_id = %body.restock_id))]
pub async fn restock_products(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<RestockRequest>,
) -> Result<HttpResponse, ApiError> {
    parse_lines(&body.items)?;
    let mut conn = state.db.get().await?;
    let changes = restock::apply(&mut conn, body.restock_id, &body.items)
        .await
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => Problem::invalid_field("items", "names an unknown product"),
            other => other.into(),
        })?;
    invalidate(&state, &changes).await;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({"restock_id": body.restock_id, "applied": !changes.is_empty()})))
}

/// `?ids=a,b,c`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    /// Comma-separated product ids (at most 100).
    pub ids: String,
}

/// Current prices and availability, for repricing a cart.
#[utoipa::path(get, path = "/internal/products", params(PriceQuery), responses((status = 200, body = Vec<PriceResponse>)))]
#[tracing::instrument(skip_all)]
pub async fn product_prices(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    query: Query<PriceQuery>,
) -> Result<HttpResponse, ApiError> {
    let ids = query
        .ids
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| Uuid::parse_str(s.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Problem::invalid_field("ids", "must be comma-separated product ids"))?;
    if ids.is_empty() || ids.len() > 100 {
        return Err(Problem::invalid_field("ids", "must name 1 to 100 products"));
    }
    let mut conn = state.db.get().await?;
    Ok(HttpResponse::Ok().json(ProductRecord::prices(&mut conn, &ids).await?))
}
