//! Builds the orders service: pool, migrations, clients, routes, and the two
//! workers (the outbox relay and the checkout recovery).

use std::{sync::Arc, time::Duration};

use actix_web::web;
use prometheus::{IntCounterVec, Opts};
use shop_client::{CatalogueClient, ClientConfig, FulfilmentClient, PaymentsClient, UsersClient};
use shop_kit::{Application, db::PgPool, health::Health, metrics::Metrics, outbox::Relay};
use utoipa::OpenApi as _;

use crate::{config::Settings, db::MIGRATIONS, recovery, relay::OrderEvents, routes};

/// Business counters on `/metrics`.
#[derive(Clone)]
pub struct OrderMetrics {
    /// `orders_checkouts_total{outcome}`: paid, rejected, payment_failed, failed, unavailable.
    pub checkouts: IntCounterVec,
    /// `orders_recovered_total{outcome}`: what the recovery worker did.
    pub recovered: IntCounterVec,
}

impl OrderMetrics {
    fn register(metrics: &Metrics) -> anyhow::Result<Self> {
        let checkouts = IntCounterVec::new(
            Opts::new("orders_checkouts_total", "Checkouts, by outcome"),
            &["outcome"],
        )?;
        let recovered = IntCounterVec::new(
            Opts::new(
                "orders_recovered_total",
                "Unfinished checkouts resolved by the recovery worker, by outcome",
            ),
            &["outcome"],
        )?;
        let registry = metrics.registry();
        registry.register(Box::new(checkouts.clone()))?;
        registry.register(Box::new(recovered.clone()))?;
        Ok(Self {
            checkouts,
            recovered,
        })
    }
}

/// What every handler and worker can reach.
pub struct AppState {
    pub db: PgPool,
    pub catalogue: CatalogueClient,
    pub payments: PaymentsClient,
    pub users: UsersClient,
    pub fulfilment: FulfilmentClient,
    pub settings: Settings,
    pub metrics: OrderMetrics,
    /// Delivers the outbox; woken when a transaction wrote an event.
    pub relay: Arc<Relay>,
}

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
    tokio::spawn(relay.run());
    tokio::spawn(recovery::run(state.clone()));

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
