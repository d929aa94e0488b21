//! Rate limits: fixed one-minute windows per client IP, per signed-in user,
//! and a stricter one for logins, counted in this process and shared with
//! the other replicas through Redis.
//!
//! Counting a request costs no Redis round trip. Each replica counts in
//! memory; every `RATE_LIMIT_SYNC_MS` (default 200) [`RateLimiter::run`]
//! adds what it counted since the last sync to the window's counters in
//! Redis (one pipeline of `INCRBY`) and learns the totals. A request is over
//! a limit when what the other replicas had counted at the last sync, plus
//! what this one has counted, is over it. Refused requests count too, as
//! they always did.
//!
//! The error bound: a replica does not see what the others admitted since
//! its last sync, so across R replicas a client gets at most
//! `limit + (R - 1) x (what one replica admits it in one sync interval)`
//! through in a window; with one replica the limit is exact. During a Redis
//! outage each replica limits by its own count alone (so at most
//! `R x limit`), and the log says so; the counts it could not send are sent
//! when Redis is back, within the same window.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use shop_kit::{
    redis::{RedisPool, redis},
    workers::{StopSignal, Workers},
};

use crate::config::Limits;

/// The length of one window.
const WINDOW_SECS: u64 = 60;

/// The counts of one key in the current window.
#[derive(Default)]
struct Bucket {
    /// Counted by this replica.
    here: u64,
    /// Of `here`, not yet added to Redis.
    unsent: u64,
    /// Counted by the other replicas, as of the last sync.
    elsewhere: u64,
}

#[derive(Default)]
struct Window {
    number: u64,
    buckets: HashMap<String, Bucket>,
}

/// Counts requests here and shares the counts through Redis.
pub struct RateLimiter {
    redis: RedisPool,
    limits: Limits,
    window: Mutex<Window>,
}

/// The current window's number and the seconds until it ends.
fn now_window() -> (u64, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let window = now / WINDOW_SECS;
    (window, ((window + 1) * WINDOW_SECS - now).max(1))
}

impl RateLimiter {
    /// Counters shared through `redis`, limited by `limits`.
    pub fn new(redis: RedisPool, limits: Limits) -> Self {
        Self {
            redis,
            limits,
            window: Mutex::new(Window::default()),
        }
    }

    /// Counts the request; `Some(seconds until the window ends)` when it is
    /// over a limit.
    pub fn check(&self, ip: &str, user: Option<&str>, login: bool) -> Option<u64> {
        let mut keys: [Option<(String, u32)>; 3] = [None, None, None];
        if self.limits.per_ip > 0 {
            keys[0] = Some((format!("ip:{ip}"), self.limits.per_ip));
        }
        if let Some(user) = user.filter(|_| self.limits.per_user > 0) {
            keys[1] = Some((format!("user:{user}"), self.limits.per_user));
        }
        if login && self.limits.login_per_ip > 0 {
            keys[2] = Some((format!("login:{ip}"), self.limits.login_per_ip));
        }
        if keys.iter().all(Option::is_none) {
            return None;
        }
        let (number, retry_after) = now_window();
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        if window.number != number {
            *window = Window {
                number,
                buckets: HashMap::new(),
            };
        }
        let mut over = false;
        for (key, limit) in keys.into_iter().flatten() {
            let bucket = window.buckets.entry(key).or_default();
            bucket.here += 1;
            bucket.unsent += 1;
            over |= bucket.here + bucket.elsewhere > u64::from(limit);
        }
        over.then_some(retry_after)
    }

    /// Syncs with Redis every `interval` until `stop`.
    pub async fn run(&self, interval: Duration, stop: StopSignal) {
        while !Workers::pause(&stop, interval).await {
            self.sync().await;
        }
    }

    /// Adds this replica's new counts to Redis and learns everyone's.
    pub async fn sync(&self) {
        let (number, batch) = {
            let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
            let batch: Vec<(String, u64, u64)> = window
                .buckets
                .iter_mut()
                .filter(|(_, b)| b.unsent > 0)
                .map(|(key, b)| (key.clone(), std::mem::take(&mut b.unsent), b.here))
                .collect();
            (window.number, batch)
        };
        if batch.is_empty() {
            return;
        }
        let totals = self
            .redis
            .fail_open(
                "rate limiter (limiting by this replica's counts)",
                async |conn| {
                    let mut pipe = redis::pipe();
                    for (key, unsent, _) in &batch {
                        let key = self.redis.key(&format!("rl:{key}:{number}"));
                        // Two windows, so a counter outlives its own minute.
                        pipe.incr(&key, *unsent)
                            .cmd("EXPIRE")
                            .arg(&key)
                            .arg(WINDOW_SECS * 2)
                            .arg("NX")
                            .ignore();
                    }
                    pipe.query_async::<Vec<u64>>(conn).await
                },
            )
            .await;
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        if window.number != number {
            return;
        }
        for (i, (key, unsent, here)) in batch.into_iter().enumerate() {
            let Some(bucket) = window.buckets.get_mut(&key) else {
                continue;
            };
            match totals.as_ref().and_then(|t| t.get(i)) {
                // Everything this replica had counted by the snapshot is in the total.
                Some(total) => bucket.elsewhere = total.saturating_sub(here),
                None => bucket.unsent += unsent,
            }
        }
    }
}
