//! Builds the catalogue: pools, migrations, routes.

use actix_web::web;
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics, redis::RedisPool};
use utoipa::OpenApi as _;

use crate::{config::Settings, db::MIGRATIONS, routes};

/// What every handler can reach.
pub struct AppState {
    pub db: PgPool,
    pub redis: RedisPool,
}

/// Migrates the database and binds the server; `main` and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    let redis = RedisPool::new(&settings.redis)?;
    // The cache is an optimisation: without Redis the catalogue is degraded, not down.
    let health = Health::new("catalogue", env!("CARGO_PKG_VERSION"))
        .postgres(db.clone())
        .redis(redis.clone(), false);
    let metrics = Metrics::new("catalogue")?
        .observe_postgres(db.clone())
        .observe_redis(redis.clone());
    let state = web::Data::new(AppState { db, redis });
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let openapi = routes::ApiDoc::openapi();
    Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(state.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })
}
