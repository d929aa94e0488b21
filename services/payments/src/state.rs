//! What every handler and use case can reach. Startup builds it; routes and
//! `app/` import it; it imports neither.

use std::time::Duration;

use shop_client::UsersClient;
use shop_kit::db::PgPool;

use crate::processor::MockCardProcessor;

/// The payments service's shared state, one per process in `web::Data`.
pub struct AppState {
    /// The payments database.
    pub db: PgPool,
    /// The card processor adapter.
    pub processor: MockCardProcessor,
    /// Wallet debits and credits.
    pub users: UsersClient,
    /// `STORE_CURRENCY`, stamped on every payment.
    pub currency: String,
    /// The first backoff after a transient card failure.
    pub retry_base: Duration,
    /// How long a pending payment stays untouched before a retry may drive it.
    pub stale_after: Duration,
    /// `payments_settled_total{method,status}`: declines and failures show here.
    pub settled: prometheus::IntCounterVec,
}
