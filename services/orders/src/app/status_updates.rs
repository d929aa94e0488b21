//! What fulfilment reports (`packing`, `shipped`, `delivered`), applied once
//! per event: a repeated event id changes nothing, an update the order is
//! already past is ignored (events may arrive out of order), and one that
//! skips a step is a 409 so the sender retries it after the step it skipped.

use diesel_async::AsyncConnection as _;
use shop_client::wire::{ErrorCode, orders::OrderStatusUpdate};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::{
        order::{Changes, Order},
        processed_event,
    },
    domain::status::{OrderRules as _, OrderStatus},
    state::AppState,
};

/// Applies `update` to the order.
pub async fn apply(state: &AppState, id: Uuid, update: &OrderStatusUpdate) -> Result<(), Problem> {
    let to = update.status;
    if to.delivery_stage().is_none_or(|stage| stage == 0) {
        return Err(Problem::invalid_field(
            "status",
            "must be packing, shipped or delivered",
        ));
    }
    let mut conn = state.db.get().await?;
    conn.transaction(async |conn| {
        let order = Order::lock(conn, id).await?;
        if !processed_event::first_delivery(conn, update.event_id, id).await? {
            return Ok(());
        }
        let from = order.status;
        let past = matches!(
            (from.delivery_stage(), to.delivery_stage()),
            (Some(now), Some(next)) if now >= next
        );
        if from == to || past {
            return Ok(());
        }
        if !from.can_become(to) {
            return Err(Problem::conflict(
                ErrorCode::InvalidTransition,
                format!("an order that is {from} cannot become {to}"),
            ));
        }
        Order::transition(
            conn,
            id,
            from,
            to,
            Changes {
                delivered: to == OrderStatus::Delivered,
                ..Changes::default()
            },
        )
        .await?;
        tracing::info!(order_id = %id, %from, %to, tracking = update.tracking_number.as_deref().unwrap_or("-"), "order status updated by fulfilment");
        Ok::<_, Problem>(())
    })
    .await
}
