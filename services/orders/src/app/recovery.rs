//! The recovery worker: finds orders a checkout left in `pending` or
//! `reserved` (a crash, a timeout, a service down) and drives each to an
//! outcome with [`checkout::drive`], which asks catalogue and payments what
//! really happened; and drives on every refund a failed step left behind.

use std::{sync::Arc, time::Duration};

use shop_kit::{
    Problem,
    workers::{StopSignal, Workers},
};
use uuid::Uuid;

use crate::{
    app::{checkout, refund},
    db::models::order::Order,
    domain::outcome::CheckoutOutcome,
    state::AppState,
};

/// Orders looked at per pass.
const BATCH: i64 = 20;

/// Runs until `stop`, one pass every `ORDER_RECOVERY_INTERVAL_MS`; a pass
/// in hand is finished first (each order in it ends with its lease given back).
pub async fn run(state: Arc<AppState>, stop: StopSignal) {
    let interval = state
        .settings
        .recovery_interval
        .max(Duration::from_millis(50));
    loop {
        if Workers::pause(&stop, interval).await {
            return;
        }
        if let Err(problem) = pass(&state, &stop).await {
            tracing::warn!(%problem, "recovery pass failed; trying again next tick");
        }
    }
}

/// One pass: every stuck order and every refund due, at most [`BATCH`] each.
pub async fn pass(state: &AppState, stop: &StopSignal) -> Result<(), Problem> {
    let older_than =
        chrono::Duration::from_std(state.settings.recovery_after).map_err(Problem::internal)?;
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let stuck: Vec<Uuid> = {
        let mut conn = state.db.get().await?;
        Order::stuck(&mut conn, older_than, BATCH).await?
    };
    for id in stuck {
        if stop.is_cancelled() {
            return Ok(());
        }
        let leased = {
            let mut conn = state.db.get().await?;
            Order::acquire_lease(&mut conn, id, lease).await?
        };
        // Another driver took it between the scan and now.
        let Some(order) = leased else { continue };
        let from = order.status;
        match checkout::drive(state, order, None, None).await {
            Ok(outcome) => {
                let label = match outcome {
                    CheckoutOutcome::Paid(_) => "paid",
                    _ => "compensated",
                };
                state.metrics.recovered.with_label_values(&[label]).inc();
                tracing::info!(order_id = %id, %from, outcome = outcome.label(), "recovered an unfinished checkout");
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
    if !stop.is_cancelled() {
        refund::retry_due(state).await?;
    }
    Ok(())
}

/// Starts the worker among `workers`.
pub fn spawn(state: Arc<AppState>, workers: &Workers) {
    workers.spawn("checkout recovery", |stop| run(state, stop));
}
