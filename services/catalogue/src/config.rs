//! The catalogue's settings.

use std::time::Duration;

use shop_kit::{
    config::{BaseSettings, ConfigError, Env, RedisSettings},
    local_cache::Bounds,
};

/// Everything the catalogue reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    pub redis: RedisSettings,
    /// `CACHE_TTL_SECS`, default 60: how long a cached value may live.
    pub cache_ttl: Duration,
    /// `CACHE_MEMORY_MAX_ENTRIES` (default 20000) and `CACHE_MEMORY_MAX_BYTES`
    /// (default 64 MiB): what one instance keeps in memory, at most.
    pub cache_memory: Bounds,
    /// `CACHE_WARM_UP_COUNT`, default 50: products cached at start.
    pub warm_up_count: i64,
    /// `RESERVATION_TTL_SECS`, default 900: how long stock stays held.
    pub reservation_ttl: Duration,
    /// `RESERVATION_SWEEP_INTERVAL_MS`, default 5000: how often expired holds are released.
    pub sweep_interval: Duration,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `SEED_DEMO_DATA`: load `data/demo-products.json` at start.
    pub seed_demo_data: bool,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let reservation_ttl = env.seconds("RESERVATION_TTL_SECS", 900)?;
        if reservation_ttl.is_zero() {
            return Err(ConfigError::new(
                "RESERVATION_TTL_SECS",
                "must be at least 1",
            ));
        }
        let cache_ttl = env.seconds("CACHE_TTL_SECS", 60)?;
        let cache_memory = Bounds {
            max_entries: env.parse("CACHE_MEMORY_MAX_ENTRIES", 20_000)?,
            max_bytes: env.parse("CACHE_MEMORY_MAX_BYTES", 64 << 20)?,
            ttl: cache_ttl,
        };
        for (name, value) in [
            ("CACHE_MEMORY_MAX_ENTRIES", cache_memory.max_entries),
            ("CACHE_MEMORY_MAX_BYTES", cache_memory.max_bytes),
        ] {
            if value < 100 {
                return Err(ConfigError::new(name, "must be at least 100"));
            }
        }
        Ok(Self {
            base: BaseSettings::from_env(env, 9002, "catalogue_db")?,
            redis: RedisSettings::from_env(env)?,
            cache_ttl,
            cache_memory,
            warm_up_count: env.parse("CACHE_WARM_UP_COUNT", 50)?,
            reservation_ttl,
            sweep_interval: env.millis("RESERVATION_SWEEP_INTERVAL_MS", 5000)?,
            currency: env.string("STORE_CURRENCY", "USD"),
            seed_demo_data: env.flag("SEED_DEMO_DATA", false)?,
        })
    }
}
