//! Builds the fulfilment service: pool, migrations, clients, the courier,
//! routes, the outbox relay and the retry worker.

use std::sync::Arc;

use actix_web::web;
use shop_client::{CatalogueClient, ClientConfig, OrdersClient, PaymentsClient};
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics, outbox::Relay};
use utoipa::OpenApi as _;

use crate::{
    config::Settings,
    courier::{Courier, MockCourier},
    db::MIGRATIONS,
    events::FulfilmentEvents,
    routes, worker,
};

/// What every handler and worker can reach.
pub struct AppState {
    pub db: PgPool,
    pub catalogue: CatalogueClient,
    pub payments: PaymentsClient,
    pub orders: OrdersClient,
    pub courier: Arc<dyn Courier>,
    /// Delivers the outbox; woken when a transaction wrote an event.
    pub relay: Arc<Relay>,
    pub settings: Settings,
}

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
    let orders = OrdersClient::new(settings.orders_url.clone(), &client)?;
    let relay = Relay::new(
        db.clone(),
        settings.outbox,
        Arc::new(FulfilmentEvents {
            orders: orders.clone(),
        }),
        metrics.registry(),
    )
    .await?;
    let courier: Arc<dyn Courier> = Arc::new(MockCourier::new(
        settings.courier_fail_first,
        metrics.registry(),
    )?);
    let state = Arc::new(AppState {
        catalogue: CatalogueClient::new(settings.catalogue_url.clone(), &client)?,
        payments: PaymentsClient::new(settings.payments_url.clone(), &client)?,
        orders,
        courier,
        relay: relay.clone(),
        db,
        settings: settings.clone(),
    });
    tokio::spawn(relay.run());
    tokio::spawn(worker::run(state.clone()));

    let data = web::Data::from(state);
    let (verifier, internal_token) = shop_kit::auth::remote_guards(&settings.base)?;
    let openapi = routes::ApiDoc::openapi();
    Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(data.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })
}
