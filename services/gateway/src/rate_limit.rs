//! Redis-backed rate limits: fixed one-minute windows per client IP, per
//! signed-in user, and a stricter one for logins. A Redis outage fails open:
//! the shop keeps serving, unthrottled, and says so in the log.

use std::time::{SystemTime, UNIX_EPOCH};

use shop_kit::redis::{RedisPool, redis};

/// Requests allowed per minute; 0 turns a limit off.
#[derive(Clone, Debug)]
pub struct Limits {
    pub per_ip: u32,
    pub per_user: u32,
    pub login_per_ip: u32,
}

/// Counts requests in Redis.
pub struct RateLimiter {
    redis: RedisPool,
    limits: Limits,
}

const WINDOW_SECS: u64 = 60;

impl RateLimiter {
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
        let work = async {
            let mut conn = self.redis.get().await?;
            let mut pipe = redis::pipe();
            for (key, _) in &buckets {
                let key = self.redis.key(key);
                pipe.incr(&key, 1)
                    .cmd("EXPIRE")
                    .arg(&key)
                    .arg(WINDOW_SECS * 2)
                    .arg("NX")
                    .ignore();
            }
            let counts: Vec<u64> = pipe.query_async(&mut conn).await?;
            anyhow::Ok(counts)
        };
        match tokio::time::timeout(self.redis.timeout(), work).await {
            Ok(Ok(counts)) => buckets
                .iter()
                .zip(counts)
                .any(|((_, limit), count)| count > u64::from(*limit))
                .then_some(retry_after.max(1)),
            Ok(Err(e)) => {
                tracing::warn!(error = %format!("{e:#}"), "rate limiter unavailable; failing open");
                None
            }
            Err(_) => {
                tracing::warn!("rate limiter timed out; failing open");
                None
            }
        }
    }
}
