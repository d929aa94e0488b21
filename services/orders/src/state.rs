//! What every handler and worker can reach: the pool, the other services'
//! clients, the settings, the business counters and the outbox relay.

use std::sync::Arc;

use prometheus::{IntCounterVec, Opts};
use shop_client::{CatalogueClient, FulfilmentClient, PaymentsClient, UsersClient};
use shop_kit::{db::PgPool, metrics::Metrics, outbox::Relay};

use crate::config::Settings;

/// The orders service's shared state (one per process, in `web::Data`).
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

/// Business counters on `/metrics`.
#[derive(Clone)]
pub struct OrderMetrics {
    /// `orders_checkouts_total{outcome}`: paid, rejected, payment_failed, failed, unavailable.
    pub checkouts: IntCounterVec,
    /// `orders_recovered_total{outcome}`: what the recovery worker did.
    pub recovered: IntCounterVec,
    /// `orders_refunds_total{cause,outcome}`: refunds done or deferred.
    pub refunds: IntCounterVec,
}

impl OrderMetrics {
    /// The counters, registered with the service's metrics.
    pub fn register(metrics: &Metrics) -> anyhow::Result<Self> {
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
        let refunds = IntCounterVec::new(
            Opts::new(
                "orders_refunds_total",
                "Refunds (cancellations and returns), by cause and outcome",
            ),
            &["cause", "outcome"],
        )?;
        let registry = metrics.registry();
        registry.register(Box::new(checkouts.clone()))?;
        registry.register(Box::new(recovered.clone()))?;
        registry.register(Box::new(refunds.clone()))?;
        Ok(Self {
            checkouts,
            recovered,
            refunds,
        })
    }
}
