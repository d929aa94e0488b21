//! Background workers (outbox relays, recovery, sweepers) that stop with the
//! server: on SIGTERM or SIGINT each one is told to stop, finishes the unit of
//! work it holds, and the process exits within `SHUTDOWN_TIMEOUT_SECS`. What
//! a worker did not finish stays in the database for the next start.

use std::{future::Future, time::Duration};

use tokio_util::{sync::CancellationToken, task::TaskTracker};

pub use tokio_util::sync::CancellationToken as StopSignal;

/// The workers of one service instance.
#[derive(Clone, Default)]
pub struct Workers {
    stop: CancellationToken,
    tracker: TaskTracker,
}

impl Workers {
    /// No workers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `work`, which gets the stop signal: it should finish what it
    /// holds and return once `stop.is_cancelled()` (or `stop.cancelled()`
    /// resolves) instead of taking more.
    pub fn spawn<F, Fut>(&self, name: &'static str, work: F)
    where
        F: FnOnce(StopSignal) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let task = work(self.stop.child_token());
        self.tracker.spawn(async move {
            task.await;
            tracing::info!(worker = name, "worker stopped");
        });
    }

    /// Tells every worker to stop and waits for them, at most `timeout`;
    /// false when some were still running then (their work is left for the
    /// next start: every step is recorded before the next one begins).
    pub async fn stop(&self, timeout: Duration) -> bool {
        self.stop.cancel();
        self.tracker.close();
        tokio::time::timeout(timeout, self.tracker.wait())
            .await
            .is_ok()
    }

    /// Waits `period`, or less when told to stop; true when told to stop.
    pub async fn pause(stop: &StopSignal, period: Duration) -> bool {
        tokio::select! {
            () = stop.cancelled() => true,
            () = tokio::time::sleep(period) => stop.is_cancelled(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    };

    use super::*;

    #[tokio::test]
    async fn a_worker_finishes_its_unit_of_work_and_stops() {
        let workers = Workers::new();
        let done = Arc::new(AtomicU32::new(0));
        let counter = done.clone();
        workers.spawn("counter", move |stop| async move {
            loop {
                // A unit of work that is not interrupted.
                tokio::time::sleep(Duration::from_millis(50)).await;
                counter.fetch_add(1, Ordering::SeqCst);
                if Workers::pause(&stop, Duration::from_secs(60)).await {
                    return;
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(workers.stop(Duration::from_secs(2)).await);
        assert_eq!(
            done.load(Ordering::SeqCst),
            1,
            "the unit in hand was finished"
        );
    }

    #[tokio::test]
    async fn a_worker_that_will_not_stop_is_left_after_the_timeout() {
        let workers = Workers::new();
        workers.spawn("stubborn", |_stop| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        let started = std::time::Instant::now();
        assert!(!workers.stop(Duration::from_millis(100)).await);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
