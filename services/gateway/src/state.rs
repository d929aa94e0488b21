//! [`ProxyState`]: what the gateway's routes can reach.

use std::{collections::BTreeMap, sync::Arc};

use shop_client::{HttpClient, ServiceName};
use shop_kit::{Problem, auth::JwtVerifier};

use crate::{cache::PublicCache, rate_limit::RateLimiter, web::assets::Site};

/// The upstream clients, token verifier and limits the proxy needs, and the
/// browser app (one per process, in `web::Data`).
pub struct ProxyState {
    /// One client per service, on its own base URL.
    pub upstreams: BTreeMap<ServiceName, HttpClient>,
    /// The largest request body forwarded, in bytes.
    pub body_limit: usize,
    /// The largest picture upload forwarded (`UPLOAD_LIMIT_BYTES`).
    pub upload_limit: usize,
    pub verifier: JwtVerifier,
    pub limiter: Arc<RateLimiter>,
    /// Public catalogue reads (`None` when `GATEWAY_CACHE_ENABLED=false`).
    pub cache: Option<Arc<PublicCache>>,
    /// The browser app's pages and assets, read once at start-up.
    pub site: Site,
    /// Whether the session cookies are `Secure` (`WEB_COOKIE_SECURE`).
    pub cookie_secure: bool,
}

impl ProxyState {
    /// The client for `service` (every service has one from start-up).
    pub fn upstream(&self, service: ServiceName) -> Result<&HttpClient, Problem> {
        self.upstreams
            .get(&service)
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("no upstream for {service}")))
    }
}
