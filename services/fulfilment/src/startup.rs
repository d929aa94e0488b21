//! Builds the fulfilment service: pool, migrations, the courier, routes, and
//! the two workers (the outbox relay and the courier booking retries).
//! Nothing imports this module: `main` and the tests call [`build`].

use std::sync::Arc;

use actix_web::web;
use shop_client::{ClientConfig, OrdersClient};
use shop_kit::{Application, health::Health, metrics::Metrics, outbox::Relay};
use utoipa::OpenApi as _;

use crate::{
    app::{events::FulfilmentEvents, worker},
    config::Settings,
    courier::{Courier, MockCourier},
    db::MIGRATIONS,
    routes,
    state::AppState,
};

/// Migrates the database, starts the workers and binds the server; `main`
/// and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    let health = Health::new("fulfilment", env!("CARGO_PKG_VERSION")).postgres(db.clone());
    let metrics = Metrics::new("fulfilment")?.observe_postgres(db.clone());
    let client = ClientConfig {
        internal_token: Some(settings.base.internal_api_token.clone()),
        ..ClientConfig::default()
    };
    // Orders is reached only by the relay: nothing a request does waits on it.
    let orders = OrdersClient::new(settings.orders_url.clone(), &client)?;
    let relay = Relay::new(
        db.clone(),
        settings.outbox,
        Arc::new(FulfilmentEvents { orders }),
        metrics.registry(),
    )
    .await?;
    let courier: Arc<dyn Courier> = Arc::new(MockCourier::new(
        settings.courier_fail_first,
        metrics.registry(),
    )?);
    let state = Arc::new(AppState {
        db,
        courier,
        relay: relay.clone(),
        settings: settings.clone(),
    });
    let data = web::Data::from(state.clone());
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let openapi = routes::ApiDoc::openapi();
    let app = Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(data.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })?;
    // Started once the server is bound, so a failed start leaves none behind.
    relay.spawn(app.workers());
    worker::spawn(state, app.workers());
    Ok(app)
}
