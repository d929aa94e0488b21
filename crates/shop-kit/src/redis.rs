//! The Redis pool (deadpool-redis), with one key prefix per deployment or test.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use deadpool_redis::{Config, Connection, Pool, Runtime};

use crate::config::RedisSettings;

pub use deadpool_redis::redis;

/// A Redis pool whose keys all start with the configured prefix.
#[derive(Clone)]
pub struct RedisPool {
    pool: Pool,
    /// For connections outside the pool (subscriptions).
    client: redis::Client,
    prefix: Arc<str>,
    timeout: Duration,
}

impl RedisPool {
    /// Builds the pool. No connection is opened until one is needed, so a
    /// Redis outage at start-up degrades the service instead of stopping it.
    pub fn new(settings: &RedisSettings) -> anyhow::Result<Self> {
        let pool = Config::from_url(settings.url.as_str())
            .builder()
            .context("invalid configuration: REDIS_URL")?
            .max_size(settings.pool_size)
            .wait_timeout(Some(settings.timeout))
            .create_timeout(Some(settings.timeout))
            .recycle_timeout(Some(settings.timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .context("invalid configuration: REDIS_URL: cannot build the pool")?;
        let client = redis::Client::open(settings.url.as_str())
            .context("invalid configuration: REDIS_URL")?;
        Ok(Self {
            pool,
            client,
            prefix: Arc::from(settings.key_prefix.as_str()),
            timeout: settings.timeout,
        })
    }

    /// `suffix` with the prefix in front: every key goes through here.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    /// The per-command deadline callers should apply.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A connection from the pool.
    pub async fn get(&self) -> anyhow::Result<Connection> {
        self.pool.get().await.context("no Redis connection")
    }

    /// A connection of its own for `SUBSCRIBE` (a subscribed connection
    /// can do nothing else, so it never comes from the pool).
    pub async fn pubsub(&self) -> anyhow::Result<redis::aio::PubSub> {
        tokio::time::timeout(self.timeout, self.client.get_async_pubsub())
            .await
            .context("Redis timed out")?
            .context("no Redis connection")
    }

    /// The pool's current size and idle connections.
    pub fn status(&self) -> deadpool_redis::Status {
        self.pool.status()
    }

    /// Runs `work` on a connection within the timeout. Redis holds only
    /// what the shop can do without (cache, counters), so when it cannot be
    /// used the answer is `None`, logged as `what` failing open: the caller
    /// carries on as if nothing were cached or counted.
    pub async fn fail_open<T>(
        &self,
        what: &str,
        work: impl AsyncFnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> Option<T> {
        let attempt = async {
            let mut conn = self.get().await?;
            anyhow::Ok(work(&mut conn).await?)
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::warn!(error = %format!("{error:#}"), "{what}: Redis unavailable; failing open");
                None
            }
            Err(_) => {
                tracing::warn!("{what}: Redis timed out; failing open");
                None
            }
        }
    }

    /// `PING` within the timeout.
    pub async fn ping(&self) -> anyhow::Result<()> {
        let work = async {
            let mut conn = self.get().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .context("PING failed")
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .context("PING timed out")??;
        Ok(())
    }
}
