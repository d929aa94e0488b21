//! The write side: after a committed write, every level forgets what it
//! changed (see the module above for the order and why).

use shop_client::wire::catalogue::CacheInvalidation;
use shop_kit::redis::redis;
use uuid::Uuid;

use super::Cache;
use crate::domain::stock::StockChange;

/// Bumps every version key named and publishes what changed, at once: no
/// replica can see the new version without the message being on its way.
const INVALIDATE: &str = r"
for _, key in ipairs(KEYS) do redis.call('INCR', key) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 0
";

impl Cache {
    /// After a committed write: this replica's memory forgets these
    /// products (and the list pages when `lists_changed`); in Redis they get
    /// new versions (and the lists a new generation) and every replica is
    /// told. Runs even while reads skip Redis.
    pub async fn invalidate(&self, products: &[Uuid], lists_changed: bool) {
        let change = CacheInvalidation {
            products: products.to_vec(),
            lists: lists_changed,
        };
        // (It cannot fail; an empty message makes every listener forget all.)
        let message = serde_json::to_string(&change).unwrap_or_default();
        let done = self
            .redis
            .fail_open("cache invalidation", async |conn| {
                let mut script = redis::cmd("EVAL");
                script
                    .arg(INVALIDATE)
                    .arg(products.len() + usize::from(lists_changed));
                for id in products {
                    script.arg(self.product_version_key(*id));
                }
                if lists_changed {
                    script.arg(self.list_generation_key());
                }
                script
                    .arg(self.channel())
                    .arg(&message)
                    .query_async::<()>(conn)
                    .await
            })
            .await;
        // Forgotten here only now that Redis has the new versions: a read
        // here that began before could have loaded the old value from Redis.
        self.memory.forget(&change);
        if done.is_none() {
            tracing::error!(
                "cache invalidation failed; other instances may serve stale values until their TTL"
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
}
