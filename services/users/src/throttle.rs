//! Login throttling: failed logins are counted in Redis per email and per IP
//! within a window; past the limit the answer is 429 with `Retry-After`.
//!
//! A Redis outage fails open (logins are still checked, just not counted):
//! locking everyone out because a cache is down would be worse.

use shop_kit::redis::{RedisPool, redis};

use crate::config::ThrottleSettings;

/// The counters for one login attempt.
pub struct LoginThrottle {
    redis: RedisPool,
    settings: ThrottleSettings,
}

impl LoginThrottle {
    pub fn new(redis: RedisPool, settings: ThrottleSettings) -> Self {
        Self { redis, settings }
    }

    fn keys(&self, email: &str, ip: &str) -> [(String, u32); 2] {
        [
            (
                self.redis.key(&format!("login:fail:email:{email}")),
                self.settings.max_failures_per_email,
            ),
            (
                self.redis.key(&format!("login:fail:ip:{ip}")),
                self.settings.max_failures_per_ip,
            ),
        ]
    }

    /// `Some(seconds)` to wait when either counter is at its limit.
    pub async fn blocked_for(&self, email: &str, ip: &str) -> Option<u64> {
        let keys = self.keys(email, ip);
        let work = async {
            let mut conn = self.redis.get().await?;
            let mut pipe = redis::pipe();
            for (key, _) in &keys {
                pipe.get(key).ttl(key);
            }
            let answers: (Option<u32>, i64, Option<u32>, i64) = pipe.query_async(&mut conn).await?;
            anyhow::Ok(answers)
        };
        match tokio::time::timeout(self.redis.timeout(), work).await {
            Ok(Ok((email_count, email_ttl, ip_count, ip_ttl))) => {
                let over = |count: Option<u32>, limit: u32| count.is_some_and(|c| c >= limit);
                let wait = [
                    over(email_count, keys[0].1).then_some(email_ttl),
                    over(ip_count, keys[1].1).then_some(ip_ttl),
                ];
                wait.into_iter()
                    .flatten()
                    .max()
                    .map(|ttl| u64::try_from(ttl.max(1)).unwrap_or(1))
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %format!("{e:#}"), "login throttle unavailable; failing open");
                None
            }
            Err(_) => {
                tracing::warn!("login throttle timed out; failing open");
                None
            }
        }
    }

    /// Counts a failed login for the email and the IP.
    pub async fn record_failure(&self, email: &str, ip: &str) {
        let window = i64::try_from(self.settings.window.as_secs()).unwrap_or(900);
        let keys = self.keys(email, ip);
        let work = async {
            let mut conn = self.redis.get().await?;
            let mut pipe = redis::pipe();
            for (key, _) in &keys {
                // The window starts at the first failure and is not extended.
                pipe.incr(key, 1)
                    .ignore()
                    .cmd("EXPIRE")
                    .arg(key)
                    .arg(window)
                    .arg("NX")
                    .ignore();
            }
            pipe.query_async::<()>(&mut conn).await?;
            anyhow::Ok(())
        };
        if !matches!(
            tokio::time::timeout(self.redis.timeout(), work).await,
            Ok(Ok(()))
        ) {
            tracing::warn!("could not count a failed login");
        }
    }

    /// Forgets the email's failures after a successful login.
    pub async fn reset(&self, email: &str) {
        let key = self.redis.key(&format!("login:fail:email:{email}"));
        let work = async {
            let mut conn = self.redis.get().await?;
            redis::cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut conn)
                .await?;
            anyhow::Ok(())
        };
        let _ = tokio::time::timeout(self.redis.timeout(), work).await;
    }
}
