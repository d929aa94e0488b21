//! The outbox relay: delivers events written by order transactions to the
//! service that consumes them. Rows are claimed with `FOR UPDATE SKIP LOCKED`
//! (several replicas never deliver the same row at once), retried with
//! exponential backoff and jitter, and marked `dead` after
//! `OUTBOX_MAX_ATTEMPTS`; `orders_outbox_dead_events` shows those.

use diesel_async::AsyncConnection as _;
use std::{sync::Arc, time::Duration};

use chrono::Utc;
use rand::Rng as _;
use shop_client::wire::orders::OrderPaidEvent;

use crate::{db::models::outbox::OutboxEvent, startup::AppState};

/// Events claimed per transaction.
const BATCH: i64 = 20;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Runs forever: wakes on a new event or every `OUTBOX_POLL_MS`.
pub async fn run(state: Arc<AppState>) {
    loop {
        loop {
            match relay_batch(&state).await {
                Ok(n) if n == BATCH as usize => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox relay pass failed");
                    break;
                }
            }
        }
        tokio::select! {
            () = state.outbox_written.notified() => {}
            () = tokio::time::sleep(state.settings.outbox_poll) => {}
        }
    }
}

/// Delivers the due events it can claim; how many it claimed.
pub async fn relay_batch(state: &AppState) -> anyhow::Result<usize> {
    let mut conn = state.db.get().await?;
    let claimed = conn
        .transaction(async |conn| {
            let events = OutboxEvent::lock_due(conn, BATCH).await?;
            // The rows stay locked while they are delivered; deliveries run
            // side by side so one slow receiver does not hold up the batch.
            let outcomes =
                futures_util::future::join_all(events.iter().map(|e| deliver(state, e))).await;
            for (event, outcome) in events.iter().zip(outcomes) {
                let attempts = event.attempts + 1;
                match outcome {
                    Ok(()) => {
                        OutboxEvent::delivered(conn, event.id, attempts).await?;
                        state.metrics.outbox.with_label_values(&[&event.event_type, "delivered"]).inc();
                    }
                    Err(error) => {
                        let next = (attempts < state.settings.outbox_max_attempts)
                            .then(|| Utc::now() + backoff(state.settings.outbox_backoff, attempts));
                        OutboxEvent::failed(conn, event.id, attempts, &error, next).await?;
                        if next.is_some() {
                            state.metrics.outbox.with_label_values(&[&event.event_type, "retried"]).inc();
                            tracing::warn!(event_id = %event.id, event = %event.event_type, attempts, %error, "event delivery failed; will retry");
                        } else {
                            state.metrics.outbox.with_label_values(&[&event.event_type, "dead"]).inc();
                            state.metrics.outbox_dead.inc();
                            tracing::error!(event_id = %event.id, event = %event.event_type, attempts, %error, "event delivery gave up: dead-lettered");
                        }
                    }
                }
            }
            Ok::<_, diesel::result::Error>(events.len())
        })
        .await?;
    Ok(claimed)
}

/// `base * 2^(attempts-1)`, at most [`MAX_BACKOFF`], then a random point in its upper half.
fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let full = base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(MAX_BACKOFF);
    let ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX).max(1);
    let jittered = rand::rng().random_range(ms / 2..=ms);
    chrono::Duration::milliseconds(i64::try_from(jittered).unwrap_or(i64::MAX))
}

/// Sends one event to its receiver.
async fn deliver(state: &AppState, event: &OutboxEvent) -> Result<(), String> {
    match event.event_type.as_str() {
        "order.paid" => {
            let paid: OrderPaidEvent =
                serde_json::from_value(event.payload.clone()).map_err(|e| e.to_string())?;
            state
                .fulfilment
                .create_fulfilment(&paid)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
        other => Err(format!("no receiver for {other} events")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stays_under_the_cap() {
        let base = Duration::from_millis(100);
        for attempts in 1..=30 {
            let wait = backoff(base, attempts);
            let full = (100_i64 << (attempts - 1).min(20)).min(300_000);
            assert!(wait.num_milliseconds() >= full / 2, "{attempts}: {wait}");
            assert!(wait.num_milliseconds() <= full, "{attempts}: {wait}");
        }
    }
}
