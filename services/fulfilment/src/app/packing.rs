//! Packing and shipping: staff mark a task packed, which books the courier.
//! The booking uses the shipment id chosen at packing as its idempotency key
//! and runs while the task's row is locked, so however often it is retried
//! (by staff or by the worker) the order gets exactly one shipment. A refused
//! booking leaves the task `packed` with the error for staff to see, and the
//! worker tries again with backoff.

use diesel_async::AsyncConnection as _;
use shop_client::wire::{ErrorCode, fulfilment::PackingTaskResponse, orders::OrderStatus};
use shop_kit::{Problem, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    app::events::status_event,
    courier::BookingRequest,
    db::models::{fulfilment::Fulfilment, packing_task::PackingTask, shipment::Shipment},
    domain::status::{PackingTaskStatus, ShipmentStatus},
    state::AppState,
};

/// Where a packed task ended up.
#[derive(Debug)]
pub enum Packing {
    /// With the courier: the shipment exists.
    Shipped(PackingTask),
    /// Packed, but the courier refused the booking (`courier_error`); the
    /// worker tries again.
    AwaitingCourier(PackingTask),
}

fn task_not_found() -> Problem {
    Problem::not_found("packing task")
}

/// Marks the task packed (once, telling orders) and books the courier.
/// Packing a shipped task again changes nothing; a cancelled one is a 409.
pub async fn pack(state: &AppState, id: Uuid) -> Result<Packing, Problem> {
    let task = {
        let mut conn = state.db.get().await?;
        PackingTask::find(&mut conn, id)
            .await?
            .ok_or_else(task_not_found)?
    };
    match task.status {
        PackingTaskStatus::Pending => mark_packed(state, id).await?,
        PackingTaskStatus::Cancelled => return Err(cancelled()),
        PackingTaskStatus::Packed | PackingTaskStatus::Shipped => {}
    }
    if task.status != PackingTaskStatus::Shipped {
        book(state, id).await?;
    }
    let mut conn = state.db.get().await?;
    let task = PackingTask::find(&mut conn, id)
        .await?
        .ok_or_else(task_not_found)?;
    match task.status {
        PackingTaskStatus::Shipped => Ok(Packing::Shipped(task)),
        PackingTaskStatus::Pending | PackingTaskStatus::Packed => {
            Ok(Packing::AwaitingCourier(task))
        }
        // Withdrawn while this request was on its way.
        PackingTaskStatus::Cancelled => Err(cancelled()),
    }
}

fn cancelled() -> Problem {
    Problem::conflict(
        ErrorCode::TaskCancelled,
        "the order was cancelled; do not pack it",
    )
}

/// `pending` -> `packed` and the `fulfilment.packed` event, in one
/// transaction; a concurrent twin finds nothing to move.
async fn mark_packed(state: &AppState, id: Uuid) -> Result<(), Problem> {
    let mut conn = state.db.get().await?;
    let packed = conn
        .transaction(async |conn| {
            let Some(packed) = PackingTask::mark_packed(conn, id).await? else {
                return Ok(false);
            };
            let event = status_event(packed.order_id, OrderStatus::Packing, None)?;
            OutboxEvent::insert(conn, event).await?;
            Ok::<_, Problem>(true)
        })
        .await?;
    if packed {
        state.relay.wake();
        tracing::info!(task_id = %id, "packed");
    }
    Ok(())
}

/// Books the courier for a packed task, unless someone else is booking it
/// right now. A refusal is recorded on the task (not an error here).
pub async fn book(state: &AppState, id: Uuid) -> Result<(), Problem> {
    let mut conn = state.db.get().await?;
    let booked = conn
        .transaction(async |conn| {
            let Some(task) = PackingTask::lock_for_booking(conn, id).await? else {
                return Ok(None);
            };
            let address = Fulfilment::find(conn, task.order_id)
                .await?
                .and_then(|f| f.address())
                .ok_or_else(|| Problem::internal(anyhow::anyhow!("a task without its address")))?;
            let shipment_id = task.shipment_id.unwrap_or_else(Uuid::now_v7);
            let request = BookingRequest {
                shipment_id,
                order_id: task.order_id,
                address: &address,
                parcels: 1,
            };
            match state.courier.book(&request).await {
                Ok(booking) => {
                    let now = chrono::Utc::now();
                    let shipment = Shipment {
                        id: shipment_id,
                        order_id: task.order_id,
                        packing_task_id: task.id,
                        user_id: task.user_id,
                        courier: booking.courier,
                        tracking_number: booking.tracking_number.clone(),
                        status: ShipmentStatus::Booked,
                        booked_at: now,
                        in_transit_at: None,
                        delivered_at: None,
                        updated_at: now,
                    };
                    let shipment = Shipment::insert(conn, shipment).await?;
                    PackingTask::mark_shipped(conn, task.id).await?;
                    let event = status_event(
                        task.order_id,
                        OrderStatus::Shipped,
                        Some(booking.tracking_number),
                    )?;
                    OutboxEvent::insert(conn, event).await?;
                    Ok(Some(Ok(shipment)))
                }
                Err(error) => {
                    let next = chrono::Utc::now()
                        + shop_kit::outbox::backoff(
                            state.settings.retry_base,
                            task.booking_attempts + 1,
                        );
                    PackingTask::booking_failed(conn, task.id, &error, next).await?;
                    Ok::<_, Problem>(Some(Err(error)))
                }
            }
        })
        .await?;
    match booked {
        Some(Ok(shipment)) => {
            state.relay.wake();
            tracing::info!(task_id = %id, tracking = %shipment.tracking_number, "shipment booked");
        }
        Some(Err(error)) => {
            tracing::warn!(task_id = %id, %error, "courier booking failed; will retry");
        }
        None => {}
    }
    Ok(())
}

/// The staff view of tasks, with their orders and shipments loaded in two queries.
pub async fn views(
    state: &AppState,
    tasks: &[PackingTask],
) -> Result<Vec<PackingTaskResponse>, Problem> {
    let mut conn = state.db.get().await?;
    let order_ids: Vec<Uuid> = tasks.iter().map(|t| t.order_id).collect();
    let task_ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let orders = Fulfilment::many(&mut conn, &order_ids).await?;
    let mut shipments = Shipment::for_tasks(&mut conn, &task_ids).await?;
    tasks
        .iter()
        .map(|task| {
            let order = orders
                .get(&task.order_id)
                .ok_or_else(|| Problem::internal(anyhow::anyhow!("a task without its order")))?;
            Ok(PackingTaskResponse {
                id: task.id,
                order_id: task.order_id,
                user_id: task.user_id,
                status: task.status,
                lines: order.order_lines(),
                shipping_address: order.address().ok_or_else(|| {
                    Problem::internal(anyhow::anyhow!("an order without an address"))
                })?,
                booking_attempts: task.booking_attempts,
                courier_error: task.courier_error.clone(),
                shipment: shipments.remove(&task.id).map(|s| s.to_response()),
                created_at: task.created_at,
                updated_at: task.updated_at,
            })
        })
        .collect()
}

/// One task as staff see it.
pub async fn view(state: &AppState, task: PackingTask) -> Result<PackingTaskResponse, Problem> {
    views(state, &[task])
        .await?
        .pop()
        .ok_or_else(task_not_found)
}
