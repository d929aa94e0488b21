//! A parcel on its way: the courier's pickup scan (`in_transit`) and the
//! delivery, which orders hears about through the outbox. Each moves once;
//! reporting it again answers the shipment as it is.

use diesel_async::AsyncConnection as _;
use shop_client::wire::orders::OrderStatus;
use shop_kit::{Problem, outbox::OutboxEvent};
use uuid::Uuid;

use crate::{app::events::status_event, db::models::shipment::Shipment, state::AppState};

fn not_found() -> Problem {
    Problem::not_found("shipment")
}

/// The courier picked the parcel up (orders is not told: the order is
/// `shipped` already).
pub async fn pick_up(state: &AppState, id: Uuid) -> Result<Shipment, Problem> {
    let mut conn = state.db.get().await?;
    match Shipment::mark_in_transit(&mut conn, id).await? {
        Some(moving) => Ok(moving),
        None => Shipment::find(&mut conn, id).await?.ok_or_else(not_found),
    }
}

/// Marks the parcel delivered (once) and tells orders in the same transaction.
pub async fn deliver(state: &AppState, id: Uuid) -> Result<Shipment, Problem> {
    let mut conn = state.db.get().await?;
    let delivered = conn
        .transaction(async |conn| {
            let Some(delivered) = Shipment::mark_delivered(conn, id).await? else {
                return Ok(None);
            };
            let event = status_event(delivered.order_id, OrderStatus::Delivered, None)?;
            OutboxEvent::insert(conn, event).await?;
            Ok::<_, Problem>(Some(delivered))
        })
        .await?;
    match delivered {
        Some(delivered) => {
            state.relay.wake();
            tracing::info!(shipment_id = %id, order_id = %delivered.order_id, "delivered");
            Ok(delivered)
        }
        None => Shipment::find(&mut conn, id).await?.ok_or_else(not_found),
    }
}
