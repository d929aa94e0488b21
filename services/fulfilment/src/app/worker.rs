//! Retries refused courier bookings of packed tasks, each when its backoff
//! is due. Returns need no retrying here: once `return.received` is in the
//! outbox, the relay and orders' recovery carry it through.

use std::{sync::Arc, time::Duration};

use shop_kit::{
    Problem,
    workers::{StopSignal, Workers},
};

use crate::{app::packing, db::models::packing_task::PackingTask, state::AppState};

/// Tasks looked at per pass.
const BATCH: i64 = 20;

/// Starts the worker among `workers`.
pub fn spawn(state: Arc<AppState>, workers: &Workers) {
    workers.spawn("courier booking retries", |stop| run(state, stop));
}

/// Runs until `stop`, one pass every `FULFILMENT_WORKER_INTERVAL_MS`; a
/// booking in hand is finished first (its outcome recorded).
pub async fn run(state: Arc<AppState>, stop: StopSignal) {
    let interval = state
        .settings
        .worker_interval
        .max(Duration::from_millis(50));
    loop {
        if Workers::pause(&stop, interval).await {
            return;
        }
        if let Err(problem) = pass(&state, &stop).await {
            tracing::warn!(%problem, "booking retry pass failed; trying again next tick");
        }
    }
}

/// One pass: every packed task whose booking is due, at most [`BATCH`].
pub async fn pass(state: &AppState, stop: &StopSignal) -> Result<(), Problem> {
    let due = {
        let mut conn = state.db.get().await?;
        PackingTask::due_for_booking(&mut conn, BATCH).await?
    };
    for id in due {
        if stop.is_cancelled() {
            return Ok(());
        }
        if let Err(problem) = packing::book(state, id).await {
            tracing::warn!(task_id = %id, %problem, "booking retry failed");
        }
    }
    Ok(())
}
