//! Retries what failed: courier bookings of packed tasks and the steps of
//! received returns, each when its backoff is due.

use std::{sync::Arc, time::Duration};

use crate::{
    db::models::{fulfilment::PackingTask, rma::Rma},
    packing, returns,
    startup::AppState,
};

/// Tasks and returns looked at per pass.
const BATCH: i64 = 20;

/// Runs forever, one pass every `FULFILMENT_WORKER_INTERVAL_MS`.
pub async fn run(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(
        state
            .settings
            .worker_interval
            .max(Duration::from_millis(50)),
    );
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = pass(&state).await {
            tracing::warn!(error = %e, "fulfilment worker pass failed; trying again next tick");
        }
    }
}

async fn pass(state: &AppState) -> anyhow::Result<()> {
    let (tasks, rmas) = {
        let mut conn = state.db.get().await?;
        (
            PackingTask::due_for_booking(&mut conn, BATCH).await?,
            Rma::due(&mut conn, BATCH).await?,
        )
    };
    for id in tasks {
        if let Err(problem) = packing::book(state, id).await {
            tracing::warn!(task_id = %id, %problem, "booking retry failed");
        }
    }
    for id in rmas {
        let rma = {
            let mut conn = state.db.get().await?;
            Rma::find(&mut conn, id).await?
        };
        if let Some(rma) = rma.filter(|r| r.status == "received")
            && let Err(problem) = returns::settle(state, rma).await
        {
            tracing::warn!(rma_id = %id, %problem, "return retry failed");
        }
    }
    Ok(())
}
