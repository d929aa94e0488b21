//! `GET /api/cache/stats` (admin).

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};
use shop_client::wire::catalogue::CacheStatsResponse;
use shop_kit::auth::AdminUser;

use crate::{error::ApiError, startup::AppState};

/// Registers the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/cache/stats", web::get().to(cache_stats));
}

/// Hits and misses of this instance, keys and Redis memory.
#[utoipa::path(get, path = "/api/cache/stats", responses((status = 200, body = CacheStatsResponse)))]
#[tracing::instrument(skip_all)]
pub async fn cache_stats(
    _admin: AdminUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let counters = state.cache.counters();
    let hits = counters.hits.load(Ordering::Relaxed);
    let misses = counters.misses.load(Ordering::Relaxed);
    let redis = state.cache.redis_stats().await;
    #[allow(clippy::cast_precision_loss)] // a ratio for people, not money
    let hit_ratio = if hits + misses == 0 {
        0.0
    } else {
        hits as f64 / (hits + misses) as f64
    };
    Ok(HttpResponse::Ok().json(CacheStatsResponse {
        hits,
        misses,
        hit_ratio,
        keys: redis.map_or(0, |(keys, _)| keys),
        redis_used_memory_bytes: redis.map_or(0, |(_, memory)| memory),
        redis_up: redis.is_some(),
    }))
}
