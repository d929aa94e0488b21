//! Builds the orders service: pool, migrations, clients, routes, and the two
//! workers (the outbox relay and the recovery of checkouts and refunds).
//! Nothing imports this module: `main` and the tests call [`build`].

use std::{sync::Arc, time::Duration};

use actix_web::web;
use shop_client::{CatalogueClient, ClientConfig, FulfilmentClient, PaymentsClient, UsersClient};
use shop_kit::{Application, health::Health, metrics::Metrics, outbox::Relay};
use utoipa::OpenApi as _;

use crate::{
    app::{events::OrderEvents, recovery},
    config::Settings,
    db::MIGRATIONS,
    routes,
    state::{AppState, OrderMetrics},
};

/// Migrates the database, starts the workers and binds the server; `main`
/// and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    let health = Health::new("orders", env!("CARGO_PKG_VERSION")).postgres(db.clone());
    let metrics = Metrics::new("orders")?.observe_postgres(db.clone());
    let order_metrics = OrderMetrics::register(&metrics)?;
    let client = |timeout: Duration| ClientConfig {
        timeout,
        internal_token: Some(settings.base.internal_api_token.clone()),
        ..ClientConfig::default()
    };
    let standard = client(Duration::from_secs(5));
    let fulfilment = FulfilmentClient::new(settings.fulfilment_url.clone(), &standard)?;
    let relay = Relay::new(
        db.clone(),
        settings.outbox,
        Arc::new(OrderEvents {
            fulfilment: fulfilment.clone(),
        }),
        metrics.registry(),
    )
    .await?;
    let state = Arc::new(AppState {
        catalogue: CatalogueClient::new(settings.catalogue_url.clone(), &standard)?,
        payments: PaymentsClient::new(
            settings.payments_url.clone(),
            &client(settings.payments_timeout),
        )?,
        users: UsersClient::new(settings.base.auth.users_url.clone(), &standard)?,
        fulfilment,
        db,
        settings: settings.clone(),
        metrics: order_metrics,
        relay: relay.clone(),
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
    recovery::spawn(state, app.workers());
    Ok(app)
}
