//! Login throttling: failed logins are counted in Redis per email and per IP
//! within a window; past the limit the answer is 429 with `Retry-After`.
//!
//! Every call goes through [`RedisPool::fail_open`]: during a Redis outage
//! logins are still checked, just not counted, because locking everyone out
//! while a counter store is down would be worse.

use shop_kit::redis::{RedisPool, redis};

use crate::config::ThrottleSettings;

/// The failed-login counters.
pub struct LoginThrottle {
    redis: RedisPool,
    settings: ThrottleSettings,
}

impl LoginThrottle {
    /// Counters in `redis`, limited by `settings`.
    pub fn new(redis: RedisPool, settings: ThrottleSettings) -> Self {
        Self { redis, settings }
    }

    fn email_key(&self, email: &str) -> String {
        self.redis.key(&format!("login:fail:email:{email}"))
    }

    fn ip_key(&self, ip: &str) -> String {
        self.redis.key(&format!("login:fail:ip:{ip}"))
    }

    /// `Some(seconds)` to wait when either counter is at its limit.
    pub async fn blocked_for(&self, email: &str, ip: &str) -> Option<u64> {
        let (email_key, ip_key) = (self.email_key(email), self.ip_key(ip));
        let (email_count, email_ttl, ip_count, ip_ttl) = self
            .redis
            .fail_open("login throttle", async |conn| {
                redis::pipe()
                    .get(&email_key)
                    .ttl(&email_key)
                    .get(&ip_key)
                    .ttl(&ip_key)
                    .query_async::<(Option<u32>, i64, Option<u32>, i64)>(conn)
                    .await
            })
            .await?;
        let over = |count: Option<u32>, limit: u32| count.is_some_and(|c| c >= limit);
        [
            over(email_count, self.settings.max_failures_per_email).then_some(email_ttl),
            over(ip_count, self.settings.max_failures_per_ip).then_some(ip_ttl),
        ]
        .into_iter()
        .flatten()
        .max()
        .map(|ttl| u64::try_from(ttl.max(1)).unwrap_or(1))
    }

    /// Counts a failed login for the email and the IP.
    pub async fn record_failure(&self, email: &str, ip: &str) {
        let window = i64::try_from(self.settings.window.as_secs()).unwrap_or(900);
        let keys = [self.email_key(email), self.ip_key(ip)];
        self.redis
            .fail_open("login throttle: counting a failure", async |conn| {
                let mut pipe = redis::pipe();
                for key in &keys {
                    // The window starts at the first failure and is not extended.
                    pipe.incr(key, 1)
                        .ignore()
                        .cmd("EXPIRE")
                        .arg(key)
                        .arg(window)
                        .arg("NX")
                        .ignore();
                }
                pipe.query_async::<()>(conn).await
            })
            .await;
    }

    /// Forgets the email's failures after a successful login.
    pub async fn reset(&self, email: &str) {
        let key = self.email_key(email);
        self.redis
            .fail_open("login throttle: reset", async |conn| {
                redis::cmd("DEL").arg(&key).query_async::<()>(conn).await
            })
            .await;
    }
}
