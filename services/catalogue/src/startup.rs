//! Builds the catalogue: pools, migrations, cache, workers, routes.

use std::{sync::Arc, time::Duration};

use actix_web::web;
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics, redis::RedisPool};
use utoipa::OpenApi as _;

use crate::{
    cache::Cache,
    config::Settings,
    db::{
        MIGRATIONS,
        models::{product::ProductRecord, reservation},
    },
    routes, seed,
};

/// What every handler can reach.
pub struct AppState {
    pub db: PgPool,
    pub cache: Cache,
    pub currency: String,
    pub reservation_ttl: Duration,
}

/// Migrates the database, starts the workers and binds the server; `main`
/// and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    if settings.seed_demo_data {
        seed::seed(&db).await?;
    }
    let redis = RedisPool::new(&settings.redis)?;
    // The cache is an optimisation: without Redis the catalogue is degraded, not down.
    let health = Health::new("catalogue", env!("CARGO_PKG_VERSION"))
        .postgres(db.clone())
        .redis(redis.clone(), false);
    let metrics = Metrics::new("catalogue")?
        .observe_postgres(db.clone())
        .observe_redis(redis.clone());
    let cache = Cache::new(redis, settings.cache_ttl, metrics.registry())?;
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let state = Arc::new(AppState {
        db,
        cache,
        currency: settings.currency.clone(),
        reservation_ttl: settings.reservation_ttl,
    });
    tokio::spawn(warm_up(state.clone(), settings.warm_up_count));
    tokio::spawn(release_expired(state.clone(), settings.sweep_interval));

    let state = web::Data::from(state);
    let openapi = routes::ApiDoc::openapi();
    Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(state.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })
}

/// Caches the newest products in the background, so the first shoppers
/// after a deploy do not all miss.
async fn warm_up(state: Arc<AppState>, count: i64) {
    if count <= 0 {
        return;
    }
    let records = match state.db.get().await {
        Ok(mut conn) => ProductRecord::newest(&mut conn, count).await,
        Err(e) => {
            tracing::warn!(error = %e, "cache warm-up skipped: no database connection");
            return;
        }
    };
    match records {
        Ok(records) => {
            for record in &records {
                let lookup = state.cache.product::<ProductRecord>(record.id).await;
                if lookup.value.is_none() {
                    state.cache.store_product(record.id, &lookup, record).await;
                }
            }
            tracing::info!(products = records.len(), "cache warmed up");
        }
        Err(e) => tracing::warn!(error = %e, "cache warm-up failed"),
    }
}

/// Releases reservations whose time ran out, every `interval`. Each is moved
/// from `active` by a conditional update, so several replicas sweeping at once
/// release each reservation once.
async fn release_expired(state: Arc<AppState>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(50)));
    loop {
        ticker.tick().await;
        let Ok(mut conn) = state.db.get().await else {
            continue;
        };
        let due = match reservation::due(&mut conn, 100).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list expired reservations");
                continue;
            }
        };
        for id in due {
            match reservation::finish(&mut conn, id, "expired").await {
                Ok((_, _, changes)) if !changes.is_empty() => {
                    let ids: Vec<_> = changes.iter().map(|c| c.product_id).collect();
                    let hint_moved = changes.iter().any(|c| c.hint_before != c.hint_after);
                    state.cache.invalidate(&ids, hint_moved).await;
                    tracing::info!(reservation_id = %id, "expired reservation released");
                }
                Ok(_) | Err(reservation::ReservationError::WrongState(_)) => {}
                Err(e) => {
                    tracing::warn!(reservation_id = %id, error = %e, "cannot release an expired reservation")
                }
            }
        }
    }
}
