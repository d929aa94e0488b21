//! The reservation sweeper: a worker that releases reservations whose time
//! ran out. Each is ended by a conditional update, so several replicas
//! sweeping at once release each reservation once.

use std::{sync::Arc, time::Duration};

use shop_kit::workers::{StopSignal, Workers};

use crate::{
    app::reservations::{self, Finished, ReservationError},
    db::models::reservation::Reservation,
    domain::reservation::Ending,
    state::AppState,
};

/// How many due reservations one sweep takes.
const BATCH: i64 = 100;

/// The shortest pause between sweeps, whatever is configured.
const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// Sweeps every `interval` until told to stop; a stop waits for the
/// reservation in hand, never for the rest of the batch.
pub async fn run(state: Arc<AppState>, interval: Duration, stop: StopSignal) {
    let interval = interval.max(MIN_INTERVAL);
    loop {
        sweep(&state, &stop).await;
        if Workers::pause(&stop, interval).await {
            return;
        }
    }
}

/// Expires one batch of due reservations.
async fn sweep(state: &AppState, stop: &StopSignal) {
    let due = match state.db.get().await {
        Ok(mut conn) => Reservation::due(&mut conn, BATCH).await,
        // The database is down: health says so; the next sweep retries.
        Err(_) => return,
    };
    let due = match due {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list expired reservations");
            return;
        }
    };
    for id in due {
        if stop.is_cancelled() {
            return;
        }
        match reservations::finish(state, id, Ending::Expire).await {
            Ok(Finished::Now(_)) => {
                tracing::info!(reservation_id = %id, "expired reservation released")
            }
            // Committed, released or swept by another replica meanwhile.
            Ok(Finished::Before(_)) | Err(ReservationError::WrongState(_)) => {}
            Err(e) => {
                tracing::warn!(reservation_id = %id, error = %e, "cannot release an expired reservation");
            }
        }
    }
}
