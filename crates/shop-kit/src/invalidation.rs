//! Invalidation messages over Redis pub/sub, for in-process caches
//! ([`crate::local_cache`]) on every replica.
//!
//! [`listen`] keeps one subscription up for as long as the service runs. The
//! [`Listener`] is told when it is [`subscribed`](Listener::subscribed) (from
//! then on no message is missed), of every message, and when the
//! subscription is [`lost`](Listener::lost): the connection closed, Redis
//! stopped answering, or a heartbeat `PING` went unanswered within the Redis
//! timeout. A listener that keeps a cache empties it and stops trusting it on
//! `lost`, because messages published until the next `subscribed` are gone.

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt as _;
use tokio_util::sync::CancellationToken;

use crate::redis::{RedisPool, redis};

/// How often a quiet subscription is checked with a `PING`.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// The first wait before subscribing again; it doubles up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(2);

/// What a subscription tells its owner.
pub trait Listener: Send + Sync + 'static {
    /// The subscription is up: no message is missed from here on.
    fn subscribed(&self);
    /// A message arrived.
    fn message(&self, payload: &[u8]);
    /// The subscription is gone: messages may be missed until `subscribed`.
    fn lost(&self);
}

/// Keeps `channel` subscribed until `stop`, telling `listener` everything.
pub async fn listen(
    redis: RedisPool,
    channel: String,
    listener: Arc<dyn Listener>,
    stop: CancellationToken,
) {
    let mut retry = FIRST_RETRY;
    loop {
        let outcome = tokio::select! {
            () = stop.cancelled() => return,
            outcome = subscription(&redis, &channel, listener.as_ref()) => outcome,
        };
        listener.lost();
        retry = match outcome {
            Ok(()) => {
                tracing::warn!(%channel, "invalidation subscription lost; in-process cache off until it is back");
                FIRST_RETRY
            }
            Err(error) => {
                tracing::warn!(%channel, error = %format!("{error:#}"), "cannot subscribe to invalidations; in-process cache off until it is back");
                (retry * 2).min(MAX_RETRY)
            }
        };
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(retry) => {}
        }
    }
}

/// One subscription, until it fails: `Ok` when it had been up.
async fn subscription(
    redis: &RedisPool,
    channel: &str,
    listener: &dyn Listener,
) -> anyhow::Result<()> {
    let (mut sink, mut stream) = redis.pubsub().await?.split();
    tokio::time::timeout(redis.timeout(), sink.subscribe(channel)).await??;
    listener.subscribed();
    tracing::info!(%channel, "subscribed to invalidations");
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = stream.next() => match message {
                Some(message) => listener.message(message.get_payload_bytes()),
                None => return Ok(()),
            },
            _ = heartbeat.tick() => {
                let pong = tokio::time::timeout(redis.timeout(), sink.ping::<redis::Value>()).await;
                if !matches!(pong, Ok(Ok(_))) {
                    return Ok(());
                }
            }
        }
    }
}
