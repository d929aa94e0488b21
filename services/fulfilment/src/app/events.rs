//! Fulfilment's outbox events: what each one says (an order moved on, a
//! return's goods are back) and where the relay delivers it (orders, the
//! only receiver). The relay itself is `shop_kit::outbox`.

use std::collections::HashMap;

use shop_client::{
    OrdersClient,
    wire::{
        events::EventType,
        orders::{OrderStatus, OrderStatusUpdate, ReturnReceivedEvent},
    },
};
use shop_kit::{
    Problem,
    outbox::{Deliver, OutboxEvent},
};
use uuid::Uuid;

use crate::{
    db::models::rma::{Rma, RmaLine},
    domain::progress::progress_event,
};

/// The receivers of fulfilment's events.
pub struct FulfilmentEvents {
    pub orders: OrdersClient,
}

fn payload<T: serde::de::DeserializeOwned>(event: &OutboxEvent) -> Result<T, String> {
    serde_json::from_value(event.payload.clone()).map_err(|e| e.to_string())
}

#[async_trait::async_trait]
impl Deliver for FulfilmentEvents {
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String> {
        let delivered = match event.event_type {
            EventType::FulfilmentPacked
            | EventType::ShipmentShipped
            | EventType::ShipmentDelivered => {
                let update: OrderStatusUpdate = payload(event)?;
                self.orders
                    .update_status(event.aggregate_id, &update)
                    .await
                    .map(drop)
            }
            // Orders answers 202 while one of its steps is being retried by
            // its own recovery: the event has arrived, so it is delivered.
            EventType::ReturnReceived => {
                let received: ReturnReceivedEvent = payload(event)?;
                self.orders.return_received(&received).await.map(drop)
            }
            other @ (EventType::OrderPaid | EventType::ReturnRefunded) => {
                return Err(format!("fulfilment sends no {other} events"));
            }
        };
        delivered.map_err(|e| e.to_string())
    }
}

/// An event telling orders its order reached `status` (`packing`,
/// `shipped` or `delivered`); write it in the transaction of the change.
pub fn status_event(
    order_id: Uuid,
    status: OrderStatus,
    tracking_number: Option<String>,
) -> Result<OutboxEvent, Problem> {
    let event_type = progress_event(status).ok_or_else(|| {
        Problem::internal(anyhow::anyhow!(
            "fulfilment does not report {status} orders"
        ))
    })?;
    let update = OrderStatusUpdate {
        event_id: Uuid::now_v7(),
        status,
        tracking_number,
    };
    let payload = serde_json::to_value(&update).map_err(Problem::internal)?;
    Ok(OutboxEvent::new(
        update.event_id,
        event_type,
        order_id,
        payload,
    ))
}

/// `return.received`: the goods of `rma` are back, at the price paid.
/// The return is the event's aggregate, so its delivery can be looked up
/// by return id ([`last_delivery_error`]).
pub fn return_received(rma: &Rma, lines: &[RmaLine]) -> Result<OutboxEvent, Problem> {
    let event = ReturnReceivedEvent {
        event_id: Uuid::now_v7(),
        return_id: rma.id,
        number: rma.number.clone(),
        order_id: rma.order_id,
        lines: lines.iter().map(RmaLine::to_response).collect(),
        refund_cents: rma.refund_cents,
    };
    let payload = serde_json::to_value(&event).map_err(Problem::internal)?;
    Ok(OutboxEvent::new(
        event.event_id,
        EventType::ReturnReceived,
        rma.id,
        payload,
    ))
}

/// Why orders has not taken the return's `return.received` yet, if a
/// delivery failed (the relay retries it).
pub async fn last_delivery_error(
    conn: &mut diesel_async::AsyncPgConnection,
    return_id: Uuid,
) -> diesel::QueryResult<Option<String>> {
    Ok(OutboxEvent::for_aggregate(conn, return_id)
        .await?
        .into_iter()
        .rfind(|e| e.event_type == EventType::ReturnReceived)
        .and_then(|e| e.last_error))
}

/// [`last_delivery_error`] for each of the returns `return_ids` that has
/// one, in one query: a page of returns costs one look at the outbox, not
/// one per return.
pub async fn last_delivery_errors(
    conn: &mut diesel_async::AsyncPgConnection,
    return_ids: &[Uuid],
) -> diesel::QueryResult<HashMap<Uuid, String>> {
    use diesel::{ExpressionMethods as _, QueryDsl as _};
    use diesel_async::RunQueryDsl as _;
    use shop_kit::outbox::outbox;

    if return_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Option<String>)> = outbox::table
        .filter(outbox::aggregate_id.eq_any(return_ids))
        .filter(outbox::event_type.eq(EventType::ReturnReceived.as_str()))
        .order(outbox::created_at)
        .select((outbox::aggregate_id, outbox::last_error))
        .load(conn)
        .await?;
    // Oldest first, so each return keeps its latest event's error, as
    // `last_delivery_error` does.
    let latest: HashMap<Uuid, Option<String>> = rows.into_iter().collect();
    Ok(latest
        .into_iter()
        .filter_map(|(id, error)| error.map(|error| (id, error)))
        .collect())
}
