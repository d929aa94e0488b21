//! Redis-backed rate limits: fixed one-minute windows per client IP, per
//! signed-in user, and a stricter one for logins. Counting goes through
//! [`RedisPool::fail_open`]: during a Redis outage the shop keeps serving,
//! unthrottled, and says so in the log.

use std::time::{SystemTime, UNIX_EPOCH};

use shop_kit::redis::{RedisPool, redis};

use crate::config::Limits;

/// The length of one window.
const WINDOW_SECS: u64 = 60;

/// Counts requests in Redis.
pub struct RateLimiter {
    redis: RedisPool,
    limits: Limits,
}

impl RateLimiter {
    /// Counters in `redis`, limited by `limits`.
    pub fn new(redis: RedisPool, limits: Limits) -> Self {
        Self { redis, limits }
    }

    /// `Some(seconds until the window ends)` when the request is over a limit.
    pub async fn check(&self, ip: &str, user: Option<&str>, login: bool) -> Option<u64> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let window = now / WINDOW_SECS;
        let retry_after = (window + 1) * WINDOW_SECS - now;
        let mut buckets = vec![(format!("rl:ip:{ip}:{window}"), self.limits.per_ip)];
        if let Some(user) = user {
            buckets.push((format!("rl:user:{user}:{window}"), self.limits.per_user));
        }
        if login {
            buckets.push((format!("rl:login:{ip}:{window}"), self.limits.login_per_ip));
        }
        buckets.retain(|(_, limit)| *limit > 0);
        if buckets.is_empty() {
            return None;
        }
        let counts = self
            .redis
            .fail_open("rate limiter", async |conn| {
                let mut pipe = redis::pipe();
                for (key, _) in &buckets {
                    let key = self.redis.key(key);
                    // Two windows, so a counter outlives its own minute.
                    pipe.incr(&key, 1)
                        .cmd("EXPIRE")
                        .arg(&key)
                        .arg(WINDOW_SECS * 2)
                        .arg("NX")
                        .ignore();
                }
                pipe.query_async::<Vec<u64>>(conn).await
            })
            .await?;
        buckets
            .iter()
            .zip(counts)
            .any(|((_, limit), count)| count > u64::from(*limit))
            .then_some(retry_after.max(1))
    }
}
