//! The `fulfilments` and `fulfilment_cancellations` tables: the paid order
//! as `order.paid` described it (once per order), and orders withdrawn
//! before their event arrived.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{
    orders::{OrderLine, OrderPaidEvent},
    users::Address,
};
use uuid::Uuid;

use crate::db::schema::{fulfilment_cancellations, fulfilments};

/// A paid order as fulfilment keeps it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fulfilments, check_for_backend(Pg))]
pub struct Fulfilment {
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub event_id: Uuid,
    pub lines: serde_json::Value,
    pub shipping_address: serde_json::Value,
    pub total_cents: i64,
    pub currency: String,
    pub paid_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

fn to_json<T: serde::Serialize>(value: &T) -> QueryResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

impl Fulfilment {
    /// Records the paid order unless it is known: true when it was new.
    pub async fn insert_once(
        conn: &mut AsyncPgConnection,
        event: &OrderPaidEvent,
    ) -> QueryResult<bool> {
        let inserted = diesel::insert_into(fulfilments::table)
            .values((
                fulfilments::order_id.eq(event.order_id),
                fulfilments::user_id.eq(event.user_id),
                fulfilments::event_id.eq(event.event_id),
                fulfilments::lines.eq(to_json(&event.lines)?),
                fulfilments::shipping_address.eq(to_json(&event.shipping_address)?),
                fulfilments::total_cents.eq(event.total_cents),
                fulfilments::currency.eq(&event.currency),
                fulfilments::paid_at.eq(event.paid_at),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok(inserted == 1)
    }

    /// The paid order, if its `order.paid` arrived.
    pub async fn find(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<Option<Self>> {
        fulfilments::table
            .find(order_id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order locked for the rest of the transaction (returns of one
    /// order are counted one at a time).
    pub async fn lock(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<Option<Self>> {
        fulfilments::table
            .find(order_id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Many orders at once: order id -> fulfilment.
    pub async fn many(
        conn: &mut AsyncPgConnection,
        order_ids: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, Self>> {
        let rows: Vec<Self> = fulfilments::table
            .filter(fulfilments::order_id.eq_any(order_ids))
            .select(Self::as_select())
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(|f| (f.order_id, f)).collect())
    }

    /// What was bought, at the price paid (written by this service from the
    /// event, so it always reads back).
    pub fn order_lines(&self) -> Vec<OrderLine> {
        serde_json::from_value(self.lines.clone()).unwrap_or_default()
    }

    /// Where the parcel goes.
    pub fn address(&self) -> Option<Address> {
        serde_json::from_value(self.shipping_address.clone()).ok()
    }
}

/// An order withdrawn before (or after) its `order.paid` arrived.
pub struct FulfilmentCancellation;

impl FulfilmentCancellation {
    /// Remembers that the order is withdrawn (once).
    pub async fn record(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<()> {
        diesel::insert_into(fulfilment_cancellations::table)
            .values(fulfilment_cancellations::order_id.eq(order_id))
            .on_conflict_do_nothing()
            .execute(conn)
            .await
            .map(drop)
    }

    /// Whether the order was withdrawn.
    pub async fn exists(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            fulfilment_cancellations::table.find(order_id),
        ))
        .get_result(conn)
        .await
    }
}
