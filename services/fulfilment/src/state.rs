//! What every handler and worker can reach: the pool, the courier, the
//! outbox relay and the settings. Fulfilment calls no other service here:
//! what it tells orders goes through the outbox (`app::events`).

use std::sync::Arc;

use shop_kit::{db::PgPool, outbox::Relay};

use crate::{config::Settings, courier::Courier};

/// The fulfilment service's shared state (one per process, in `web::Data`).
pub struct AppState {
    pub db: PgPool,
    /// Books pickups; the booking is idempotent per shipment id.
    pub courier: Arc<dyn Courier>,
    /// Delivers the outbox; woken when a transaction wrote an event.
    pub relay: Arc<Relay>,
    pub settings: Settings,
}
