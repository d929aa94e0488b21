//! What the cache can tell about itself (`GET /api/cache/stats`).

use std::sync::atomic::Ordering;

use shop_client::wire::catalogue::CacheStatsResponse;
use shop_kit::redis::redis;

use super::Cache;

impl Cache {
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
            memory_hits: self.counters.memory_hits.load(Ordering::Relaxed),
            memory_entries: self.memory.entries(),
            memory_bytes: self.memory.bytes(),
            memory_subscribed: self.memory.products.trusted(),
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
