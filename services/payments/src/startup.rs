//! Builds the payments service: pool, migrations, card processor, routes.

use std::{sync::Arc, time::Duration};

use actix_web::web;
use shop_client::{ClientConfig, UsersClient};
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics};
use utoipa::OpenApi as _;

use crate::{
    adapter::{CardProcessor, MockCardProcessor},
    config::Settings,
    db::MIGRATIONS,
    routes,
};

/// What every handler can reach.
pub struct AppState {
    pub db: PgPool,
    pub processor: Arc<dyn CardProcessor>,
    pub users: UsersClient,
    pub currency: String,
    pub retry_base: Duration,
    pub stale_after: Duration,
    /// `payments_settled_total{method,status}`: declines and failures show here.
    pub settled: prometheus::IntCounterVec,
}

/// Migrates the database and binds the server; `main` and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    let health = Health::new("payments", env!("CARGO_PKG_VERSION")).postgres(db.clone());
    let metrics = Metrics::new("payments")?.observe_postgres(db.clone());
    let settled = prometheus::IntCounterVec::new(
        prometheus::Opts::new(
            "payments_settled_total",
            "Payments settled, by method and status",
        ),
        &["method", "status"],
    )?;
    metrics.registry().register(Box::new(settled.clone()))?;
    let processor: Arc<dyn CardProcessor> = Arc::new(MockCardProcessor::new(metrics.registry())?);
    let users = UsersClient::new(
        settings.users_url.clone(),
        &ClientConfig {
            internal_token: Some(settings.base.internal_api_token.clone()),
            ..ClientConfig::default()
        },
    )?;
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let state = web::Data::new(AppState {
        db,
        processor,
        users,
        currency: settings.currency.clone(),
        retry_base: settings.retry_base,
        stale_after: settings.stale_after,
        settled,
    });
    let openapi = routes::ApiDoc::openapi();
    Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(state.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })
}
