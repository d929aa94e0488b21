//! Builds the catalogue: pools, migrations, demo data, cache, workers and
//! routes. Nothing imports this module but `main` and the tests.

use std::sync::Arc;

use actix_web::web;
use shop_kit::{Application, health::Health, metrics::Metrics, redis::RedisPool};
use utoipa::OpenApi as _;

use crate::{
    app::{demo_pictures, images::Uploads, sweeper, warm_up},
    cache::Cache,
    config::Settings,
    db::{MIGRATIONS, seed},
    media::Media,
    routes,
    state::AppState,
};

/// Migrates the database, starts the workers and binds the server; `main`
/// and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let media_settings = &settings.media;
    // Before anything else: bad media settings stop the start with their name.
    let media = Media::open(
        &media_settings.store_url,
        &media_settings.store_env.0,
        &media_settings.url_secret,
        media_settings.url_ttl,
    )?;
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
    let cache = Cache::new(
        redis,
        settings.cache_ttl,
        settings.cache_memory,
        metrics.registry(),
    )?;
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let state = Arc::new(AppState {
        db,
        cache,
        currency: settings.currency.clone(),
        reservation_ttl: settings.reservation_ttl,
        media,
        uploads: Uploads::new(
            media_settings.upload_concurrency,
            media_settings.max_bytes,
            media_settings.rules,
        ),
        media_public: media_settings.public,
    });
    if settings.seed_demo_data {
        demo_pictures::seed(&state).await?;
    }

    let web_state = web::Data::from(state.clone());
    let openapi = routes::ApiDoc::openapi();
    let app = Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(web_state.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })?;
    // Started once the server is bound, so a failed start leaves none behind.
    let workers = app.workers();
    let (redis, channel) = (state.cache.redis().clone(), state.cache.channel());
    let memory = state.cache.memory.clone();
    workers.spawn("cache-invalidations", move |stop| {
        shop_kit::invalidation::listen(redis, channel, memory, stop)
    });
    let (warm, count) = (state.clone(), settings.warm_up_count);
    workers.spawn("cache-warm-up", move |stop| warm_up::run(warm, count, stop));
    let interval = settings.sweep_interval;
    workers.spawn("reservation-sweeper", move |stop| {
        sweeper::run(state, interval, stop)
    });
    Ok(app)
}
