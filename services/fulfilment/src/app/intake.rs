//! Orders arriving and leaving before packing: `order.paid` records the
//! paid order and its packing task (once per order, however often it is
//! delivered), and a cancellation withdraws the task while it is pending.
//! A cancellation may overtake its `order.paid`, so it is remembered, and
//! the late event then makes a `cancelled` task nobody packs.

use diesel_async::AsyncConnection as _;
use shop_client::wire::orders::OrderPaidEvent;
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::{
        fulfilment::{Fulfilment, FulfilmentCancellation},
        packing_task::PackingTask,
    },
    domain::status::PackingTaskStatus,
    state::AppState,
};

/// What an `order.paid` delivery did.
#[derive(Debug)]
pub enum Intake {
    /// The first delivery: the task was created.
    New(PackingTask),
    /// Delivered before: the task it made then.
    Known(PackingTask),
}

/// `order.paid`: the paid order and a `pending` task (`cancelled` when the
/// order was withdrawn first), once per order id.
pub async fn accept(state: &AppState, event: &OrderPaidEvent) -> Result<Intake, Problem> {
    if event.lines.is_empty() || event.lines.iter().any(|l| l.quantity < 1) {
        return Err(Problem::invalid_field("lines", "must list what was bought"));
    }
    let mut conn = state.db.get().await?;
    let intake = conn
        .transaction(async |conn| {
            if !Fulfilment::insert_once(conn, event).await? {
                let task = PackingTask::for_order(conn, event.order_id)
                    .await?
                    .ok_or_else(|| {
                        Problem::internal(anyhow::anyhow!("a fulfilment without its task"))
                    })?;
                return Ok::<_, Problem>(Intake::Known(task));
            }
            let status = if FulfilmentCancellation::exists(conn, event.order_id).await? {
                PackingTaskStatus::Cancelled
            } else {
                PackingTaskStatus::Pending
            };
            let task = PackingTask::new(event.order_id, event.user_id, status);
            Ok(Intake::New(PackingTask::insert(conn, task).await?))
        })
        .await?;
    if let Intake::New(task) = &intake {
        tracing::info!(order_id = %event.order_id, task_id = %task.id, status = %task.status, "packing task created");
    }
    Ok(intake)
}

/// What withdrawing an order's fulfilment did.
#[derive(Debug)]
pub enum Withdrawal {
    /// The task is `cancelled` (now or before): nobody packs it.
    Cancelled(PackingTask),
    /// `order.paid` has not arrived; when it does, its task is `cancelled`.
    BeforeArrival,
    /// Packing began (the task is in this status): the goods come back as a
    /// return instead.
    AlreadyPacked(PackingTaskStatus),
}

/// Withdraws the order's fulfilment while its task is still pending
/// (orders asks before it refunds a cancellation).
pub async fn cancel(state: &AppState, order_id: Uuid) -> Result<Withdrawal, Problem> {
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        FulfilmentCancellation::record(conn, order_id).await?;
        let Some(task) = PackingTask::for_order(conn, order_id).await? else {
            return Ok(Withdrawal::BeforeArrival);
        };
        if task.status == PackingTaskStatus::Cancelled {
            return Ok(Withdrawal::Cancelled(task));
        }
        if let Some(cancelled) = PackingTask::mark_cancelled(conn, task.id).await? {
            return Ok(Withdrawal::Cancelled(cancelled));
        }
        // It could not move: packing began, perhaps a moment ago.
        let now = PackingTask::find(conn, task.id)
            .await?
            .map_or(task.status, |t| t.status);
        Ok::<_, Problem>(Withdrawal::AlreadyPacked(now))
    })
    .await
}
