//! The `fulfilments` and `packing_tasks` tables: one fulfilment and one
//! packing task per paid order, however often `order.paid` arrives.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{fulfilment::FulfilmentResponse, orders::OrderPaidEvent};
use uuid::Uuid;

use crate::db::schema::{fulfilment_cancellations, fulfilments, packing_tasks};

/// A packing task row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = packing_tasks, check_for_backend(Pg))]
pub struct PackingTask {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PackingTask {
    pub fn to_response(&self) -> FulfilmentResponse {
        FulfilmentResponse {
            order_id: self.order_id,
            packing_task_id: Some(self.id),
            status: self.status.clone(),
        }
    }

    pub async fn for_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        packing_tasks::table
            .filter(packing_tasks::order_id.eq(order_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }
}

/// Records the paid order and its packing task, once per order id: `(task,
/// created)`. An order cancelled before its event arrived gets a
/// `cancelled` task, so nobody packs it.
pub async fn accept(
    conn: &mut AsyncPgConnection,
    event: &OrderPaidEvent,
) -> QueryResult<(PackingTask, bool)> {
    conn.transaction(async |conn| {
        let inserted = diesel::insert_into(fulfilments::table)
            .values((
                fulfilments::order_id.eq(event.order_id),
                fulfilments::user_id.eq(event.user_id),
                fulfilments::event_id.eq(event.event_id),
                fulfilments::lines.eq(serde_json::to_value(&event.lines)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?),
                fulfilments::shipping_address.eq(serde_json::to_value(&event.shipping_address)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?),
                fulfilments::total_cents.eq(event.total_cents),
                fulfilments::currency.eq(&event.currency),
                fulfilments::paid_at.eq(event.paid_at),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            let task = PackingTask::for_order(conn, event.order_id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            return Ok((task, false));
        }
        let cancelled: bool = diesel::select(diesel::dsl::exists(
            fulfilment_cancellations::table.find(event.order_id),
        ))
        .get_result(conn)
        .await?;
        let now = Utc::now();
        let task = diesel::insert_into(packing_tasks::table)
            .values(&PackingTask {
                id: Uuid::now_v7(),
                order_id: event.order_id,
                user_id: event.user_id,
                status: if cancelled { "cancelled" } else { "pending" }.to_owned(),
                created_at: now,
                updated_at: now,
            })
            .returning(PackingTask::as_returning())
            .get_result(conn)
            .await?;
        Ok((task, true))
    })
    .await
}

/// Why a fulfilment could not be cancelled.
#[derive(Debug)]
pub enum CancelError {
    /// Packing already started.
    AlreadyPacked(String),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for CancelError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

/// Stops the order's fulfilment while its task is still `pending`. An order
/// whose event has not arrived yet is remembered as cancelled. `None`: no
/// task exists yet.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    order_id: Uuid,
) -> Result<Option<PackingTask>, CancelError> {
    conn.transaction(async |conn| {
        diesel::insert_into(fulfilment_cancellations::table)
            .values(fulfilment_cancellations::order_id.eq(order_id))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let Some(task) = PackingTask::for_order(conn, order_id).await? else {
            return Ok(None);
        };
        match task.status.as_str() {
            "cancelled" => Ok(Some(task)),
            "pending" => Ok(Some(
                diesel::update(packing_tasks::table.find(task.id))
                    .set((
                        packing_tasks::status.eq("cancelled"),
                        packing_tasks::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(PackingTask::as_returning())
                    .get_result(conn)
                    .await?,
            )),
            other => Err(CancelError::AlreadyPacked(other.to_owned())),
        }
    })
    .await
}
