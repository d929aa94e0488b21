//! The gateway's settings.

use std::{collections::BTreeMap, time::Duration};

use shop_client::ServiceName;
use shop_client::wire::catalogue::INVALIDATION_CHANNEL;
use shop_kit::{
    config::{AuthSettings, ConfigError, Env, RedisSettings, ServerSettings, TelemetrySettings},
    local_cache::Bounds,
};
use url::Url;

/// Everything the gateway reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub server: ServerSettings,
    pub telemetry: TelemetrySettings,
    /// `USERS_URL`, `CATALOGUE_URL`, ... (defaults: `http://127.0.0.1:900N`).
    pub upstreams: BTreeMap<ServiceName, Url>,
    /// `GATEWAY_UPSTREAM_TIMEOUT_MS`, default 10000: a service slower than this is a 504.
    pub upstream_timeout: Duration,
    /// Token verification (keys from the users service).
    pub auth: AuthSettings,
    /// Rate-limit counters.
    pub redis: RedisSettings,
    /// `RATE_LIMIT_PER_IP_PER_MIN` (default 600), `RATE_LIMIT_PER_USER_PER_MIN`
    /// (default 1200), `RATE_LIMIT_LOGIN_PER_IP_PER_MIN` (default 20); 0 turns one off.
    pub limits: Limits,
    /// `RATE_LIMIT_SYNC_MS`, default 200: how often this replica's counts
    /// are shared through Redis (see [`crate::rate_limit`] for the bound).
    pub rate_limit_sync: Duration,
    /// The cache of public catalogue reads.
    pub cache: CacheSettings,
    /// `UPLOAD_LIMIT_BYTES`, default 6 MiB: the largest picture upload
    /// forwarded (`POST /api/products/{id}/images`); keep it above the
    /// catalogue's `MEDIA_MAX_BYTES`, so the catalogue says what is too large.
    pub upload_limit_bytes: usize,
    /// `WEB_COOKIE_SECURE`, default false: marks the browser app's session
    /// cookies (`shop_session`, `shop_csrf`) `Secure`, so a browser sends
    /// them over HTTPS only. Set it wherever the shop is reached over HTTPS;
    /// false lets `http://localhost` sign in.
    pub web_cookie_secure: bool,
}

/// The gateway's cache of public catalogue reads.
#[derive(Clone, Debug)]
pub struct CacheSettings {
    /// `GATEWAY_CACHE_ENABLED`, default true.
    pub enabled: bool,
    /// `GATEWAY_CACHE_MAX_ENTRIES` (default 10000), `GATEWAY_CACHE_MAX_BYTES`
    /// (default 32 MiB), `GATEWAY_CACHE_TTL_SECS` (default 60).
    pub bounds: Bounds,
    /// `CATALOGUE_INVALIDATION_CHANNEL`, default the catalogue's channel under
    /// this gateway's `REDIS_KEY_PREFIX` (set it when the catalogue uses
    /// another prefix).
    pub channel: String,
}

/// Requests allowed per minute; 0 turns a limit off.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Per client IP.
    pub per_ip: u32,
    /// Per signed-in user.
    pub per_user: u32,
    /// Logins per client IP.
    pub login_per_ip: u32,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let mut server = ServerSettings::from_env(env, 9000)?;
        // The gateway streams bodies through; its own limit applies to them.
        server.body_limit_bytes = env.parse("BODY_LIMIT_BYTES", 1024 * 1024)?;
        let upstreams = ServiceName::ALL
            .into_iter()
            .map(|service| {
                let url = env.url(
                    service.url_var(),
                    &service.default_url(),
                    &["http", "https"],
                )?;
                Ok((service, url))
            })
            .collect::<Result<_, ConfigError>>()?;
        let redis = RedisSettings::from_env(env)?;
        let cache = CacheSettings {
            enabled: env.flag("GATEWAY_CACHE_ENABLED", true)?,
            bounds: Bounds {
                max_entries: env.parse("GATEWAY_CACHE_MAX_ENTRIES", 10_000)?,
                max_bytes: env.parse("GATEWAY_CACHE_MAX_BYTES", 32 << 20)?,
                ttl: env.seconds("GATEWAY_CACHE_TTL_SECS", 60)?,
            },
            channel: env.string(
                "CATALOGUE_INVALIDATION_CHANNEL",
                &format!("{}{INVALIDATION_CHANNEL}", redis.key_prefix),
            ),
        };
        for (name, value) in [
            ("GATEWAY_CACHE_MAX_ENTRIES", cache.bounds.max_entries),
            ("GATEWAY_CACHE_MAX_BYTES", cache.bounds.max_bytes),
        ] {
            if value < 100 {
                return Err(ConfigError::new(name, "must be at least 100"));
            }
        }
        let rate_limit_sync = env.millis("RATE_LIMIT_SYNC_MS", 200)?;
        if rate_limit_sync.is_zero() {
            return Err(ConfigError::new("RATE_LIMIT_SYNC_MS", "must be at least 1"));
        }
        Ok(Self {
            server,
            telemetry: TelemetrySettings::from_env(env)?,
            upstreams,
            upstream_timeout: env.millis("GATEWAY_UPSTREAM_TIMEOUT_MS", 10_000)?,
            auth: AuthSettings::from_env(env)?,
            redis,
            limits: Limits {
                per_ip: env.parse("RATE_LIMIT_PER_IP_PER_MIN", 600)?,
                per_user: env.parse("RATE_LIMIT_PER_USER_PER_MIN", 1200)?,
                login_per_ip: env.parse("RATE_LIMIT_LOGIN_PER_IP_PER_MIN", 20)?,
            },
            rate_limit_sync,
            cache,
            upload_limit_bytes: env.parse("UPLOAD_LIMIT_BYTES", 6 << 20)?,
            web_cookie_secure: env.flag("WEB_COOKIE_SECURE", false)?,
        })
    }
}
