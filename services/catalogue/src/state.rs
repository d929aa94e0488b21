//! [`AppState`]: what every route and use case of the catalogue can reach.

use std::time::Duration;

use shop_kit::db::PgPool;

use crate::{app::images::Uploads, cache::Cache, media::Media};

/// The pools, the cache and the settings handlers, use cases and workers
/// share (one per process; routes get it through `web::Data`).
pub struct AppState {
    pub db: PgPool,
    pub cache: Cache,
    /// `STORE_CURRENCY`: every price is in it.
    pub currency: String,
    /// `RESERVATION_TTL_SECS`: how long a hold lasts unless the caller asks.
    pub reservation_ttl: Duration,
    /// Where pictures are kept, and their links.
    pub media: Media,
    /// How many uploads at once, how large.
    pub uploads: Uploads,
    /// `MEDIA_CACHE_CONTROL=public`: shared caches may keep pictures.
    pub media_public: bool,
}
