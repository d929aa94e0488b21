//! The recovery worker: finds orders a checkout left in `pending` or
//! `reserved` (a crash, a timeout, a service down) and drives each to an
//! outcome with [`saga::drive`], which asks catalogue and payments what really
//! happened. It also retries the refunds of cancelled orders until payments
//! confirms them.

use std::{sync::Arc, time::Duration};

use uuid::Uuid;

use crate::{cancel, db::models::order::Order, saga, startup::AppState};

/// Orders looked at per pass.
const BATCH: i64 = 20;

/// Runs forever, one pass every `ORDER_RECOVERY_INTERVAL_MS`.
pub async fn run(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(
        state
            .settings
            .recovery_interval
            .max(Duration::from_millis(50)),
    );
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = pass(&state).await {
            tracing::warn!(error = %e, "recovery pass failed; trying again next tick");
        }
    }
}

/// One pass: every stuck order and every refund still owed, at most [`BATCH`] each.
pub async fn pass(state: &AppState) -> anyhow::Result<()> {
    let older_than = chrono::Duration::from_std(state.settings.recovery_after)?;
    let lease = chrono::Duration::from_std(state.settings.lease)?;
    let (stuck, refunds): (Vec<Uuid>, Vec<Uuid>) = {
        let mut conn = state.db.get().await?;
        (
            Order::stuck(&mut conn, older_than, BATCH).await?,
            Order::refunds_due(&mut conn, older_than, BATCH).await?,
        )
    };
    for id in stuck {
        let leased = {
            let mut conn = state.db.get().await?;
            Order::acquire_lease(&mut conn, id, lease).await?
        };
        // Another driver took it between the scan and now.
        let Some(order) = leased else { continue };
        let from = order.status.clone();
        match saga::drive(state, order, None, None).await {
            Ok(reply) => {
                let outcome = if reply.status == 201 {
                    "paid"
                } else {
                    "compensated"
                };
                state.metrics.recovered.with_label_values(&[outcome]).inc();
                tracing::info!(order_id = %id, %from, status = reply.status, "recovered an unfinished checkout");
            }
            Err(problem) => {
                state
                    .metrics
                    .recovered
                    .with_label_values(&["deferred"])
                    .inc();
                tracing::warn!(order_id = %id, %from, %problem, "could not resolve the order yet");
            }
        }
    }
    for id in refunds {
        if let Err(problem) = cancel::settle_refund(state, id).await {
            tracing::warn!(order_id = %id, %problem, "the refund of a cancelled order is still owed");
        }
    }
    Ok(())
}
