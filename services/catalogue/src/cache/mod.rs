//! The two-level cache in front of product reads: each replica's memory,
//! then Redis, then Postgres. Every key and message is built here.
//!
//! **Memory** ([`Memory`]): single products (by id), the SKUs that name
//! them, and list pages, bounded by `CACHE_MEMORY_MAX_ENTRIES` and
//! `CACHE_MEMORY_MAX_BYTES` (products and list pages get 45% each, SKUs
//! 10%) and by the TTL. A write's invalidation is published on
//! [`INVALIDATION_CHANNEL`] in the same Lua script that bumps the versions
//! below, and the writing replica forgets the same entries in its own memory
//! once that script ran, before it answers: so a read that starts after a write answered sees it
//! on the replica that wrote, and on every other replica once the message
//! arrived. Memory is used only while the subscription is up: when it is
//! lost (or Redis is down) the memory is emptied and skipped until it is
//! back, because messages published meanwhile are gone
//! ([`shop_kit::invalidation`], [`shop_kit::local_cache`] for the rule
//! that a load racing an invalidation is never kept). A request with
//! `Cache-Control: no-cache` skips memory and reads from Redis on: the
//! gateway fills its own cache so, since this replica's memory may not have
//! heard a message the gateway already has.
//!
//! **Redis**: cache-aside with versioned keys, so no reader sees a value older than the
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
    sync::{
        Arc,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use serde::{Serialize, de::DeserializeOwned};
use shop_client::wire::catalogue::INVALIDATION_CHANNEL;
use shop_kit::{
    local_cache::Bounds,
    redis::{RedisPool, redis},
};
use uuid::Uuid;

mod invalidate;
mod memory;
mod stats;
pub use memory::{Memory, MemoryProduct, SkuOf};

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
    pub memory_hits: AtomicU64,
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
    /// This replica's memory, shared with its invalidation subscription.
    pub memory: Arc<Memory>,
    counters: CacheCounters,
    hits_metric: prometheus::IntCounter,
    memory_hits_metric: prometheus::IntCounter,
    misses_metric: prometheus::IntCounter,
    /// Unix millis until which Redis is skipped after a failure.
    skip_until_ms: AtomicI64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Cache {
    /// A cache whose values live `ttl` (in Redis and in memory, which is
    /// bounded by `memory`); hit and miss counters go to `registry`.
    pub fn new(
        redis: RedisPool,
        ttl: Duration,
        memory: Bounds,
        registry: &prometheus::Registry,
    ) -> anyhow::Result<Self> {
        let hits_metric = prometheus::IntCounter::new("cache_hits_total", "Product cache hits")?;
        let memory_hits_metric = prometheus::IntCounter::new(
            "cache_memory_hits_total",
            "Product cache hits answered from this instance's memory",
        )?;
        let misses_metric =
            prometheus::IntCounter::new("cache_misses_total", "Product cache misses")?;
        registry.register(Box::new(hits_metric.clone()))?;
        registry.register(Box::new(memory_hits_metric.clone()))?;
        registry.register(Box::new(misses_metric.clone()))?;
        Ok(Self {
            redis,
            ttl_secs: ttl.as_secs().max(1),
            memory: Arc::new(Memory::new(memory)),
            counters: CacheCounters::default(),
            hits_metric,
            memory_hits_metric,
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

    /// The channel every replica's memory listens on.
    pub fn channel(&self) -> String {
        self.redis.key(INVALIDATION_CHANNEL)
    }

    /// The pool, for the subscription.
    pub fn redis(&self) -> &RedisPool {
        &self.redis
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

    async fn read(&self, version_key: String, prefix: String, suffix: &str) -> Lookup<String> {
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
        self.count(raw.is_some());
        Lookup {
            value: raw,
            version: Some(version),
        }
    }

    /// A read this replica answered from memory.
    pub fn memory_hit(&self) {
        self.counters.memory_hits.fetch_add(1, Ordering::Relaxed);
        self.memory_hits_metric.inc();
        self.count(true);
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
        let Ok(raw) = serde_json::to_vec(value) else {
            return;
        };
        self.store_raw(key, raw).await;
    }

    async fn store_raw(&self, key: String, raw: Vec<u8>) {
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
        let raw = self
            .read(
                self.product_version_key(id),
                self.product_value_prefix(id),
                "",
            )
            .await;
        Lookup {
            value: raw.value.and_then(|raw| serde_json::from_str(&raw).ok()),
            version: raw.version,
        }
    }

    /// Stores a product under the version its lookup saw.
    pub async fn store_product<T: Serialize>(&self, id: Uuid, lookup: &Lookup<T>, value: &T) {
        if let Some(version) = &lookup.version {
            self.store(format!("{}{version}", self.product_value_prefix(id)), value)
                .await;
        }
    }

    /// A cached list page for a normalised query: its body as served.
    pub async fn list(&self, query: &str) -> Lookup<Bytes> {
        let raw = self
            .read(
                self.list_generation_key(),
                self.list_value_prefix(),
                &format!(":{query}"),
            )
            .await;
        Lookup {
            value: raw.value.map(Bytes::from),
            version: raw.version,
        }
    }

    /// Stores a list page's body under the generation its lookup saw.
    pub async fn store_list(&self, query: &str, lookup: &Lookup<Bytes>, body: &Bytes) {
        if let Some(generation) = &lookup.version {
            self.store_raw(
                format!("{}{generation}:{query}", self.list_value_prefix()),
                body.to_vec(),
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
}
