//! The Redis cache in front of product reads. Every key is built here.
//!
//! Cache-aside with versioned keys, so no reader sees a value older than the
//! last write that has answered:
//!
//! - a product lives at `product:{id}:v{N}` where `N` is `product:{id}:ver`;
//!   a list page lives at `products:list:g{G}:{normalised query}` where `G` is
//!   `products:gen`;
//! - a reader reads the version and the value in one round trip (a Lua
//!   script); on a miss it loads from Postgres and stores the value under the
//!   version it read *before* loading;
//! - a writer commits to Postgres, then increments the version (and the list
//!   generation when what lists show changed), then answers.
//!
//! A reader that loaded the old row before a write but stores it after the
//! write's increment stores it under the old version, which nobody reads any
//! more; a reader that starts after the write answered reads the new version,
//! misses, and loads the new row. Values expire after the TTL; versions carry
//! no TTL (Redis runs `volatile-lru`, so they are not evicted either).
//!
//! Redis is an optimisation: every call goes through
//! [`RedisPool::fail_open`], so when Redis fails, reads go to Postgres (and
//! the cache is skipped for a second so a dead Redis costs nothing per
//! request); writes still try to invalidate, and log when they cannot.

use std::{
    sync::atomic::{AtomicI64, AtomicU64, Ordering},
    time::Duration,
};

use serde::{Serialize, de::DeserializeOwned};
use shop_client::wire::catalogue::CacheStatsResponse;
use shop_kit::redis::{RedisPool, redis};
use uuid::Uuid;

use crate::domain::stock::StockChange;

/// Reads a version key and the value stored under that version in one trip.
const READ_VERSIONED: &str = r"
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
";

/// How long reads skip Redis after it failed.
const SKIP_AFTER_FAILURE_MS: i64 = 1000;

/// Hits and misses since start.
#[derive(Default)]
pub struct CacheCounters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

/// A cached read: the value if it was there, and the version to store under.
pub struct Lookup<T> {
    pub value: Option<T>,
    version: Option<String>,
}

impl<T> Lookup<T> {
    /// Nothing cached, and nothing to store under (Redis is skipped or down).
    fn unavailable() -> Self {
        Self {
            value: None,
            version: None,
        }
    }
}

/// The catalogue's cache.
pub struct Cache {
    redis: RedisPool,
    ttl_secs: u64,
    counters: CacheCounters,
    hits_metric: prometheus::IntCounter,
    misses_metric: prometheus::IntCounter,
    /// Unix millis until which Redis is skipped after a failure.
    skip_until_ms: AtomicI64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Cache {
    /// A cache whose values live `ttl`; hit and miss counters go to `registry`.
    pub fn new(
        redis: RedisPool,
        ttl: Duration,
        registry: &prometheus::Registry,
    ) -> anyhow::Result<Self> {
        let hits_metric = prometheus::IntCounter::new("cache_hits_total", "Product cache hits")?;
        let misses_metric =
            prometheus::IntCounter::new("cache_misses_total", "Product cache misses")?;
        registry.register(Box::new(hits_metric.clone()))?;
        registry.register(Box::new(misses_metric.clone()))?;
        Ok(Self {
            redis,
            ttl_secs: ttl.as_secs().max(1),
            counters: CacheCounters::default(),
            hits_metric,
            misses_metric,
            skip_until_ms: AtomicI64::new(0),
        })
    }

    fn product_version_key(&self, id: Uuid) -> String {
        self.redis.key(&format!("product:{id}:ver"))
    }

    fn product_value_prefix(&self, id: Uuid) -> String {
        self.redis.key(&format!("product:{id}:v"))
    }

    fn list_generation_key(&self) -> String {
        self.redis.key("products:gen")
    }

    fn list_value_prefix(&self) -> String {
        self.redis.key("products:list:g")
    }

    fn sku_key(&self, sku: &str) -> String {
        self.redis.key(&format!("product:sku:{sku}"))
    }

    /// The prefix every catalogue key starts with (for stats).
    fn prefix(&self) -> String {
        self.redis.key("")
    }

    fn skipping(&self) -> bool {
        now_ms() < self.skip_until_ms.load(Ordering::Relaxed)
    }

    /// After a failure (already logged by `fail_open`): reads skip Redis for a while.
    fn skip_for_a_while(&self) {
        self.skip_until_ms
            .store(now_ms() + SKIP_AFTER_FAILURE_MS, Ordering::Relaxed);
    }

    async fn read<T: DeserializeOwned>(
        &self,
        version_key: String,
        prefix: String,
        suffix: &str,
    ) -> Lookup<T> {
        if self.skipping() {
            self.count(false);
            return Lookup::unavailable();
        }
        let read = self
            .redis
            .fail_open("cache read (serving from Postgres)", async |conn| {
                // Redis keeps compiled scripts by digest; sending the text is cheap.
                redis::cmd("EVAL")
                    .arg(READ_VERSIONED)
                    .arg(1)
                    .arg(&version_key)
                    .arg(&prefix)
                    .arg(suffix)
                    .query_async::<(String, Option<String>)>(conn)
                    .await
            })
            .await;
        let Some((version, raw)) = read else {
            self.skip_for_a_while();
            self.count(false);
            return Lookup::unavailable();
        };
        let value = raw.and_then(|raw| serde_json::from_str(&raw).ok());
        self.count(value.is_some());
        Lookup {
            value,
            version: Some(version),
        }
    }

    fn count(&self, hit: bool) {
        if hit {
            self.counters.hits.fetch_add(1, Ordering::Relaxed);
            self.hits_metric.inc();
        } else {
            self.counters.misses.fetch_add(1, Ordering::Relaxed);
            self.misses_metric.inc();
        }
    }

    async fn store<T: Serialize>(&self, key: String, value: &T) {
        let Ok(raw) = serde_json::to_string(value) else {
            return;
        };
        let stored = self
            .redis
            .fail_open("cache store", async |conn| {
                redis::cmd("SET")
                    .arg(&key)
                    .arg(raw)
                    .arg("EX")
                    .arg(self.ttl_secs)
                    .query_async::<()>(conn)
                    .await
            })
            .await;
        if stored.is_none() {
            self.skip_for_a_while();
        }
    }

    /// A cached product.
    pub async fn product<T: DeserializeOwned>(&self, id: Uuid) -> Lookup<T> {
        self.read(
            self.product_version_key(id),
            self.product_value_prefix(id),
            "",
        )
        .await
    }

    /// Stores a product under the version its lookup saw.
    pub async fn store_product<T: Serialize>(&self, id: Uuid, lookup: &Lookup<T>, value: &T) {
        if let Some(version) = &lookup.version {
            self.store(format!("{}{version}", self.product_value_prefix(id)), value)
                .await;
        }
    }

    /// A cached list page for a normalised query.
    pub async fn list<T: DeserializeOwned>(&self, query: &str) -> Lookup<T> {
        self.read(
            self.list_generation_key(),
            self.list_value_prefix(),
            &format!(":{query}"),
        )
        .await
    }

    /// Stores a list page under the generation its lookup saw.
    pub async fn store_list<T: Serialize>(&self, query: &str, lookup: &Lookup<T>, value: &T) {
        if let Some(generation) = &lookup.version {
            self.store(
                format!("{}{generation}:{query}", self.list_value_prefix()),
                value,
            )
            .await;
        }
    }

    /// The product id a sku was last seen with (callers check the product's
    /// sku still matches before trusting it).
    pub async fn sku(&self, sku: &str) -> Option<Uuid> {
        if self.skipping() {
            return None;
        }
        let key = self.sku_key(sku);
        let read = self
            .redis
            .fail_open("cache read (serving from Postgres)", async |conn| {
                redis::cmd("GET")
                    .arg(&key)
                    .query_async::<Option<String>>(conn)
                    .await
            })
            .await;
        match read {
            Some(raw) => raw.and_then(|raw| raw.parse().ok()),
            None => {
                self.skip_for_a_while();
                None
            }
        }
    }

    /// Remembers which product a sku names.
    pub async fn store_sku(&self, sku: &str, id: Uuid) {
        if !self.skipping() {
            self.store(self.sku_key(sku), &id.to_string()).await;
        }
    }

    /// After a committed write: new versions for these products, and a new
    /// list generation when `lists_changed`. Runs even while reads skip Redis.
    pub async fn invalidate(&self, products: &[Uuid], lists_changed: bool) {
        let done = self
            .redis
            .fail_open("cache invalidation", async |conn| {
                let mut pipe = redis::pipe();
                for id in products {
                    pipe.incr(self.product_version_key(*id), 1).ignore();
                }
                if lists_changed {
                    pipe.incr(self.list_generation_key(), 1).ignore();
                }
                pipe.query_async::<()>(conn).await
            })
            .await;
        if done.is_none() {
            tracing::error!(
                "cache invalidation failed; cached values may be stale until their TTL"
            );
            self.skip_for_a_while();
        }
    }

    /// After stock moved: what readers of the changed products (and, if a
    /// hint moved, of the lists) had cached is dropped.
    pub async fn invalidate_stock(&self, changes: &[StockChange]) {
        if changes.is_empty() {
            return;
        }
        let ids: Vec<Uuid> = changes.iter().map(|c| c.product_id).collect();
        self.invalidate(&ids, StockChange::any_hint_moved(changes))
            .await;
    }

    /// Hits and misses of this instance, keys under the prefix and Redis'
    /// memory use (zero, and `redis_up: false`, when Redis cannot be asked).
    pub async fn stats(&self) -> CacheStatsResponse {
        let hits = self.counters.hits.load(Ordering::Relaxed);
        let misses = self.counters.misses.load(Ordering::Relaxed);
        let redis = self.redis_stats().await;
        #[allow(clippy::cast_precision_loss)] // a ratio for people, not money
        let hit_ratio = if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        };
        CacheStatsResponse {
            hits,
            misses,
            hit_ratio,
            keys: redis.map_or(0, |(keys, _)| keys),
            redis_used_memory_bytes: redis.map_or(0, |(_, memory)| memory),
            redis_up: redis.is_some(),
        }
    }

    /// Keys under the prefix and Redis' memory use.
    async fn redis_stats(&self) -> Option<(u64, u64)> {
        let pattern = format!("{}*", self.prefix());
        self.redis
            .fail_open("cache stats", async |conn| {
                let mut keys = 0u64;
                let mut cursor = 0u64;
                loop {
                    let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1000)
                        .query_async(&mut *conn)
                        .await?;
                    keys += u64::try_from(batch.len()).unwrap_or(0);
                    cursor = next;
                    if cursor == 0 {
                        break;
                    }
                }
                let info: String = redis::cmd("INFO")
                    .arg("memory")
                    .query_async(&mut *conn)
                    .await?;
                let memory = info
                    .lines()
                    .find_map(|line| line.strip_prefix("used_memory:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                Ok((keys, memory))
            })
            .await
    }
}
