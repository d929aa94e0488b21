//! Packing and shipping: staff mark a task packed, which books the courier.
//! The booking uses the shipment id chosen at packing as its idempotency key
//! and runs while the task's row is locked, so however often it is retried
//! (by staff or by the worker) the order gets exactly one shipment. A refused
//! booking leaves the task `packed` with the error for staff to see, and the
//! worker tries again with backoff.

use diesel_async::AsyncConnection as _;
use shop_client::wire::orders::OrderStatusUpdate;
use shop_kit::{Problem, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{
    courier::BookingRequest,
    db::models::{
        fulfilment::{Fulfilment, PackingTask},
        shipment::Shipment,
    },
    startup::AppState,
};

/// An outbox event telling orders its order moved on.
pub fn status_event(
    order_id: Uuid,
    status: &str,
    tracking_number: Option<String>,
) -> Result<OutboxEvent, diesel::result::Error> {
    let update = OrderStatusUpdate {
        event_id: Uuid::now_v7(),
        status: status.to_owned(),
        tracking_number,
    };
    let event_type = match status {
        "packing" => "fulfilment.packed",
        "shipped" => "shipment.shipped",
        _ => "shipment.delivered",
    };
    let payload = serde_json::to_value(&update)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    Ok(OutboxEvent::new(
        update.event_id,
        event_type,
        order_id,
        payload,
    ))
}

/// `POST /api/admin/packing-tasks/{id}/packed`: marks the task packed (once)
/// and books the courier. Packing a shipped task again changes nothing.
pub async fn pack(state: &AppState, id: Uuid) -> Result<PackingTask, Problem> {
    let task = {
        let mut conn = state.db.get().await?;
        let task = PackingTask::find(&mut conn, id)
            .await?
            .ok_or_else(|| Problem::not_found("packing task"))?;
        match task.status.as_str() {
            "pending" => {
                let packed = conn
                    .transaction(async |conn| {
                        let Some(packed) = PackingTask::mark_packed(conn, id).await? else {
                            return Ok(None);
                        };
                        OutboxEvent::insert(conn, &status_event(packed.order_id, "packing", None)?)
                            .await?;
                        Ok::<_, diesel::result::Error>(Some(packed))
                    })
                    .await?;
                if packed.is_some() {
                    state.relay.wake();
                    tracing::info!(task_id = %id, "packed");
                }
                packed.unwrap_or(task)
            }
            "cancelled" => {
                return Err(Problem::conflict(
                    "task_cancelled",
                    "the order was cancelled; do not pack it",
                ));
            }
            _ => task,
        }
    };
    if task.status == "packed" || task.status == "pending" {
        book(state, id).await?;
    }
    let mut conn = state.db.get().await?;
    PackingTask::find(&mut conn, id)
        .await?
        .ok_or_else(|| Problem::not_found("packing task"))
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
            let fulfilment = Fulfilment::find(conn, task.order_id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            let address = fulfilment
                .address()
                .ok_or(diesel::result::Error::NotFound)?;
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
                    let shipment = Shipment::insert(
                        conn,
                        &Shipment {
                            id: shipment_id,
                            order_id: task.order_id,
                            packing_task_id: task.id,
                            user_id: task.user_id,
                            courier: booking.courier,
                            tracking_number: booking.tracking_number.clone(),
                            status: "booked".to_owned(),
                            booked_at: now,
                            in_transit_at: None,
                            delivered_at: None,
                            updated_at: now,
                        },
                    )
                    .await?;
                    PackingTask::booked(conn, task.id).await?;
                    OutboxEvent::insert(
                        conn,
                        &status_event(task.order_id, "shipped", Some(booking.tracking_number))?,
                    )
                    .await?;
                    Ok(Some(Ok(shipment)))
                }
                Err(error) => {
                    let next = chrono::Utc::now()
                        + shop_kit::outbox::backoff(
                            state.settings.retry_base,
                            task.booking_attempts + 1,
                        );
                    PackingTask::booking_failed(conn, task.id, &error, next).await?;
                    Ok::<_, diesel::result::Error>(Some(Err(error)))
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
            tracing::warn!(task_id = %id, %error, "courier booking failed; will retry")
        }
        None => {}
    }
    Ok(())
}

/// Marks a shipment delivered (once) and tells orders.
pub async fn deliver(state: &AppState, id: Uuid) -> Result<Shipment, Problem> {
    let mut conn = state.db.get().await?;
    let shipment = Shipment::find(&mut conn, id)
        .await?
        .ok_or_else(|| Problem::not_found("shipment"))?;
    let delivered = conn
        .transaction(async |conn| {
            let Some(delivered) = Shipment::mark_delivered(conn, id).await? else {
                return Ok(None);
            };
            OutboxEvent::insert(conn, &status_event(delivered.order_id, "delivered", None)?)
                .await?;
            Ok::<_, diesel::result::Error>(Some(delivered))
        })
        .await?;
    match delivered {
        Some(delivered) => {
            state.relay.wake();
            tracing::info!(shipment_id = %id, order_id = %delivered.order_id, "delivered");
            Ok(delivered)
        }
        None => Ok(shipment),
    }
}
