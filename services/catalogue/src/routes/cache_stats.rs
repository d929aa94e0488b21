//! `GET /api/cache/stats` (admin).

use actix_web::{HttpResponse, web};
use shop_client::wire::catalogue::CacheStatsResponse;
use shop_kit::auth::AdminUser;

use crate::{error::ApiError, state::AppState};

/// Registers the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/cache/stats", web::get().to(cache_stats));
}

/// The cache's hits and misses, keys and Redis memory (admin).
///
/// Hits and misses are this instance's since it started.
#[utoipa::path(get, path = "/api/cache/stats",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "The cache's figures", body = CacheStatsResponse)))]
#[tracing::instrument(skip_all)]
pub async fn cache_stats(
    _admin: AdminUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.cache.stats().await))
}
