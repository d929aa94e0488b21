//! Builds the payments service: pool and migrations, the card processor,
//! the users client, the routes. `main` and the tests start here; nothing
//! else imports it.

use actix_web::web;
use shop_client::{ClientConfig, UsersClient};
use shop_kit::{Application, health::Health, metrics::Metrics};
use utoipa::OpenApi as _;

use crate::{
    config::Settings, db::MIGRATIONS, processor::MockCardProcessor, routes, state::AppState,
};

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
    let processor = MockCardProcessor::new(metrics.registry())?;
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
