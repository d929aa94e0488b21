//! Builds the payments service: pool, migrations, routes.

use actix_web::web;
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics};
use utoipa::OpenApi as _;

use crate::{config::Settings, db::MIGRATIONS, routes};

/// What every handler can reach.
pub struct AppState {
    pub db: PgPool,
}

/// Migrates the database and binds the server; `main` and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    let health = Health::new("payments", env!("CARGO_PKG_VERSION")).postgres(db.clone());
    let metrics = Metrics::new("payments")?.observe_postgres(db.clone());
    let state = web::Data::new(AppState { db });
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
